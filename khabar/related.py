"""Related articles: for each article, the few others in its language a reader should go on to.

The score of a candidate adds weighted evidence: a shared timeline, shared tags
(rarer tags count more), the cosine similarity of the two texts' TF-IDF vectors,
the same category, and closeness in time. Pinned articles come first.

No pair of articles is compared unless they share something: each article's
strongest text terms, its tags and its timelines are looked up in an inverted
index that keeps, for each term, only the articles weighing most for it
("champion lists"). The work per article is bounded however large the site
grows, and the lookups run as sparse matrix products (SciPy) rather than Python
loops.
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
from scipy import sparse

from .config import RelatedSettings
from .content import Article

TERMS_PER_ARTICLE = 16  # the strongest TF-IDF terms of an article that are looked up
CHAMPIONS_PER_TERM = 64  # the articles kept in the index for each term, tag and timeline


# Below this many articles, a worker process per language costs more than it saves.
PARALLEL_THRESHOLD = 2000


def related_articles(
    articles: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings
) -> dict[str, tuple[Article, ...]]:
    """For each article (by source) of one language, its related articles, best first."""
    return related_by_language([articles], timelines_of, settings)


def related_by_language(
    languages: list[list[Article]], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings
) -> dict[str, tuple[Article, ...]]:
    """Related articles for several languages' articles (never mixed), one language per core when large."""
    global _worker_job
    # Newest first, then by slug: an article's index is its tie-break, so equal scores favour recent articles.
    groups = [sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug)) for articles in languages]
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if sum(map(len, groups)) < PARALLEL_THRESHOLD or len(groups) < 2 or (os.cpu_count() or 1) < 2 or not can_fork:
        chosen = [_choose(group, timelines_of, settings) for group in groups]
    else:
        # Forked workers inherit the articles; only lists of indexes come back.
        _worker_job = (groups, timelines_of, settings)
        try:
            with multiprocessing.get_context("fork").Pool(min(len(groups), os.cpu_count() or 1)) as pool:
                chosen = pool.map(_choose_in_worker, range(len(groups)))
        finally:
            _worker_job = None
    return {
        group[index].source: tuple(group[other] for other in others)
        for group, lists in zip(groups, chosen, strict=True)
        for index, others in enumerate(lists)
    }


_worker_job: tuple | None = None


def _choose_in_worker(group: int) -> list[list[int]]:
    groups, timelines_of, settings = _worker_job
    return _choose(groups[group], timelines_of, settings)


def _choose(ordered: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings) -> list[list[int]]:
    """For each article of one language, newest first, the indexes of its related articles, best first."""
    if settings.count == 0 or len(ordered) < 2:
        return [[] for _ in ordered]
    text = _text_vectors(ordered)
    tags = _unit_rows(_keyed_matrix(ordered, lambda a: [tag.slug for tag in a.tags], idf=True))
    timelines = _keyed_matrix(ordered, lambda a: sorted(timelines_of.get(a.source, ())), idf=False)

    evidence = (
        settings.text * (text @ _champions(text).T)
        + settings.tags * (tags @ _champions(tags).T)
        + settings.timeline * (timelines @ _champions(timelines).T).minimum(1.0)
    ).tocsr()
    evidence.setdiag(0.0)
    evidence.eliminate_zeros()
    evidence.sort_indices()

    category_ids: dict[str, int] = {}
    categories = np.array([category_ids.setdefault(a.category.key, len(category_ids)) if a.category else -1 for a in ordered])
    days = np.array([a.date.timestamp() / 86400 for a in ordered])
    by_slug = {article.slug: index for index, article in enumerate(ordered)}
    chosen_lists = []
    for index, article in enumerate(ordered):
        start, end = evidence.indptr[index], evidence.indptr[index + 1]
        candidates = evidence.indices[start:end]
        scores = (
            evidence.data[start:end]
            + settings.category * ((categories[candidates] == categories[index]) & (categories[index] >= 0))
            + settings.recency * np.exp(-np.abs(days[candidates] - days[index]) / settings.recency_days)
        )
        pinned = [by_slug[slug] for slug in article.related_pins if slug in by_slug]
        wanted = settings.count + len(pinned)
        if len(scores) > wanted:
            threshold = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
            keep = scores >= threshold
            candidates, scores = candidates[keep], scores[keep]
        best = [int(candidates[i]) for i in np.lexsort((candidates, -scores))]
        chosen = pinned + [other for other in best if other not in pinned]
        chosen_lists.append(chosen[: max(settings.count, len(pinned))])
    return chosen_lists


def _text_vectors(articles: list[Article]) -> sparse.csr_matrix:
    """Each article's strongest TF-IDF terms, (1 + log tf) · log(N / df), as unit-length rows."""
    vocabulary: dict[str, int] = {}
    rows, columns, frequencies = [], [], []
    for row, article in enumerate(articles):
        for term, frequency in article.terms:
            rows.append(row)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            frequencies.append(frequency)
    rows_array, columns_array = np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)
    document_frequency = np.bincount(columns_array, minlength=len(vocabulary))
    weights = (1.0 + np.log(np.array(frequencies, dtype=np.float64))) * np.log(len(articles) / document_frequency[columns_array])
    # Keep each row's strongest terms: sort by row, then weight (descending), then term, and cut each row.
    order = np.lexsort((columns_array, -weights, rows_array))
    rank = np.arange(len(order)) - np.searchsorted(rows_array[order], rows_array[order], side="left")
    kept = order[(rank < TERMS_PER_ARTICLE) & (weights[order] > 0)]
    matrix = sparse.csr_matrix(
        (weights[kept], (rows_array[kept], columns_array[kept])), shape=(len(articles), max(len(vocabulary), 1))
    )
    return _unit_rows(matrix)


def _keyed_matrix(articles: list[Article], keys_of, idf: bool) -> sparse.csr_matrix:
    """One column per key (tag, timeline); a cell weighs log(1 + N / df) with `idf`, else 1."""
    index: dict[str, int] = {}
    rows, columns = [], []
    for row, article in enumerate(articles):
        for key in keys_of(article):
            rows.append(row)
            columns.append(index.setdefault(key, len(index)))
    columns_array = np.array(columns, dtype=np.int64)
    if idf and len(columns):
        document_frequency = np.bincount(columns_array, minlength=len(index))
        values = np.log1p(len(articles) / document_frequency[columns_array])
    else:
        values = np.ones(len(columns))
    return sparse.csr_matrix((values, (rows, columns_array)), shape=(len(articles), max(len(index), 1)))


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / lengths) @ matrix)


def _champions(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The matrix with each column cut to its CHAMPIONS_PER_TERM largest cells (among equals, the newest rows)."""
    coordinates = matrix.tocoo()
    order = np.lexsort((coordinates.row, -coordinates.data, coordinates.col))
    columns = coordinates.col[order]
    rank = np.arange(len(order)) - np.searchsorted(columns, columns, side="left")
    kept = order[rank < CHAMPIONS_PER_TERM]
    return sparse.csr_matrix((coordinates.data[kept], (coordinates.row[kept], coordinates.col[kept])), shape=matrix.shape)
