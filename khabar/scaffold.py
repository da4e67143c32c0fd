"""`build.py new`: a new article file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
from pathlib import Path

import yaml

from .config import CONTENT_DIR, load_config
from .fields import suggest
from .problems import BuildFailed, Problems
from .urls import MAX_SEGMENT_BYTES, is_slug, slugify

ARTICLE_SUFFIX = ".md"
# The slug names the article's file, content/<lang>/<slug>.md, whose name has room for no more.
MAX_SLUG_BYTES = MAX_SEGMENT_BYTES - len(ARTICLE_SUFFIX)

ARTICLE_TEMPLATE = """---
{front_matter}{author}
# category: one of {categories}
# tags: [a tag, another]
# slider: true        # feature it in the home page's slider
# image: images/photo.jpg
# image_alt: what the photo shows
# caption: the caption under the photo
draft: true
---

The first paragraph is the summary unless you add a summary: line above.

## A subheading
"""


def new_article(root: Path, title: str, lang: str | None = None, slug: str | None = None, now: dt.datetime | None = None,
                author: str | None = None, author_from: str = "--author") -> Path:
    """Create content/<lang>/<slug>.md as a draft dated `now` (else the clock) in the site's time zone, in the site's
    default language unless `lang` is given, by `author` (a key of site.yaml's authors, named by `author_from`) if given."""
    config = load_config(root)
    problems = Problems()
    lang = lang or config.default_language
    slug = slug or _slug_of(title)
    if lang not in config.language_codes:
        problems.error(CONTENT_DIR, 0, f"unknown language '{lang}' {suggest(lang, config.language_codes)}")
    if not slug:
        problems.error(CONTENT_DIR, 0, f"the title {title!r} has no letter or digit to make a slug of: give --slug")
    elif not is_slug(slug):
        problems.error(CONTENT_DIR, 0, f"'{slug}' cannot be a slug: give --slug with letters, digits and dashes")
    elif (size := len(slug.encode())) > MAX_SLUG_BYTES:
        problems.error(CONTENT_DIR, 0, f"--slug is too long for a file name: {size} bytes in UTF-8, at most {MAX_SLUG_BYTES}")
    if author is not None and author not in config.authors:
        problems.error(author_from, 0, f"unknown author '{author}' {suggest(author, list(config.authors))}")
    path = root / CONTENT_DIR / lang / f"{slug}{ARTICLE_SUFFIX}"
    if not problems and path.exists():
        problems.error(path.relative_to(root).as_posix(), 0, "already exists; choose another --slug")
    if problems:
        raise BuildFailed(problems)
    dated = (now or dt.datetime.now(dt.timezone.utc)).astimezone(config.timezone).replace(second=0, microsecond=0)
    front_matter = yaml.safe_dump({"title": title, "date": dated.isoformat()}, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        ARTICLE_TEMPLATE.format(
            front_matter=front_matter,
            author=f"author: {author}" if author else f"# author: one of {', '.join(config.authors) or '(add authors to site.yaml)'}",
            categories=", ".join(config.categories) or "(add categories to site.yaml)",
        ),
        encoding="utf-8",
    )
    return path


def editor_command() -> list[str] | None:
    """The editor the user chose, $VISUAL before $EDITOR as Unix tools read them, split as a shell would ("code --wait")."""
    chosen = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()
    return shlex.split(chosen) if chosen else None


def open_in_editor(command: list[str], path: Path) -> str | None:
    """Run the editor on `path` and wait for it; what went wrong, in a line, or None."""
    try:
        status = subprocess.run([*command, str(path)]).returncode
    except OSError as error:
        return f"cannot start the editor '{command[0]}': {error.strerror or error}"
    return f"the editor '{command[0]}' stopped with status {status}" if status else None


def _slug_of(title: str) -> str:
    """The title as a slug, cut at a word if it is too long to name a file."""
    slug = slugify(title)
    while len(slug.encode()) > MAX_SLUG_BYTES:
        slug = slug.rpartition("-")[0] if "-" in slug else slug[:-1]
    return slug
