"""`check`'s findings beyond what the build refuses: the house style and the slips a desk makes.

The build stops at what would make a broken site; a desk also wants to hear of what makes a poor
one (a misspelt name, a picture without alt text, "last Tuesday" a reader a year on cannot place).
Each module here is one family of findings: a function of the loaded site and its articles' sources
(read once for all families) that adds warnings (or errors) to `problems`, each at the file, line and
column it concerns. `check` runs them all,
in the order of `CHECKS`, once the site has loaded without errors.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..model import Site
from ..problems import Problems
from .source import ArticleSource, article_sources
from .articles import check_articles
from .chrome import check_pasted_chrome
from .dates import check_relative_dates
from .duplicates import check_duplicates
from .translations import check_translations
from .glossary import check_glossary

# Each family gets the site and its articles' sources, read once for all of them.
Check = Callable[[Site, Sequence[ArticleSource], Problems], None]

CHECKS: tuple[Check, ...] = (
    check_articles,
    check_pasted_chrome,
    check_duplicates,
    check_translations,
    check_relative_dates,
    check_glossary,
)


def run_checks(site: Site, problems: Problems) -> None:
    sources = tuple(article_sources(site))
    for check in CHECKS:
        check(site, sources, problems)
