"""Which articles a build publishes: not drafts, and not articles dated after the build time (scheduled ones).

A scheduled article is left out of everything the build makes, as if its file were not there yet: its page, the
listings, feeds, sitemaps, search, related lists, translation links, and the timeline events its own front matter
adds. What refers to it from elsewhere (a timeline file's event, another article's `related:` pin) stays valid and
takes effect on the first build after its time. A preview for the desk may include both kinds; scheduled articles
are then marked as such, so an editor sees what is queued and when it goes out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from .content import Article


def published(
    articles: list[Article], built_at: dt.datetime, drafts: bool = False, future: bool = False, mark_scheduled: bool = False,
) -> list[Article]:
    """The articles a build at `built_at` shows: drafts and future ones only when asked for, future ones marked if asked."""
    shown = []
    for article in articles:
        scheduled = article.date > built_at
        if (article.draft and not drafts) or (scheduled and not future):
            continue
        shown.append(replace(article, scheduled=True) if scheduled and mark_scheduled else article)
    return shown
