"""The build, top to bottom: load and validate → site model → render → write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assets import collect_assets
from .config import SiteConfig, load_config
from .load import load_articles
from .model import Site, build_site
from .problems import BuildFailed, Problem, Problems
from .timelines import load_timelines
from .render import render_pages
from .write import staged_output


@dataclass(frozen=True)
class BuildReport:
    pages: int
    articles: int
    warnings: tuple[Problem, ...]


def load_site(root: Path, *, include_drafts: bool = False, base_url: str | None = None) -> tuple[Site, Problems]:
    """Read and validate every source into the site model; raise BuildFailed listing all errors."""
    config: SiteConfig = load_config(root)
    if base_url:
        config = config.with_base_url(base_url)
    problems = Problems()
    articles = load_articles(config, problems, include_drafts=include_drafts)
    events = [event for article in articles for event in article.timeline_events]
    timelines = load_timelines(config, events, {article.translation_key for article in articles}, problems)
    if problems:
        raise BuildFailed(problems)
    return build_site(config, articles, timelines), problems


def build(root: Path, out: Path, *, include_drafts: bool = False, base_url: str | None = None) -> BuildReport:
    site, problems = load_site(root, include_drafts=include_drafts, base_url=base_url)
    assets = collect_assets(root)
    with staged_output(root, out) as write:
        pages = render_pages(site, assets, write)
        write.copy_assets(root, assets)
    articles = sum(len(articles) for articles in site.articles.values())
    return BuildReport(pages, articles, tuple(problems.warnings))


def check(root: Path) -> Problems:
    """Validate configuration and every article, drafts included, without writing anything."""
    try:
        _, problems = load_site(root, include_drafts=True)
    except BuildFailed as failure:
        return failure.problems
    return problems
