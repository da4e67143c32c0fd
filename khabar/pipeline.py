"""The build, top to bottom: load and validate → site model → render → write."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from .assets import Asset, collect_assets
from .checks import run_checks
from .checks.glossary import Respelling, respell
from .config import CONTENT_DIR, SiteConfig, load_config
from .content import Article
from .gitdates import last_changes
from .links import Links
from .load import load_articles
from .model import Site, build_site
from .outputs.feeds import feed_outputs
from .outputs.sitemaps import sitemap_outputs
from .outputs.images import encode_pictures
from .outputs.redirects import redirect_outputs
from .outputs.search import search_outputs
from .pool import Workers, available_cores
from .problems import BuildFailed, Problem, Problems
from .progress import Progress, silent
from .render import render_pages
from .schedule import published
from .timelines import load_timelines
from .write import claim_output, staged_output


@dataclass(frozen=True)
class BuildOptions:
    include_drafts: bool = False
    base_url: str | None = None  # overrides site.yaml's, e.g. for a preview under another address
    now: dt.datetime | None = None  # the build time; None: SOURCE_DATE_EPOCH if set, else the clock
    force: bool = False  # replace an output folder that is neither empty nor a site khabar built
    include_future: bool = False  # articles dated after the build time (scheduled), which a build leaves out
    mark_scheduled: bool = False  # label those as scheduled: for the desk's preview (serve), never for publishing
    jobs: int | None = None  # processes for the heavy steps (build --jobs); None: one per core
    progress: Progress = field(default=silent, compare=False)  # told each step and how far it is (the terminal's display)

    @property
    def workers(self) -> Workers:
        return Workers(self.jobs or available_cores(), self.progress)


@dataclass(frozen=True)
class BuildReport:
    pages: int
    articles: int
    warnings: tuple[Problem, ...]
    pictures_encoded: int = 0  # picture derivatives this build encoded
    pictures_cached: int = 0  # picture derivatives taken from the cache of an earlier build


def build_time(now: dt.datetime | None) -> dt.datetime:
    """The moment the build stands at: given, else SOURCE_DATE_EPOCH (reproducible builds), else now."""
    if now is not None:
        return now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            problems = Problems()
            problems.error("SOURCE_DATE_EPOCH", 0, f"not a number of seconds since 1970: {epoch!r}")
            raise BuildFailed(problems) from None
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def load_site(root: Path, options: BuildOptions = BuildOptions()) -> tuple[Site, dict[str, Asset], Problems]:
    """Read and validate every source into the site model and its assets; raise BuildFailed listing all errors."""
    config: SiteConfig = load_config(root)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    built_at = build_time(options.now)
    problems = Problems()
    # Git's dates for all, then the build's choice: drafts and scheduled articles only when asked for, marked if asked.
    files = load_articles(config, problems, lambda every: published(
        _updated_from_git(root, every), built_at, options.include_drafts, options.include_future, options.mark_scheduled,
    ), options.workers)
    articles = list(files.built.values())
    events = [event for article in articles for event in article.timeline_events]
    timelines = load_timelines(config, events, files, problems)
    assets = collect_assets(root, problems)
    if problems:
        raise BuildFailed(problems)
    options.progress("modelling", 0, 0, "the site")
    return build_site(config, articles, timelines, built_at, options.workers), assets, problems


def _updated_from_git(root: Path, articles: list[Article]) -> list[Article]:
    """Articles without `updated` take the newest commit that modified their file, if it came after their date: a
    commit before it (an article copied in with its old history, a scheduled one edited in the queue) is no update."""
    changes = last_changes(root, CONTENT_DIR)
    return [
        replace(article, updated=changes[article.source])
        if article.updated is None and article.source in changes and changes[article.source] > article.date else article
        for article in articles
    ]


def build(root: Path, out: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """The whole site into `out`: pages, assets, pictures, feeds, sitemaps, the search index and the aliases' redirects, or nothing."""
    # First, so that a wrong --out is refused before any work, and a site a killed build took away is back
    # even if this build then fails.
    folder = claim_output(root, out, options.force)
    site, assets, problems = load_site(root, options)
    links = Links(site.config.base_url, assets)
    pictures = encode_pictures(site, options.workers)  # before the staging folder opens: a picture that fails leaves nothing written
    with staged_output(folder) as write:
        pages = len(render_pages(site, links, write, workers=options.workers))  # written by the render workers as they go
        search = search_outputs(site, links, options.progress)  # Pagefind indexes in its own processes meanwhile
        options.progress("writing", 0, 0, "assets, pictures, feeds and sitemaps")
        for output in chain(
            (asset.output() for asset in assets.values()),
            pictures.outputs(),
            feed_outputs(site, links),
            sitemap_outputs(site, links),
            search,
            redirect_outputs(site, links),
        ):
            write(output)
    articles = sum(len(articles) for articles in site.articles.values())
    return BuildReport(pages, articles, tuple(problems.warnings), pictures.encoded, pictures.cached)


def check(root: Path) -> Problems:
    """Validate configuration, every article (drafts and scheduled ones included) and the assets, then the house style, without writing anything."""
    try:
        site, _, problems = load_site(root, BuildOptions(include_drafts=True, include_future=True))
    except BuildFailed as failure:
        return failure.problems
    run_checks(site, problems)
    return problems


def fix_spellings(root: Path) -> list[Respelling]:
    """check --fix: every variant spelling of the glossary rewritten to the house one, in place; none if the site has errors."""
    try:
        site, _, _ = load_site(root, BuildOptions(include_drafts=True))
    except BuildFailed:
        return []  # check, run next, reports why
    return respell(site)
