#!/usr/bin/env python3
"""The command line: build, check, new and serve a bilingual news microsite."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import time
from pathlib import Path
from typing import Callable

import click
from click.core import ParameterSource

from khabar.fields import is_real_offset
from khabar.pipeline import BuildOptions, BuildReport, Builder, build as build_site, build_time, check as check_site, fix_spellings
from khabar.problems import BuildFailed, Problems
from khabar.progress import TerminalProgress, shows_progress, silent
from khabar.report import FORMATS, limited_to, project_paths, render, summary
from khabar.scaffold import editor_command, new_article, open_in_editor
from khabar.write import OutputFailed, UnsafeOutput

ROOT = Path(__file__).resolve().parent


def _report(problems: Problems, root: Path, output_format: str = "text") -> None:
    """The findings on stderr for people; for machines on stdout, which then holds nothing else."""
    rendered = render(problems, output_format, _workspace_path(root))
    if rendered or output_format == "json":  # a JSON document even of no findings: []
        click.echo(rendered, err=output_format == "text")


def _workspace_path(root: Path) -> str:
    """The project's folder relative to the GitHub runner's workspace (the current folder elsewhere), which is
    what the runner's annotations name files from; "" when it is the workspace or outside it."""
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    try:
        relative = root.relative_to(workspace).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative


def _report_failure(problems: Problems, root: Path, output_format: str = "text") -> None:
    _report(problems, root, output_format)
    click.echo(f"{len(problems.errors)} problem(s) found; nothing was written.", err=True)


def _progress_line(quiet: bool) -> TerminalProgress | None:
    """The line that shows how far a build is: on a terminal only, not in CI, not with --quiet."""
    return TerminalProgress(sys.stderr) if shows_progress(sys.stderr, quiet, os.environ) else None


def _run_build(root: Path, out: Path, build: Callable[[], BuildReport], output_format: str = "text", quiet: bool = False,
               progress: TerminalProgress | None = None) -> Problems | None:
    """Run `build` and print what came of it (unless `quiet`, only its problems); None if the site was built, else the
    problems printed: none when the failure was not in a source file (an output folder refused, a disk full), whose
    message names paths on this machine. `progress`, the line the build draws on, is cleared whatever happens."""
    started = time.perf_counter()
    try:
        report = build()
    except BuildFailed as failure:
        _report_failure(failure.problems, root, output_format)
        return failure.problems
    except (UnsafeOutput, OutputFailed) as error:
        click.echo(f"error: {error}", err=True)
        return Problems()
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"error: cannot build the site: {where}{error.strerror or error}", err=True)
        return Problems()
    finally:
        if progress:
            progress.clear()
    _report(Problems(warnings=list(report.warnings)), root, output_format)
    if quiet:
        return None
    seconds = time.perf_counter() - started
    to_stderr = output_format == "json"  # stdout holds the JSON document alone
    click.echo(f"built {report.pages} pages from {report.articles} articles into {out} in {seconds:.2f} s", err=to_stderr)
    click.echo(f"files: {report.written} written, {report.unchanged} unchanged, {report.deleted} deleted", err=to_stderr)
    pictures = report.pictures_encoded + report.pictures_cached
    if pictures:
        click.echo(f"pictures: {pictures} derivatives, {report.pictures_encoded} encoded, {report.pictures_cached} from the cache",
                   err=to_stderr)
    if report.search_behind:
        click.echo(f"search index: {', '.join(report.search_behind)} left for the next build", err=to_stderr)
    return None


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


_format_option = click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
    help="How findings are printed: text (path:line:column: level: message, on stderr), json (one document on stdout) "
         "or github (workflow commands that annotate a pull request's lines, on stdout).",
)

_jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None,
    help="Processes for reading articles and rendering pages; 1 does all in this one [default: one per core].",
)

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
@click.option("--clean", is_flag=True,
              help="Build everything, ignoring what the last build into the output folder left in .cache/build/.")
@_force_option
@_jobs_option
@click.option("--quiet", "-q", is_flag=True, help="Print only problems: no progress, no summary of what was built.")
@_format_option
@click.pass_obj
def build(root: Path, out: Path | None, drafts: bool, future: bool, base_url: str | None, now: dt.datetime | None,
          clean: bool, force: bool, jobs: int | None, quiet: bool, output_format: str) -> None:
    """Build the site into a folder, changing it only if the build succeeds, and only the files that change.

    On a terminal it shows how far it is (not in CI, nor with --quiet).
    """
    progress = _progress_line(quiet)
    options = BuildOptions(drafts, base_url, now, force=force, include_future=future, clean=clean, jobs=jobs,
                           progress=progress or silent)
    out = out or root / "_site"
    if _run_build(root, out, functools.partial(build_site, root, out, options), output_format, quiet, progress) is not None:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1)
@click.option("--strict", is_flag=True, help="Fail (exit status 1) on warnings too, not only on errors.")
@click.option("--fix", is_flag=True, help="First rewrite every variant spelling the glossary lists to the house spelling, in place.")
@_format_option
@click.pass_obj
def check(root: Path, files: tuple[str, ...], strict: bool, fix: bool, output_format: str) -> None:
    """Validate the configuration, every article and the house style without writing anything (but the spellings --fix rewrites).

    Given FILES (or folders), it still reads the whole site but reports only their findings, and any error
    elsewhere, which would stop the build whichever files changed.
    """
    try:
        paths = project_paths(root, files, Path.cwd())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="FILES") from None
    if fix:
        for respelling in fix_spellings(root):
            click.echo(str(respelling), err=output_format == "json")
    problems, others = check_site(root), 0
    if files:
        problems, others = limited_to(problems, paths)
    _report(problems, root, output_format)
    click.echo(summary(problems, strict, others), err=output_format == "json")
    if problems.errors or (strict and problems.warnings):
        sys.exit(1)


@cli.command()
@click.argument("title")
@click.option("--lang", default=None, help="The article's language, e.g. ar or en [default: the site's default language].")
@click.option("--slug", default=None, help="The URL name [default: made from the title].")
@click.option("--author", default=None, envvar="KHABAR_AUTHOR",
              help="The author's key in site.yaml [default: KHABAR_AUTHOR, else none].")
@click.option("--now", type=_Moment(), default=None,
              help="The article's date (ISO 8601) [default: SOURCE_DATE_EPOCH, else the clock], in the site's time zone.")
@click.option("--edit", is_flag=True, help="Open the new article in $VISUAL or $EDITOR.")
@click.pass_obj
def new(root: Path, title: str, lang: str | None, slug: str | None, author: str | None, now: dt.datetime | None,
        edit: bool) -> None:
    """Start a new article, a draft dated now, named after its title."""
    editor = editor_command()
    if edit and not editor:
        click.echo("error: --edit needs an editor: set EDITOR (or VISUAL), e.g. export EDITOR=nano", err=True)
        sys.exit(1)
    given = click.get_current_context().get_parameter_source("author") is ParameterSource.COMMANDLINE
    author_from = "--author" if given else "KHABAR_AUTHOR"
    try:
        path = new_article(root, title, lang, slug, build_time(now), author, author_from)
    except BuildFailed as failure:
        _report_failure(failure.problems, root)
        sys.exit(1)
    click.echo(f"created {path.relative_to(root)}")
    if edit and (failed := open_in_editor(editor, path)):
        click.echo(f"error: {failed}", err=True)
        sys.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any other than this machine's own lets others read the site, drafts included.")
@click.option("--port", default=8000, show_default=True, help="The port to listen on (0: any free one).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder [default: <root>/_site].")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Show drafts while editing.")
@click.option("--future/--no-future", default=True, show_default=True,
              help="Show articles dated after now, each marked as scheduled.")
@_force_option
@_jobs_option
@click.pass_obj
def serve(root: Path, host: str, port: int, out: Path | None, drafts: bool, future: bool, force: bool, jobs: int | None) -> None:
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
        progress = _progress_line(quiet=False)
        options = BuildOptions(include_drafts=drafts, base_url=server.url, force=force, include_future=future, mark_scheduled=True,
                               jobs=jobs, progress=progress or silent)
        # One builder for the whole session: it keeps what it read and what it wrote, and redoes only what each save changed.
        builder = Builder(root, out, options)
        def build(search_later: bool) -> Problems | None:
            if search_later or not builder.search_behind():
                return _run_build(root, out, functools.partial(builder.build, search_later), progress=progress)
            # What an edit's build left: the terminal has said all else of it already.
            started = time.perf_counter()
            problems = _run_build(root, out, builder.build, quiet=True, progress=progress)
            if problems is None:
                click.echo(f"search index made in {time.perf_counter() - started:.2f} s")
            return problems

        if not server.run(build, builder.built_files, builder.search_behind):
            sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM
        click.echo("stopped")


if __name__ == "__main__":
    cli()
