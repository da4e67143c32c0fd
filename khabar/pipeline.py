"""The build, top to bottom: load and validate → site model → render → write."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from .assets import Asset, collect_assets
from .buildstate import OutputState, ParseCache, RememberedValues, code_stamp, input_snapshot, output_state_path, read_sealed, unchanged_snapshot, write_sealed
from .config import CONTENT_DIR, SiteConfig, load_config
from .content import Article
from .digests import digest
from .fingerprints import SITEMAPS, plan_outputs, search_group
from .gitdates import history_mark, last_changes
from .heap import cycle_collector_paused
from .links import Links
from .load import load_articles
from .model import Site, build_site
from .outputs.feeds import feed_outputs
from .output import Output
from .outputs.sitemaps import NEWS_WINDOW, sitemap_outputs
from .outputs.images import encode_pictures
from .outputs.redirects import redirect_outputs
from .outputs.search import search_outputs
from .pool import Workers, available_cores
from .problems import BuildFailed, Problem, Problems
from .progress import Progress, silent
from .render import render_pages
from .schedule import published
from .timelines import load_timelines
from .urls import search_index_url
from .write import OutputFolder, claim_output, marker_build_id, staged_output, updated_output

if TYPE_CHECKING:
    from .checks.glossary import Respelling


@dataclass(frozen=True)
class BuildOptions:
    include_drafts: bool = False
    base_url: str | None = None  # overrides site.yaml's, e.g. for a preview under another address
    now: dt.datetime | None = None  # the build time; None: SOURCE_DATE_EPOCH if set, else the clock
    force: bool = False  # replace an output folder that is neither empty nor a site khabar built
    include_future: bool = False  # articles dated after the build time (scheduled), which a build leaves out
    mark_scheduled: bool = False  # label those as scheduled: for the desk's preview (serve), never for publishing
    clean: bool = False  # ignore what the last build into the output folder left, and build everything
    jobs: int | None = None  # processes for the heavy steps (build --jobs); None: one per core
    progress: Progress = field(default=silent, compare=False)  # told each step and how far it is (the terminal's display)

    @property
    def workers(self) -> Workers:
        return Workers(self.jobs or available_cores(), self.progress)

    @property
    def choices(self) -> tuple:
        """The options that change what is built (not how: jobs, progress, force, clean)."""
        return self.include_drafts, self.base_url, self.now, self.include_future, self.mark_scheduled


@dataclass(frozen=True)
class BuildReport:
    pages: int
    articles: int
    warnings: tuple[Problem, ...]
    pictures_encoded: int = 0  # picture derivatives this build encoded
    pictures_cached: int = 0  # picture derivatives taken from the cache of an earlier build
    written: int = 0  # files written: new, or with other bytes than the output folder held
    unchanged: int = 0  # files left as they were (their modification time too)
    deleted: int = 0  # files of pages and other outputs that are gone
    search_behind: tuple[str, ...] = ()  # languages whose search index an edit changed, left for the next build (serve)


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
    loaded = _load(root, options, build_time(options.now))
    return loaded.site, loaded.assets, loaded.problems


@dataclass(frozen=True)
class _Loaded:
    site: Site
    assets: dict[str, Asset]
    problems: Problems  # its warnings
    steady_until: dt.datetime | None  # the first build time after this one at which the clock alone changes the site
    digests: Mapping[str, tuple[bytes, bytes]]  # each article's as read (khabar/digests.py)


def _load(root: Path, options: BuildOptions, built_at: dt.datetime, cache: ParseCache | None = None,
          related_lists: RememberedValues | None = None) -> _Loaded:
    config: SiteConfig = load_config(root)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    problems = Problems()
    every: list[Article] = []

    def publish(articles: list[Article]) -> list[Article]:
        # Git's dates for all, then the build's choice: drafts and scheduled articles only when asked for, marked if asked.
        every.extend(articles)
        return published(_updated_from_git(root, articles), built_at, options.include_drafts, options.include_future,
                         options.mark_scheduled)

    files = load_articles(config, problems, publish, cache, options.workers)
    articles = list(files.built.values())
    events = [event for article in articles for event in article.timeline_events]
    timelines = load_timelines(config, events, files, problems)
    assets = collect_assets(root, problems)
    if problems:
        raise BuildFailed(problems)
    options.progress("modelling", 0, 0, "the site")
    with cycle_collector_paused():
        site = build_site(config, articles, timelines, built_at, options.workers, related_lists and related_lists.values)
    return _Loaded(site, assets, problems, _steady_until(every, built_at), files.digests)


def _steady_until(articles: list[Article], built_at: dt.datetime) -> dt.datetime | None:
    """When a scheduled article's time comes, or one leaves the news sitemap's window: a build then differs."""
    moments = [article.date for article in articles if article.date > built_at]
    moments.extend(article.date + NEWS_WINDOW for article in articles if article.date <= built_at < article.date + NEWS_WINDOW)
    return min(moments, default=None)


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
    """The whole site into `out`: pages, assets, pictures, feeds, sitemaps, the search index and the aliases' redirects,
    or nothing; only what changed since the last build into `out`, if its state is at hand."""
    return Builder(root, out, options).build()


class Builder:
    """Builds the site into one output folder, again and again (`serve` keeps one), each time redoing only what the
    edits since the last build changed: the site after an incremental build is, byte for byte, the one a clean build makes."""

    def __init__(self, root: Path, out: Path, options: BuildOptions = BuildOptions()):
        self.root, self.out, self.options = root, out, options
        self.stamp = code_stamp()
        self.parsed = ParseCache(root, self.stamp, fresh=options.clean)
        self.related_lists = RememberedValues(root, "related", self.stamp, fresh=options.clean)
        self.state: OutputState | None = None  # what the output folder holds, if this builder wrote it last

    def build(self, search_later: bool = False) -> BuildReport:
        """Build what changed. `search_later` (serve, so that the page shows an edit before Pagefind has indexed it):
        a language's search bundle that an edit changed is left as it was, and made by the next build."""
        # First, so that a wrong --out is refused before any work, and a site a killed build took away is back
        # even if this build then fails.
        folder = claim_output(self.root, self.out, self.options.force)
        state_file = output_state_path(self.root, folder.path)
        previous = None if self.options.clean else self._previous(folder, state_file)
        built_at = build_time(self.options.now)
        snapshot_at = time.time_ns()
        snapshot = input_snapshot(self.root)
        unchanged_if = (self.options.choices, history_mark(self.root), self.stamp)
        if previous and _nothing_to_do(previous, snapshot, unchanged_if, built_at):
            self.state = previous  # read from disk when this builder is new (serve started again): the folder is its now
            return replace(previous.report, written=0, unchanged=len(previous.files), deleted=0)
        try:
            loaded = _load(self.root, self.options, built_at, self.parsed, self.related_lists)
        finally:
            self.parsed.save()  # what was read is worth keeping even if the site has errors
        self.related_lists.save()
        site, assets = loaded.site, loaded.assets
        links = Links(site.config.base_url, assets)
        workers, progress = self.options.workers, self.options.progress
        pictures = encode_pictures(site, workers)  # before the staging folder opens: a picture that fails leaves nothing written
        plan = plan_outputs(site, assets, loaded.digests, self.stamp, workers)
        before = previous.files if previous else {}
        before_groups = previous.groups if previous else {}
        pages = [index for index, (path, fingerprint) in enumerate(plan.pages.items())
                 if previous is None or previous.pages.get(path) != fingerprint]
        stale = [name for name, fingerprint in plan.groups.items() if name not in before_groups or before_groups[name][0] != fingerprint]
        # Left as it was, with its old fingerprint, only where there is one (not in a first build, nor a new language).
        left = [lang for lang in site.config.language_codes if search_group(lang) in stale and search_group(lang) in before_groups]
        behind = [search_group(lang) for lang in left] if search_later else []
        stale = [name for name in stale if name not in behind]
        files: dict[str, bytes] = {}
        with (updated_output(folder) if previous else staged_output(folder)) as output:
            def write(item: Output) -> bytes:
                """Write the output if its bytes are not the ones the folder holds; its digest."""
                content_digest = item.digest
                if before.get(item.path) != content_digest:
                    output.write(item.path, item.content)
                return content_digest

            files.update(render_pages(site, links, write, pages, workers))  # written by the render workers as they go
            searched = [lang for lang in site.config.language_codes if search_group(lang) in stale]
            search = search_outputs(site, links, searched, progress)  # Pagefind indexes in its own processes meanwhile
            progress("writing", 0, 0, "assets, pictures, feeds and sitemaps")
            made: dict[str, list[str]] = {name: [] for name in stale}
            for group, item in chain(
                _alone(asset.output() for asset in assets.values()),
                _alone(pictures.outputs()),
                _alone(feed_outputs(site, links)),
                ((SITEMAPS, item) for item in (sitemap_outputs(site, links) if SITEMAPS in stale else ())),
                _by_language(site, search),
                _alone(redirect_outputs(site, links)),
            ):
                files[item.path] = write(item)
                if group:
                    made[group].append(item.path)
            groups = {name: previous.groups[name] if name in behind else  # its old fingerprint: still to be made
                      (fingerprint, tuple(made[name]) if name in made else previous.groups[name][1])
                      for name, fingerprint in plan.groups.items()}
            files.update({path: before[path] for path in plan.pages if path not in files})  # pages not rendered again
            files.update({path: before[path] for name in plan.groups if name not in made for path in groups[name][1]})
            if previous:
                output.remove(sorted(set(before) - set(files)))
            # Named by what it holds: two builds of the same sources write the same marker, as they write the same site.
            output.build_id = digest(*(f"{path} {content.hex()}" for path, content in sorted(files.items()))).hex()
        articles = sum(len(articles) for articles in site.articles.values())
        written = sum(1 for path, content in files.items() if before.get(path) != content)
        report = BuildReport(len(site.pages), articles, tuple(loaded.problems.warnings), pictures.encoded, pictures.cached,
                             written=written, unchanged=len(files) - written, deleted=len(set(before) - set(files)),
                             search_behind=tuple(left) if search_later else ())
        self.state = OutputState(output.build_id, files, plan.pages, groups, report, unchanged_if, snapshot, snapshot_at,
                                 built_at, loaded.steady_until)
        write_sealed(state_file, self.stamp, self.state)
        return report

    def search_behind(self) -> bool:
        """Whether the last build left a search index for the next one to make (`build(search_later=True)`)."""
        return bool(self.state and self.state.report.search_behind)

    def built_files(self) -> Mapping[str, bytes]:
        """The digest of each file of the site this builder last built, or found built (by its path); none before that."""
        return self.state.files if self.state else {}

    def _previous(self, folder: OutputFolder, state_file: Path) -> OutputState | None:
        """The state of the output folder as the last build left it, if that build's site is still the one there."""
        marked = marker_build_id(folder)
        if self.state is not None and self.state.build_id == marked:
            return self.state
        # Another process (a build beside serve) has written the folder since: its state, if it left one.
        state = read_sealed(state_file, self.stamp)
        return state if isinstance(state, OutputState) and state.build_id == marked else None


def _nothing_to_do(previous: OutputState, snapshot: dict, unchanged_if: tuple, built_at: dt.datetime) -> bool:
    """Nothing left behind, every input as it was, the same options and history, and no article's time come or gone since."""
    return (not previous.report.search_behind and previous.unchanged_if == unchanged_if and unchanged_snapshot(previous, snapshot)
            and previous.stable_from <= built_at and (previous.stable_until is None or built_at < previous.stable_until))


def _alone(outputs: Iterable[Output]) -> Iterator[tuple[str | None, Output]]:
    """Outputs made on every build, each on its own (and written only if its bytes changed)."""
    return ((None, item) for item in outputs)


def _by_language(site: Site, search: Iterable[Output]) -> Iterator[tuple[str, Output]]:
    """The search bundles' files, each in its language's group."""
    folders = {lang: search_index_url(lang).lstrip("/") for lang in site.config.language_codes}
    for item in search:
        yield next(search_group(lang) for lang, folder in folders.items() if item.path.startswith(folder)), item


def check(root: Path) -> Problems:
    """Validate configuration, every article (drafts and scheduled ones included) and the assets, then the house style, without writing anything."""
    try:
        site, _, problems = load_site(root, BuildOptions(include_drafts=True, include_future=True))
    except BuildFailed as failure:
        return failure.problems
    from .checks import run_checks  # here: every build would otherwise load the house style's rules for nothing

    run_checks(site, problems)
    return problems


def fix_spellings(root: Path) -> list[Respelling]:
    """check --fix: every variant spelling of the glossary rewritten to the house one, in place; none if the site has errors."""
    try:
        site, _, _ = load_site(root, BuildOptions(include_drafts=True))
    except BuildFailed:
        return []  # check, run next, reports why
    from .checks.glossary import respell

    return respell(site)
