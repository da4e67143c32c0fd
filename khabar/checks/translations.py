"""Articles without a translation into each of the site's other languages.

A story told in Arabic alone is absent from the English site: no listing, feed or search there shows it.
Desks often publish in one language first and translate later, or never, on purpose; so this is a
note, which never fails a run, even a strict one: it says what readers of the other language miss.
A draft translation counts: the story is being translated.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from ..model import Site
from ..problems import Problems
from .source import ArticleSource, read_article_source


def check_translations(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    languages = {language.code: language for language in site.config.languages}
    translated: dict[str, set[str]] = defaultdict(set)
    for lang, articles in site.articles.items():
        for article in articles:
            translated[article.translation_key].add(lang)
    for articles in site.articles.values():
        for article in sorted(articles, key=lambda a: a.source):
            missing = [code for code in languages if code not in translated[article.translation_key]]
            if not missing:
                continue
            source = read_article_source(site, article)
            line = source.front_matter.line_of("translation_key") if source and "translation_key" in source.front_matter.values else 1
            names = " or ".join(f"{languages[code].name} ({code})" for code in missing)
            folders = " or ".join(f"content/{code}/" for code in missing)
            problems.note(
                article.source, line,
                f"no translation in {names}: readers in that language do not see this story"
                f" (a translation is an article under {folders} with translation_key: {article.translation_key})",
            )
