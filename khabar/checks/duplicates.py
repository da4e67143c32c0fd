"""Slips across articles: two articles of one language with the same title, and one tag spelled two ways.

Titles are compared as Arabic is read: tashkeel, hamza and alef forms, ة/ه, case and punctuation do
not make two titles different, so "بوتين يلتقي كيم" and "بُوتين يلتقي كيم." are one title. Readers
cannot tell two such articles apart in a listing or a search result. A tag written "أوكرانيا" in one
article and "اوكرانيا" in another makes two tag pages, each with half the stories; "بوتين" and
"بُوتين" share a page whose name is whichever came first. Both are warnings.
"""

from __future__ import annotations

from typing import Sequence

from collections import Counter, defaultdict

from ..model import Site
from ..problems import Problems
from ..textnorm import plain_words
from ..urls import slugify
from .articles import tag_key
from .source import ArticleSource

def check_duplicates(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    # One pass over the sources, keeping only where each title and tag stands: a large site's files never all at once.
    titles: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)  # (lang, title) -> (path, line, column)
    tags: dict[tuple[str, str], list[tuple[str, int, int, str]]] = defaultdict(list)  # (lang, tag) -> (path, line, column, spelling)
    for source in sources:
        article = source.article
        line = source.front_matter.line_of("title")
        titles[(article.lang, plain_words(article.title))].append((article.source, line, source.column(line, article.title[:20])))
        own: set[str] = set()  # a tag twice in one article is the article's own slip (articles.py), counted once here
        for _, tag, line, column in source.list_items("tags"):
            if isinstance(tag, (str, int, float)) and not isinstance(tag, bool) and (name := str(tag).strip()):
                if (key := tag_key(name)) not in own:
                    own.add(key)
                    tags[(article.lang, key)].append((article.source, line, column, name))
    _same_titles(titles, problems)
    _tag_spellings(tags, problems)


def _same_titles(titles: dict[tuple[str, str], list[tuple[str, int, int]]], problems: Problems) -> None:
    for same in titles.values():
        for path, line, column in same if len(same) > 1 else ():
            others = ", ".join(other for other, _, _ in same if other != path)
            problems.warn(path, line, f"the same title as {others}: readers cannot tell the articles apart in a listing or a search", column)


def _tag_spellings(tags: dict[tuple[str, str], list[tuple[str, int, int, str]]], problems: Problems) -> None:
    """Each spelling of a tag but the most used one, at every article that uses it."""
    for spelled in tags.values():
        counts = Counter(name for *_, name in spelled)
        if len(counts) < 2:
            continue
        usual, usual_count = counts.most_common(1)[0]  # ties go to the spelling met first, in the order of the files
        for path, line, column, name in spelled:
            if name == usual:
                continue
            pages = "one tag page shows whichever comes first" if slugify(name) == slugify(usual) else "each spelling has a tag page of its own"
            articles = f"{usual_count} article{'s' if usual_count > 1 else ''}"
            problems.warn(path, line, f"the tag {name!r} is spelled {usual!r} in {articles}: {pages}; write it one way", column)
