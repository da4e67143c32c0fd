"""khabar/fingerprints.py: a page's fingerprint covers what its bytes are made of, and of other articles only their teasers."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from conftest import PROJECT, ScratchSite, run_cli

from khabar.content import Article
from khabar.digests import BY_KEY_FIELDS, SHOWN_ON_ITS_OWN_PAGE, TEASER_FIELDS, article_digests
from khabar.fingerprints import ArticleDigests, page_fingerprint
from khabar.links import Links
from khabar.pages import ArticlePage
from khabar.pipeline import load_site
from khabar.render import Renderer


def test_every_field_of_an_article_is_either_a_teasers_or_its_own_pages():
    named = [*TEASER_FIELDS, *BY_KEY_FIELDS, *SHOWN_ON_ITS_OWN_PAGE]
    assert sorted(named) == sorted(field.name for field in dataclasses.fields(Article)), "classify the new field"
    assert len(set(named)) == len(named)


def digests_of(articles: list[Article]) -> ArticleDigests:
    return ArticleDigests(articles, {article.source: article_digests(article) for article in articles})


def _garbled(article: Article) -> Article:
    """The article with everything but its teaser changed: what a page listing it must not show."""
    return dataclasses.replace(
        article, body_html="<p>GARBLED</p>", related_pins=("garbled",), timeline_events=(), terms=(("garbled", 1),),
        body_pictures=(), url_line=999, aliases=(), heading_ids=("garbled",), body_links=(),
    )


def _with_others_garbled(value: Any, own: Article | None) -> Any:
    if isinstance(value, Article):
        return value if value is own else _garbled(value)
    if isinstance(value, tuple):
        return tuple(_with_others_garbled(item, own) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: _with_others_garbled(getattr(value, field.name), own) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def test_pages_show_nothing_of_the_articles_they_list_but_their_teasers():
    """What makes a body edit render one page again: no template reads more of a listed article than its teaser."""
    site, assets, _ = load_site(PROJECT)
    renderer = Renderer(site, Links(site.config.base_url, assets))
    listing_others = 0
    for page in site.pages:
        own = page.article if isinstance(page, ArticlePage) else None
        garbled = _with_others_garbled(page, own)
        listing_others += garbled != page
        assert renderer.render(garbled).content == renderer.render(page).content, page.url
    assert listing_others > len(site.pages) / 2  # the demo's pages do list other articles: the check checked something


def test_a_body_edit_changes_its_own_pages_fingerprint_only():
    site, _, _ = load_site(PROJECT)
    articles = [article for language in site.articles.values() for article in language]
    edited = articles[0]
    before = digests_of(articles)
    after = digests_of([_garbled(article) if article is edited else article for article in articles])
    changed = [
        page.url for page in site.pages
        if page_fingerprint(page, b"shared", before) != page_fingerprint(page, b"shared", after)
    ]
    assert changed == [edited.url]


def test_a_title_edit_changes_every_page_that_lists_the_article():
    site, _, _ = load_site(PROJECT)
    articles = [article for language in site.articles.values() for article in language]
    edited = articles[0]
    before = digests_of(articles)
    after = digests_of([dataclasses.replace(a, title="Another title") if a is edited else a for a in articles])
    changed = {page.url for page in site.pages if page_fingerprint(page, b"s", before) != page_fingerprint(page, b"s", after)}
    listing = {page.url for page in site.pages if edited.source in page.sources}
    assert edited.url in changed and len(changed) > 3
    assert changed == listing  # every page that names it in its sources shows its teaser, and no other page changed


def test_what_every_page_shares_is_in_every_fingerprint():
    site, _, _ = load_site(PROJECT)
    articles = digests_of([article for language in site.articles.values() for article in language])
    page = site.pages[0]
    assert page_fingerprint(page, b"one", articles) != page_fingerprint(page, b"two", articles)


def test_templates_reach_other_articles_only_through_their_page(scratch: ScratchSite):
    """A layout could otherwise show what no page's fingerprint covers, and go stale after an incremental build."""
    scratch.article("ar", "story", "title: خبر\ndate: 2023-09-13")
    base = scratch.root / "layouts" / "base.html"
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "{{ site.articles }}\n")
    base.write_text("".join(lines), encoding="utf-8")
    result = run_cli("build", root=scratch.root)
    assert result.returncode == 1
    assert re.search(r"^layouts/base\.html:2: error: template error: .*'site' is undefined", result.stderr, re.MULTILINE), result.stderr
