"""Stage 2: from validated articles to the site model — every page, with what it shows and what it used."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import MutableMapping

from . import urls
from .config import ASSETS_DIR, CONFIG_FILE, SiteConfig
from .content import Alias, Article, Image
from .localize import Localizer
from .pages import (
    X_DEFAULT, Alternate, ArticlePage, Feed, FeedLink, LanguageSwitch, ListingKind, ListingPage, NavLink, Page, Pagination,
    RedirectPage, SearchPage, StorySoFar,
)
from .pool import Workers
from .problems import BuildFailed, Problems
from .storyline import Storyline, timeline_page, timelines_index_page
from .timelines import Timeline


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: dict[str, list[Article]]  # per language, newest first
    navigation: dict[str, list[NavLink]]  # per language: the categories that have articles, and the timelines
    pages: list[Page] = field(repr=False)
    built_at: dt.datetime  # the moment the build stands at (time-zone aware)
    feeds: list[Feed] = field(repr=False)
    localizers: dict[str, Localizer] = field(repr=False)  # per language: every text, date and number a reader sees

    # per language: the link-preview picture of pages without one of their own, its description in that language
    card_images: dict[str, Image | None] = field(repr=False)


@dataclass(frozen=True)
class _Listing:
    kind: ListingKind
    key: str
    lang: str
    title: str
    url: str
    articles: list[Article]
    description: str = ""
    image: Image | None = None


def build_site(config: SiteConfig, articles: list[Article], timelines: tuple[Timeline, ...], built_at: dt.datetime,
               workers: Workers = Workers(), related_lists: MutableMapping[bytes, list[list[int]]] | None = None) -> Site:
    """The whole site model: articles per language, translations, listings, timelines and every page
    (`related_lists`: the last build's related lists, kept where their articles' evidence has not changed)."""
    # numpy and scipy are imported only now: they are slow to import, and numpy fails with a traceback
    # on a malformed SOURCE_DATE_EPOCH, which the build has reported as a problem by the time it gets here.
    from .related import related_by_language

    localizers = {language.code: Localizer(language, config.strings[language.code]) for language in config.languages}
    by_language: dict[str, list[Article]] = {code: [] for code in config.language_codes}
    for article in sorted(articles, key=lambda a: a.sort_key, reverse=True):
        by_language[article.lang].append(article)
    translations = _translations(articles)
    storyline = Storyline(timelines, translations, config.timeline_preview, config.default_timeline)
    timelines_of = {
        a.source: frozenset(t.key for t in storyline.timelines_of.get(a.translation_key, ())) for a in articles
    }
    related = related_by_language(list(by_language.values()), timelines_of, config.related, workers, related_lists)
    listings = _listings(config, by_language)
    listing_urls = {(listing.kind, listing.key, listing.lang): listing.url for listing in listings}
    feeds = _feeds(config, localizers, listings, timelines, translations)
    announced = _FeedAnnouncements(feeds)

    pages: list[Page] = []
    for lang_articles in by_language.values():
        pages.extend(
            _article_page(config, article, translations, related[article.source], storyline.for_article(article),
                          announced.on(article.lang))
            for article in lang_articles
        )
    for listing in listings:
        story = storyline.latest(listing.lang) if listing.kind == "home" else None
        pages.extend(_listing_pages(config, listing, listing_urls, story, announced.on(listing.lang, listing.url)))
    if timelines:
        pages.extend(_timeline_pages(config, localizers, timelines, translations, announced))
    pages.extend(_search_pages(config, localizers, announced))
    pages.append(_root_page(config, announced.on(config.default_language)))
    pages.append(Page(url=urls.NOT_FOUND_URL, lang=config.default_language, template="404.html", title="404",
                      feeds=announced.on(config.default_language), in_sitemap=False))

    navigation = {}
    for lang in config.language_codes:
        links = [NavLink(listing.title, listing.url) for listing in listings if listing.kind == "category" and listing.lang == lang]
        if timelines:
            links.append(NavLink(localizers[lang].text("timelines"), urls.timelines_url(lang)))
        navigation[lang] = links
    _refuse_shared_files(config, pages, feeds)
    card, alt = config.card_image, config.card_image_alt
    card_images = {lang: replace(card, alt=alt(lang)) if card and alt else card for lang in config.language_codes}
    return Site(config, by_language, navigation, pages, built_at, feeds, localizers, card_images)


def _refuse_shared_files(config: SiteConfig, pages: list[Page], feeds: list[Feed]) -> None:
    """Two outputs in one file would overwrite each other: with a permalink such as /{lang}/{slug}/, an article named
    "search" or "timelines" lands on a page of the site's own. So every page's file is compared with every other file
    the build writes, as file names, not URLs, and as a case-insensitive disk (macOS, Windows) would compare them;
    and no page may lie in a folder whose files a later stage names (assets, pictures, the search index).
    Sitemaps past the first of a language are numbered beside it, at the root, where no page but 404.html is a file.
    The articles' aliases come last: each is a file of its own, and it is the alias that must make way."""
    problems = Problems()
    owners: dict[str, _Owner] = {}  # a folded file name -> the page, the alias, or the description of another output
    for url, what in (
        *((feed.url, f"the feed '{feed.title}'") for feed in feeds),
        *((url, url.lstrip("/")) for url in (urls.ROBOTS_URL, urls.SITEMAP_INDEX_URL, urls.NEWS_SITEMAP_URL)),
        *((urls.sitemap_url(lang, 1), f"the sitemap of '{lang}'") for lang in config.language_codes),
    ):
        owners[_folded(urls.output_path(url))] = what
    owners[_folded(urls.REDIRECTS_FILE)] = "the redirects file for hosts (_redirects)"
    generated_folders = (f"{ASSETS_DIR}/", *(urls.search_index_url(lang).lstrip("/") for lang in config.language_codes))
    for page in pages:
        path = urls.output_path(page.url)
        owner = owners.setdefault(_folded(path), page)
        if owner is not page:
            # Two articles never share an address (load refuses that): an article meets a page of the site's own,
            # or two of the site's own meet on a case-insensitive disk (timelines "Visit" and "visit").
            first, second = (owner, page) if isinstance(owner, ArticlePage) else (page, owner)
            what = second if isinstance(second, str) else f"the page '{second.title}'"
            _refuse_address(problems, first, f"is also that of {what}")
        elif folder := next((folder for folder in generated_folders if path.startswith(folder)), None):
            _refuse_address(problems, page, f"is in {folder}, where the site's own files are written")
    _refuse_misplaced_aliases(problems, owners, [page for page in pages if isinstance(page, ArticlePage)], generated_folders)
    if problems:
        raise BuildFailed(problems)


@dataclass(frozen=True)
class _AliasOf:
    article: Article
    alias: Alias


_Owner = Page | str | _AliasOf


def _refuse_misplaced_aliases(
    problems: Problems, owners: dict[str, _Owner], articles: list[ArticlePage], generated_folders: tuple[str, ...]
) -> None:
    """Each alias is a file of its own: at no other output's file, in no folder the site's own files are written to,
    and inside no file (a folder cannot share a file's name: /404.html/old/ cannot be published)."""
    placed = []
    for page in articles:
        for alias in page.article.aliases:
            path = _folded(urls.output_path(alias.url))
            owner = owners.setdefault(path, _AliasOf(page.article, alias))
            if isinstance(owner, _AliasOf) and owner.alias is alias:
                placed.append((page.article, alias, path))
            elif isinstance(owner, ArticlePage) and owner.article is page.article:
                _refuse_alias(problems, page.article, alias, "is the article's own address")
            elif isinstance(owner, _AliasOf) and owner.article is page.article:
                _refuse_alias(problems, page.article, alias, f"is listed twice (first at line {owner.alias.line})")
            else:
                other = _url_of(owner)
                folded_alike = other is not None and other != alias.url and _folded(other) == _folded(alias.url)
                _refuse_alias(problems, page.article, alias, f"is also the address of {_described(owner)}"
                              + (" on a disk that ignores case (macOS, Windows)" if folded_alike else ""))
    for article, alias, path in placed:
        folders = ["/".join(path.split("/")[:depth]) for depth in range(1, path.count("/") + 1)]
        if folder := next((folder for folder in generated_folders if path.startswith(folder)), None):
            _refuse_alias(problems, article, alias, f"is in {folder}, where the site's own files are written")
        elif file := next((folder for folder in folders if folder in owners), None):
            _refuse_alias(problems, article, alias, f"is inside {file}, which is already a file: {_described(owners[file])}")


def _refuse_alias(problems: Problems, article: Article, alias: Alias, clash: str) -> None:
    problems.error(article.source, alias.line, f"alias {alias.url} {clash}")


def _described(owner: _Owner) -> str:
    if isinstance(owner, str):
        return owner
    if isinstance(owner, ArticlePage):
        return f"the article '{owner.title}' ({owner.article.source})"
    if isinstance(owner, Page):
        return f"the page '{owner.title}'"
    return f"an alias of {owner.article.source}:{owner.alias.line}"


def _url_of(owner: _Owner) -> str | None:
    """The address of an output that has one of its own."""
    return owner.url if isinstance(owner, Page) else owner.alias.url if isinstance(owner, _AliasOf) else None


def _refuse_address(problems: Problems, page: Page, clash: str) -> None:
    """An article's address at its slug, which the editor can change; any other page's at site.yaml."""
    if isinstance(page, ArticlePage):
        problems.error(page.article.source, page.article.url_line, f"its address {page.url} {clash}: give it another slug")
    else:
        problems.error(CONFIG_FILE, 0, f"the address {page.url} of the page '{page.title}' {clash}")


def _folded(path: str) -> str:
    """A file name as a case-insensitive, normalising disk (macOS, Windows) stores it."""
    return unicodedata.normalize("NFC", path).lower()


def _feeds(
    config: SiteConfig, localizers: dict[str, Localizer], listings: list[_Listing], timelines: tuple[Timeline, ...], translations: dict[str, dict[str, Article]]
) -> list[Feed]:
    """The Atom feeds: one per language, category and author, and one per timeline in each language it has articles in."""
    feeds = []
    for listing in listings:
        if listing.kind not in ("home", "category", "author") or not listing.articles:
            continue  # a tag's readers follow the language's feed; a feed per tag would multiply files for little
        t = localizers[listing.lang]
        if listing.kind == "home":
            title, subtitle = config.title(listing.lang), config.description(listing.lang)
        else:
            title = t.text("feed_title", name=listing.title, site=config.title(listing.lang))
            subtitle = (t.text("category_feed_subtitle", name=listing.title) if listing.kind == "category"
                        else listing.description or t.text("author_heading", name=listing.title))
        feeds.append(Feed(urls.feed_url(listing.url), listing.lang, title, subtitle, listing.url,
                          tuple(listing.articles[: config.feed_size]), ()))
    for timeline in timelines:
        for lang in config.language_codes:
            reported = {
                translations[key][lang].source: translations[key][lang]
                for event in timeline.events for key in event.articles if lang in translations.get(key, {})
            }
            if not reported:
                continue
            newest = sorted(reported.values(), key=lambda article: article.sort_key, reverse=True)[: config.feed_size]
            page_url = urls.timeline_url(lang, timeline.key)
            title = localizers[lang].text("feed_title", name=timeline.title(lang), site=config.title(lang))
            subtitle = timeline.intro(lang) if timeline.intro else timeline.title(lang)
            feeds.append(Feed(urls.feed_url(page_url), lang, title, subtitle, page_url, tuple(newest), (timeline.source,)))
    return feeds


class _FeedAnnouncements:
    """Which feeds each page names in its head: its language's, and the one beside it if it has one."""

    def __init__(self, feeds: list[Feed]):
        self._beside = {feed.page_url: feed.link for feed in feeds}
        self._of_language = {feed.lang: feed.link for feed in feeds if feed.page_url == urls.home_url(feed.lang)}

    def on(self, lang: str, page_url: str | None = None) -> tuple[FeedLink, ...]:
        language_feed = self._of_language.get(lang)
        own = self._beside.get(page_url) if page_url else None
        return tuple(link for link in dict.fromkeys((language_feed, own)) if link)


def _timeline_pages(
    config: SiteConfig, localizers: dict[str, Localizer], timelines: tuple[Timeline, ...], translations: dict[str, dict[str, Article]], announced: _FeedAnnouncements
) -> list[Page]:
    """Each timeline, and the index of them all, in every language: each page is its own translation."""
    pages: list[Page] = []
    index_urls = {lang: urls.timelines_url(lang) for lang in config.language_codes}
    for lang in config.language_codes:
        index = timelines_index_page(timelines, lang, localizers[lang].text("timelines"), translations)
        pages.append(replace(index, alternates=_alternates(config, index_urls), switches=_switches(config, lang, index_urls),
                             feeds=announced.on(lang)))
        for timeline in timelines:
            versions = {code: urls.timeline_url(code, timeline.key) for code in config.language_codes}
            page = timeline_page(timeline, lang, translations)
            pages.append(replace(page, alternates=_alternates(config, versions), switches=_switches(config, lang, versions),
                                 feeds=announced.on(lang, page.url)))
    return pages


def _search_pages(config: SiteConfig, localizers: dict[str, Localizer], announced: _FeedAnnouncements) -> list[SearchPage]:
    """The search page of each language; each is the other's translation. No search result leads to one."""
    versions = {lang: urls.search_url(lang) for lang in config.language_codes}
    return [
        SearchPage(
            url=versions[lang],
            lang=lang,
            template="search.html",
            title=localizers[lang].text("search"),
            description=config.description(lang),
            alternates=_alternates(config, versions),
            switches=_switches(config, lang, versions),
            feeds=announced.on(lang),
            in_sitemap=False,
            index_url=urls.search_index_url(lang),
        )
        for lang in config.language_codes
    ]


def _translations(articles: list[Article]) -> dict[str, dict[str, Article]]:
    grouped: dict[str, dict[str, Article]] = defaultdict(dict)
    for article in articles:
        grouped[article.translation_key][article.lang] = article
    return grouped


def _listings(config: SiteConfig, by_language: dict[str, list[Article]]) -> list[_Listing]:
    """Home, then each category, author and tag that has articles, per language."""
    listings = []
    for lang, articles in by_language.items():
        listings.append(_Listing("home", lang, lang, config.title(lang), urls.home_url(lang), articles, config.description(lang)))
        categories: dict[str, list[Article]] = defaultdict(list)
        authors: dict[str, list[Article]] = defaultdict(list)
        tags: dict[str, list[Article]] = defaultdict(list)
        for article in articles:
            if article.category:
                categories[article.category.key].append(article)
            if article.author:
                authors[article.author.key].append(article)
            for tag in article.tags:
                tags[tag.slug].append(article)
        for key in config.categories:
            if key in categories:
                label = config.categories[key].label(lang)
                listings.append(_Listing("category", key, lang, label, urls.category_url(lang, key), categories[key]))
        for key, author in config.authors.items():
            if key in authors:
                bio = author.bio(lang) if author.bio else ""
                listings.append(_Listing("author", key, lang, author.name(lang), urls.author_url(lang, key), authors[key], bio, author.photo))
        for slug in sorted(tags):
            name = next(tag.name for tag in tags[slug][0].tags if tag.slug == slug)
            listings.append(_Listing("tag", slug, lang, name, urls.tag_url(lang, slug), tags[slug]))
    return listings


def _article_page(
    config: SiteConfig, article: Article, translations: dict[str, dict[str, Article]],
    related: tuple[Article, ...], story: StorySoFar | None, feeds: tuple[FeedLink, ...],
) -> ArticlePage:
    versions = translations[article.translation_key]
    others = tuple(versions[lang] for lang in config.language_codes if lang in versions and lang != article.lang)
    version_urls = {lang: version.url for lang, version in versions.items()}
    return ArticlePage(
        url=article.url,
        lang=article.lang,
        template="article.html",
        title=article.title,
        description=article.summary,
        alternates=_alternates(config, version_urls),
        switches=_switches(config, article.lang, version_urls),
        feeds=feeds,
        modified=article.modified,
        sources=(
            article.source, *(other.source for other in (*others, *related)), *(story.sources if story else ()),
            *_picture_files((article, *related)),
        ),
        article=article,
        translations=others,
        related=related,
        story=story,
    )


def _picture_files(articles: tuple[Article, ...], photo: Image | None = None) -> tuple[str, ...]:
    """The picture files a page shows: it names their derivatives, whose names follow the files' content."""
    pictures = [picture for article in articles for picture in article.pictures]
    if photo and photo.picture:
        pictures.append(photo.picture)
    return tuple(dict.fromkeys(picture.source for picture in pictures))


def _alternates(config: SiteConfig, version_urls: dict[str, str], x_default: str | None = None) -> tuple[Alternate, ...]:
    """Every version of a page, and the one for readers of other languages: given, else the first in the site's order
    (the default language's where there is one). Every version carries the same set, so each names all the others."""
    versions = tuple(Alternate(lang, version_urls[lang]) for lang in config.language_codes if lang in version_urls)
    return (*versions, Alternate(X_DEFAULT, x_default or versions[0].url)) if versions else ()


def _switches(config: SiteConfig, current: str, version_urls: dict[str, str]) -> tuple[LanguageSwitch, ...]:
    """For each other language: this page's version there, else that language's home."""
    return tuple(
        LanguageSwitch(lang, version_urls[lang], True) if lang in version_urls else LanguageSwitch(lang, urls.home_url(lang), False)
        for lang in config.language_codes
        if lang != current
    )


def _listing_versions(config: SiteConfig, listing: _Listing, listing_urls: dict[tuple[str, str, str], str]) -> dict[str, str]:
    """The URL of this listing in each language that has it."""
    if listing.kind == "tag":  # a tag is a word of one language: no listing elsewhere is its translation
        return {listing.lang: listing.url}
    versions = {}
    for lang in config.language_codes:
        key = lang if listing.kind == "home" else listing.key
        if url := listing_urls.get((listing.kind, key, lang)):
            versions[lang] = url
    return versions


def _listing_pages(
    config: SiteConfig, listing: _Listing, listing_urls: dict[tuple[str, str, str], str], story: StorySoFar | None,
    feeds: tuple[FeedLink, ...],
) -> list[ListingPage]:
    versions = _listing_versions(config, listing, listing_urls)
    # The homes' version for readers of other languages is the root, which leads to the default language's.
    alternates = _alternates(config, versions, urls.ROOT_URL if listing.kind == "home" else None)
    switches = _switches(config, listing.lang, versions)
    chunks = [listing.articles[start:start + config.per_page] for start in range(0, len(listing.articles), config.per_page)] or [[]]
    page_urls = tuple(urls.paginated_url(listing.url, number) for number in range(1, len(chunks) + 1))
    slider = tuple(a for a in listing.articles if a.slider)[: config.slider_size] if listing.kind == "home" else ()
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        shown = tuple(chunk)
        on_first_page = number == 1
        listed = (*shown, *(slider if on_first_page else ()))
        pages.append(ListingPage(
            url=page_urls[number - 1],
            lang=listing.lang,
            template="home.html" if listing.kind == "home" else "listing.html",
            title=listing.title,
            description=listing.description or config.description(listing.lang),
            # Later pages of a listing are not translations of anything; only the first carries hreflang.
            alternates=alternates if on_first_page else (),
            switches=switches,
            feeds=feeds,
            modified=max((article.modified for article in listed), default=None),
            sources=tuple(a.source for a in listed) + _picture_files(listed, listing.image)
            + (story.sources if story and on_first_page else ()),
            kind=listing.kind,
            key=listing.key,
            articles=shown,
            pagination=Pagination(number, page_urls),
            slider=slider if on_first_page else (),
            image=listing.image,
            story=story if on_first_page else None,
        ))
    return pages


def _root_page(config: SiteConfig, feeds: tuple[FeedLink, ...]) -> RedirectPage:
    """The site's root: it leads to the default language's home, and is the homes' version for readers of other
    languages (x-default). A redirect is no search result, so it is not in the sitemaps; the homes name it there."""
    homes = {lang: urls.home_url(lang) for lang in config.language_codes}
    return RedirectPage(
        url=urls.ROOT_URL,
        lang=config.default_language,
        template="root.html",
        title=config.title(config.default_language),
        description=config.description(config.default_language),
        alternates=_alternates(config, homes, urls.ROOT_URL),
        switches=tuple(LanguageSwitch(lang, url, True) for lang, url in homes.items()),
        feeds=feeds,
        in_sitemap=False,
        target=homes[config.default_language],
    )
