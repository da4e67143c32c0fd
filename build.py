#!/usr/bin/env python3
"""The command line: build, check, new and serve a bilingual news microsite."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from khabar.fields import is_real_offset
from khabar.pipeline import BuildOptions, build as build_site, check as check_site
from khabar.problems import BuildFailed, Problem
from khabar.scaffold import new_article
from khabar.write import OutputFailed, UnsafeOutput

ROOT = Path(__file__).resolve().parent


def _report(errors: list[Problem], warnings: list[Problem] | tuple[Problem, ...]) -> None:
    for warning in sorted(warnings):
        click.echo(str(warning), err=True)
    for error in sorted(errors):
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} problem(s) found; nothing was written.", err=True)


def _run_build(root: Path, out: Path, options: BuildOptions) -> bool:
    started = time.perf_counter()
    try:
        report = build_site(root, out, options)
    except BuildFailed as failure:
        _report(failure.problems.errors, failure.problems.warnings)
        return False
    except (UnsafeOutput, OutputFailed) as error:
        click.echo(f"error: {error}", err=True)
        return False
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"error: cannot build the site: {where}{error.strerror or error}", err=True)
        return False
    _report([], report.warnings)
    seconds = time.perf_counter() - started
    click.echo(f"built {report.pages} pages from {report.articles} articles into {out} in {seconds:.2f} s")
    pictures = report.pictures_encoded + report.pictures_cached
    if pictures:
        click.echo(f"pictures: {pictures} derivatives, {report.pictures_encoded} encoded, {report.pictures_cached} from the cache")
    return True


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=ROOT, show_default="this folder",
              help="The site's folder (holding site.yaml, content/, layouts/, assets/).")
@click.pass_context
def cli(context: click.Context, root: Path) -> None:
    """Build bilingual (Arabic/English) news microsites from Markdown."""
    context.obj = root.resolve()


class _Moment(click.ParamType):
    """An ISO 8601 date and time; without an offset it is UTC."""

    name = "datetime"

    def convert(self, value: object, parameter: click.Parameter | None, context: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date and time such as 2023-09-14T12:00:00+03:00", parameter, context)
        if (offset := moment.utcoffset()) is not None and not is_real_offset(offset):
            self.fail(f"{value!r} has a time-zone offset no time zone has (whole quarter hours from -14:00 to +14:00)", parameter, context)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


_force_option = click.option(
    "--force", is_flag=True,
    help="Replace the output folder even if it is neither empty nor a site khabar built, deleting what it holds.",
)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder [default: <root>/_site].")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated after the build time, which are otherwise left out until then.")
@click.option("--base-url", default=None, help="The address the site is served from, e.g. https://example.org/summit/.")
@click.option("--now", type=_Moment(), default=None,
              help="The build time (ISO 8601): articles dated after it wait for a later build, and the News sitemap lists the two days"
                   " before it [default: SOURCE_DATE_EPOCH, else the clock].")
@_force_option
@click.pass_obj
def build(root: Path, out: Path | None, drafts: bool, future: bool, base_url: str | None, now: dt.datetime | None, force: bool) -> None:
    """Build the site into a folder, replacing it only if the build succeeds."""
    if not _run_build(root, out or root / "_site", BuildOptions(drafts, base_url, now, force=force, include_future=future)):
        sys.exit(1)


@cli.command()
@click.pass_obj
def check(root: Path) -> None:
    """Validate the configuration and every article without writing anything."""
    problems = check_site(root)
    _report(problems.errors, problems.warnings)
    if problems.errors:
        sys.exit(1)
    click.echo("no problems found")


@cli.command()
@click.argument("title")
@click.option("--lang", required=True, help="The article's language, e.g. ar or en.")
@click.option("--slug", default=None, help="The URL name [default: made from the title].")
@click.pass_obj
def new(root: Path, title: str, lang: str, slug: str | None) -> None:
    """Start a new article with today's date."""
    try:
        path = new_article(root, lang, title, slug)
    except BuildFailed as failure:
        _report(failure.problems.errors, failure.problems.warnings)
        sys.exit(1)
    click.echo(f"created {path.relative_to(root)}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any other than this machine's own lets others read the site, drafts included.")
@click.option("--port", default=8000, show_default=True, help="The port to listen on (0: any free one).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder [default: <root>/_site].")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Show drafts while editing.")
@click.option("--future/--no-future", default=True, show_default=True,
              help="Show articles dated after now, each marked as scheduled.")
@_force_option
@click.pass_obj
def serve(root: Path, host: str, port: int, out: Path | None, drafts: bool, future: bool, force: bool) -> None:
    """Build, serve on this machine and rebuild and reload the browser on every change."""
    from khabar.tools.serve import DevServer

    out = out or root / "_site"
    try:
        server = DevServer.listen(root, out, host, port)
    except OSError as error:
        click.echo(f"error: cannot listen on {host} port {port}: {error.strerror or error}", err=True)
        sys.exit(1)
    try:
        if not server.local:
            click.echo(f"warning: listening on {host}: other machines can read the site, drafts included", err=True)
        click.echo(f"serving {out} at {server.url} (Ctrl-C stops)")
        options = BuildOptions(include_drafts=drafts, base_url=server.url, force=force, include_future=future, mark_scheduled=True)
        if not server.run(lambda: _run_build(root, out, options)):
            sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM
        click.echo("stopped")


if __name__ == "__main__":
    cli()
