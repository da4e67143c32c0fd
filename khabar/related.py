"""Related articles: for each article, the few others in its language a reader should go on to.

The score of a candidate adds weighted evidence: a shared timeline, shared tags
(rarer tags count more), the cosine similarity of the two texts' TF-IDF vectors,
the same category, and closeness in time. Pinned articles come first.

Tags are what editors type in a hurry: tags copied with the front matter of
another story, or tags every article carries. Counted as they stood, such tags
outvoted the texts (where a quarter of the articles carried another topic's tags,
precision@4 fell from 0.93 with the texts alone to 0.81 with tags in Arabic, from
0.95 to 0.79 in English). So an article's tag counts only as far as the articles
whose texts are most like its own carry it more often than chance (`_borne_out`):
a tag every article carries, or one the article's text neighbours do not carry,
weighs nothing, while a tag the text cannot judge (a short or unusual article, a
small site) keeps the editor's word. On corpora the two constants were not chosen
on, tags then never made the lists worse than the texts alone (0.96 against 0.93,
0.96 against 0.95); the cost is that good tags on very short articles, whose texts
vouch for little, count for less than before. The README has every figure.

No pair of articles is compared unless they share something: each article's
strongest text terms, its tags and its timelines are looked up in an inverted
index that keeps, for each term, only the articles weighing most for it
("champion lists"). The work per article is bounded however large the site
grows, and the lookups run as sparse matrix products (SciPy) rather than Python
loops.
"""

from __future__ import annotations

import marshal
from typing import MutableMapping

import numpy as np
from scipy import sparse

from .config import RelatedSettings
from .content import Article
from .digests import digest
from .pool import Workers

TERMS_PER_ARTICLE = 16  # the strongest TF-IDF terms of an article that are looked up
CHAMPIONS_PER_TERM = 64  # the articles kept in the index for each term, tag and timeline
FULL_LIFT = 2.0  # a tag counts fully once the articles of similar text carry it twice as often as chance
EDITOR_WORD = 1.0  # the editor's tagging weighs as much as an identical text that bears it out


# Below this many articles, a worker process per language costs more than it saves.
PARALLEL_THRESHOLD = 2000


def related_articles(
    articles: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings
) -> dict[str, tuple[Article, ...]]:
    """For each article (by source) of one language, its related articles, best first."""
    return related_by_language([articles], timelines_of, settings)


def related_by_language(
    languages: list[list[Article]], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings,
    workers: Workers = Workers(), remembered: MutableMapping[bytes, list[list[int]]] | None = None,
) -> dict[str, tuple[Article, ...]]:
    """Related articles for several languages' articles (never mixed), one language per core when large.

    `remembered` holds the lists of the last build by what they were chosen from: a language whose articles'
    kept terms, tags, dates, categories, timelines and pins are all as they were keeps its lists (an edit
    of one body or title seldom changes any of them). It is left holding this build's."""
    # Newest first, then by slug: an article's index is its tie-break, so equal scores favour recent articles.
    groups = [sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug)) for articles in languages]
    keys = [_chosen_from(group, timelines_of, settings) for group in groups]
    known = dict(remembered or {})
    unknown = [(key, group) for key, group in zip(keys, groups) if key not in known]
    # Forked workers inherit the articles; only lists of indexes come back.
    made = workers.map(lambda unknown_group: _choose(unknown_group[1], timelines_of, settings), unknown,
                       least=PARALLEL_THRESHOLD, weight=sum(len(group) for _, group in unknown),
                       doing="related articles for", what="languages")
    known.update(zip((key for key, _ in unknown), made))
    chosen = [known[key] for key in keys]
    if remembered is not None:
        remembered.clear()
        remembered.update(zip(keys, chosen))
    return {
        group[index].source: tuple(group[other] for other in others)
        for group, lists in zip(groups, chosen, strict=True)
        for index, others in enumerate(lists)
    }


def _chosen_from(ordered: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings) -> bytes:
    """A digest of everything `_choose` reads of these articles, in their order, in marshal's format: written
    in C (`repr` of 10,000 articles' terms takes a second), and in version 2 each value whole, never as a
    reference to an equal one before it. Different values never give the same bytes; equal ones seldom differ
    (a string interned in one build and not the other), which costs a choice made again, never a wrong list."""
    return digest(repr(settings), marshal.dumps([
        (a.slug, a.date.timestamp(), a.terms, [tag.slug for tag in a.tags], sorted(timelines_of.get(a.source, ())),
         a.category.key if a.category else None, a.related_pins)
        for a in ordered
    ], 2))


def _choose(ordered: list[Article], timelines_of: dict[str, frozenset[str]], settings: RelatedSettings) -> list[list[int]]:
    """For each article of one language, newest first, the indexes of its related articles, best first."""
    if settings.count == 0 or len(ordered) < 2:
        return [[] for _ in ordered]
    text = _text_vectors(ordered)
    similar = (text @ _champions(text).T).tocsr()
    tags = _keyed_matrix(ordered, lambda a: [tag.slug for tag in a.tags], idf=True)
    tags = _unit_rows(tags).multiply(_borne_out(tags, similar)).tocsr()
    timelines = _keyed_matrix(ordered, lambda a: sorted(timelines_of.get(a.source, ())), idf=False)

    evidence = (
        settings.text * similar
        + settings.tags * (tags @ _champions(tags).T)
        + settings.timeline * (timelines @ _champions(timelines).T).minimum(1.0)
    ).tocsr()
    # Subtracting the diagonal keeps the cells in order; setdiag() would insert the missing ones and unsort millions.
    evidence = evidence - sparse.diags(evidence.diagonal(), format="csr")
    evidence.eliminate_zeros()

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


def _borne_out(tags: sparse.csr_matrix, similar: sparse.csr_matrix) -> sparse.csr_matrix:
    """For each cell of `tags`, from 0 to 1, how far the articles whose texts are like the article's bear the tag out.

    The lift of a tag is how much more often those articles carry it than the language's articles
    at large, each counting by the square of its text similarity: a copy of the text is a full
    witness, a faint likeness hardly one (and the many faint candidates of the champion lists
    would otherwise pull every lift towards 1). The editor's word counts as EDITOR_WORD witnesses
    that carry the tag FULL_LIFT times as often as chance, so where the text has no close
    neighbours (a short or unusual article, a small site) the tags are believed. The belief rises
    from 0 at a lift of 1 (no better than chance) to 1 at FULL_LIFT.
    """
    carriers = tags.tocsr(copy=True)
    carriers.data[:] = 1.0
    carriers.sort_indices()
    # Squared as they stand: scipy's power() would first sort the indices of millions of cells.
    neighbours = sparse.csr_matrix((similar.data**2, similar.indices, similar.indptr), shape=similar.shape)
    # The article is not its own witness: its similarity to itself is taken back out of both sums.
    itself = neighbours.diagonal()
    rows = np.repeat(np.arange(carriers.shape[0]), np.diff(carriers.indptr))
    # Adding the carriers (ones) keeps every cell of theirs, in their order, when no neighbour carries the tag.
    carried_plus_one = (sparse.csr_matrix((neighbours @ carriers).multiply(carriers)) + carriers).tocsr()
    carried_plus_one.sort_indices()
    carried = carried_plus_one.data - 1.0 - itself[rows]
    heard = (np.asarray(neighbours.sum(axis=1)).ravel() - itself)[rows]
    base_rate = (np.asarray(carriers.sum(axis=0)).ravel() / carriers.shape[0])[carriers.indices]
    lift = (carried + EDITOR_WORD * FULL_LIFT * base_rate) / ((heard + EDITOR_WORD) * base_rate)
    belief = np.clip((lift - 1.0) / (FULL_LIFT - 1.0), 0.0, 1.0)
    return sparse.csr_matrix((belief, carriers.indices, carriers.indptr), shape=carriers.shape)
