"""Related articles: for each article, the few others in its language a reader should go on to.

The score of a candidate adds weighted evidence: a shared timeline, shared tags
(rarer tags count more), the same category, the cosine similarity of the two
texts' TF-IDF vectors, and closeness in time. Pinned articles come first.

No pair of articles is compared unless they share something: each article's
strongest text terms and its tags are looked up in an inverted index whose lists
keep only the articles that weigh most for each term ("champion lists"), so the
work per article is bounded however large the site grows.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from .config import RelatedSettings
from .content import Article

TERMS_PER_ARTICLE = 16  # the strongest TF-IDF terms of an article that are looked up
CHAMPIONS_PER_TERM = 48  # the articles kept in the index for each term, tag and timeline


@dataclass(frozen=True)
class _Features:
    text: dict[str, float]  # term -> TF-IDF weight, unit length over the kept terms
    tags: dict[str, float]  # tag slug -> IDF weight, unit length
    timelines: frozenset[str]


def related_articles(
    articles: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings
) -> dict[str, tuple[Article, ...]]:
    """For each article (by source) of one language, its related articles, best first."""
    if settings.count == 0 or len(articles) < 2:
        return {article.source: () for article in articles}
    ordered = sorted(articles, key=lambda a: a.sort_key, reverse=True)  # newest first: ties favour recent articles
    statistics = _corpus_statistics(ordered)
    features = [_features(article, timelines_of.get(article.source, frozenset()), statistics) for article in ordered]
    text_index = _champions((term, i, w) for i, f in enumerate(features) for term, w in f.text.items())
    tag_index = _champions((tag, i, w) for i, f in enumerate(features) for tag, w in f.tags.items())
    timeline_index = _champions((key, i, 1.0) for i, f in enumerate(features) for key in f.timelines)
    by_slug = {article.slug: article for article in ordered}

    related = {}
    for index, article in enumerate(ordered):
        own = features[index]
        text = _accumulate(own.text.items(), text_index)
        tags = _accumulate(own.tags.items(), tag_index)
        timeline = _accumulate(((key, 1.0) for key in own.timelines), timeline_index)
        scores = []
        for other in text.keys() | tags.keys() | timeline.keys():
            if other == index:
                continue
            candidate = ordered[other]
            score = (
                settings.text * text.get(other, 0.0)
                + settings.tags * tags.get(other, 0.0)
                + settings.timeline * min(timeline.get(other, 0.0), 1.0)
                + settings.category * (article.category is not None and candidate.category is not None
                                       and article.category.key == candidate.category.key)
                + settings.recency * _closeness(article, candidate, settings.recency_days)
            )
            # Ties go to the newer article, then the slug: the same input always gives the same lists.
            scores.append((-score, -candidate.date.timestamp(), candidate.slug, other))
        chosen = [by_slug[slug] for slug in article.related_pins if slug in by_slug]
        pinned = {pin.slug for pin in chosen}
        for *_, other in heapq.nsmallest(settings.count + len(chosen), scores):
            if len(chosen) >= settings.count:
                break
            if ordered[other].slug not in pinned:
                chosen.append(ordered[other])
        related[article.source] = tuple(chosen)
    return related


@dataclass(frozen=True)
class _Statistics:
    articles: int
    term_documents: Counter[str]
    tag_documents: Counter[str]


def _corpus_statistics(articles: list[Article]) -> _Statistics:
    term_documents: Counter[str] = Counter()
    tag_documents: Counter[str] = Counter()
    for article in articles:
        term_documents.update(term for term, _ in article.terms)
        tag_documents.update(tag.slug for tag in article.tags)
    return _Statistics(len(articles), term_documents, tag_documents)


def _features(article: Article, timelines: frozenset[str], statistics: _Statistics) -> _Features:
    count = statistics.articles
    weights = {
        term: (1.0 + math.log(frequency)) * math.log(count / statistics.term_documents[term])
        for term, frequency in article.terms
    }
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TERMS_PER_ARTICLE]
    tags = {tag.slug: math.log(1.0 + count / statistics.tag_documents[tag.slug]) for tag in article.tags}
    return _Features(_unit(dict(strongest)), _unit(tags), timelines)


def _unit(vector: dict[str, float]) -> dict[str, float]:
    length = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {key: weight / length for key, weight in vector.items() if weight > 0} if length else {}


def _champions(entries: Iterable[tuple[str, int, float]]) -> dict[str, list[tuple[int, float]]]:
    """term -> the articles weighing most for it; among equals, the newest (the lowest index)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for key, index, weight in entries:
        postings[key].append((index, weight))
    return {
        key: sorted(entries, key=lambda entry: (-entry[1], entry[0]))[:CHAMPIONS_PER_TERM]
        for key, entries in postings.items()
    }


def _accumulate(query: Iterable[tuple[str, float]], index: dict[str, list[tuple[int, float]]]) -> dict[int, float]:
    """The dot product of the query with every article that shares a key with it."""
    scores: dict[int, float] = {}
    for key, weight in query:
        for other, other_weight in index.get(key, ()):
            scores[other] = scores.get(other, 0.0) + weight * other_weight
    return scores


def _closeness(article: Article, other: Article, days: int) -> float:
    """1 for the same moment, fading to about 0.37 `days` apart."""
    apart = abs((article.date - other.date).total_seconds()) / 86400
    return math.exp(-apart / days)
