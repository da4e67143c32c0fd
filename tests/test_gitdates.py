"""`updated` from git (khabar/gitdates.py): the last commit that changed an article after the one adding it, when
that came after its date; nothing without git, outside a repository or in a shallow clone."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from lxml import etree

from conftest import BuiltSite, ScratchSite, run_cli, tree_digest
from system import ensure_program

from khabar import gitdates
from khabar.config import CONTENT_DIR

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EDITED_URL = "/ar/2023/09/قمة/"
EDITED = "2023-09-15T08:30:00+05:00"  # the author's own offset, not the site's


def git(root: Path, *arguments: str, date: str | None = None) -> None:
    dates = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    identity = {"GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
                "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org"}
    subprocess.run(["git", *arguments], cwd=root, check=True, capture_output=True,
                   env={**os.environ, **identity, **dates, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})


def commit(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    """A site kept in git, its history written at fixed times."""
    ensure_program("git", "git")
    site = ScratchSite(tmp_path_factory.mktemp("desk"))
    git(site.root, "init", "-q", "-b", "main")
    commit(site.root, "The site's set-up", "2023-09-01T09:00:00+03:00")
    site.article("ar", "قمة", "title: قمة فوستوتشني\ndate: 2023-09-13T10:00:00+03:00", "كيم وبوتين في القمة.")
    site.article("en", "once", "title: Committed once\ndate: 2023-09-13T10:00:00+03:00")
    site.article("en", "own", "title: Its own update\ndate: 2023-09-13T10:00:00+03:00\nupdated: 2023-09-14T09:00:00+03:00")
    site.article("en", "queued", "title: Edited in the queue\ndate: 2023-09-20T06:00:00+03:00")
    commit(site.root, "The first stories", "2023-09-13T10:05:00+03:00")
    for slug in ("قمة", "own", "queued"):
        path = site.root / f"content/{'ar' if slug == 'قمة' else 'en'}/{slug}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    commit(site.root, "Corrections", "2023-09-15T08:30:00+05:00")
    return site


def build(root: Path, out: Path, env: dict[str, str] | None = None) -> BuiltSite:
    result = run_cli("build", "--out", str(out), "--now", "2023-09-21T00:00:00+03:00", root=root, env=env)
    assert result.returncode == 0, result.stderr
    return BuiltSite(out)


def shown_updated(site: BuiltSite, url: str) -> str | None:
    found = site.page(url).select_one(".updated time")
    return found["datetime"] if found else None


def date_modified(site: BuiltSite, url: str) -> str:
    for script in site.page(url).select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        for item in data if isinstance(data, list) else [data]:
            if item.get("@type") == "NewsArticle":
                return item["dateModified"]
    raise AssertionError(f"no NewsArticle on {url}")


def lastmod(site: BuiltSite, lang: str, url: str) -> str:
    entries = etree.parse(str(site.out / f"sitemap-{lang}.xml")).iter(f"{SITEMAP}url")
    return next(entry.findtext(f"{SITEMAP}lastmod") for entry in entries if unquote(entry.findtext(f"{SITEMAP}loc")).endswith(url))


def test_the_last_commit_after_the_one_adding_an_article_is_its_update(desk: ScratchSite, tmp_path: Path):
    site = build(desk.root, tmp_path / "site")
    assert shown_updated(site, EDITED_URL) == EDITED
    assert site.page(EDITED_URL).select_one(".updated time").get_text() == "15 سبتمبر 2023"
    assert date_modified(site, EDITED_URL) == EDITED
    assert lastmod(site, "ar", EDITED_URL) == EDITED
    feed = feedparser.parse((site.out / "ar/feed.xml").read_bytes())
    assert feed.entries[0].updated == EDITED


def test_what_git_does_not_make_an_update(desk: ScratchSite, tmp_path: Path):
    site = build(desk.root, tmp_path / "site")
    # The commit that added it is its publication; the editor's own `updated` stands; a change before its date is none.
    assert shown_updated(site, "/en/2023/09/once/") is None
    assert date_modified(site, "/en/2023/09/once/") == "2023-09-13T10:00:00+03:00"
    assert shown_updated(site, "/en/2023/09/own/") == "2023-09-14T09:00:00+03:00"
    assert shown_updated(site, "/en/2023/09/queued/") is None
    assert lastmod(site, "en", "/en/2023/09/queued/") == "2023-09-20T06:00:00+03:00"


def test_the_same_commit_builds_the_same_bytes_whatever_is_not_committed(desk: ScratchSite, tmp_path: Path):
    first = build(desk.root, tmp_path / "one")
    edited = desk.root / "content/en/once.md"
    committed = edited.read_text(encoding="utf-8")
    edited.write_text(committed.replace("A paragraph of text.", "A paragraph of text!"), encoding="utf-8")
    try:
        second = build(desk.root, tmp_path / "two")
    finally:
        edited.write_text(committed, encoding="utf-8")
    assert shown_updated(second, "/en/2023/09/once/") is None  # an edit not yet committed is no update
    third = build(desk.root, tmp_path / "three")
    assert tree_digest(first.out) == tree_digest(third.out)


def test_a_shallow_clone_a_folder_outside_git_and_no_git_give_no_update(desk: ScratchSite, tmp_path: Path):
    clone = tmp_path / "clone"
    # Two commits deep, the older one seems to add every file: the article's correction would look like an update.
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{desk.root}", str(clone))
    assert shown_updated(build(clone, tmp_path / "shallow"), EDITED_URL) is None
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", f"file://{desk.root}", str(copy))
    assert shown_updated(build(copy, tmp_path / "full-clone"), EDITED_URL) == EDITED  # a full clone has the history
    subprocess.run(["rm", "-rf", str(copy / ".git")], check=True)
    assert shown_updated(build(copy, tmp_path / "no-repository"), EDITED_URL) is None
    no_git = build(desk.root, tmp_path / "no-git", env={**os.environ, "PATH": str(tmp_path / "empty")})
    assert shown_updated(no_git, EDITED_URL) is None


def test_a_later_build_reads_only_the_new_commits_and_finds_what_a_fresh_read_finds(desk: ScratchSite, tmp_path: Path):
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", f"file://{desk.root}", str(copy))
    build(copy, tmp_path / "first")
    cache = json.loads((copy / ".cache/gitdates.json").read_text(encoding="utf-8"))
    assert cache["modified"] == {"content/ar/قمة.md": EDITED, "content/en/own.md": EDITED, "content/en/queued.md": EDITED}
    once = copy / "content/en/once.md"
    once.write_text(once.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    commit(copy, "A late correction", "2023-09-16T10:00:00+03:00")
    cached = build(copy, tmp_path / "from-the-cache")
    assert shown_updated(cached, "/en/2023/09/once/") == "2023-09-16T10:00:00+03:00"
    (copy / ".cache/gitdates.json").unlink()
    assert tree_digest(build(copy, tmp_path / "fresh").out) == tree_digest(cached.out)
    # History rewritten under the cache: the commit it was read at is no longer an ancestor, so all is read again.
    git(copy, "commit", "-q", "--amend", "--reset-author", "-m", "The late correction, made earlier", date="2023-09-15T12:00:00+03:00")
    assert shown_updated(build(copy, tmp_path / "rewritten"), "/en/2023/09/once/") == "2023-09-15T12:00:00+03:00"


def test_a_build_at_the_commit_the_dates_were_read_at_asks_git_only_where_it_stands(desk: ScratchSite, tmp_path: Path,
                                                                                     monkeypatch: pytest.MonkeyPatch):
    """serve rebuilds on every save between commits: each costs one `git rev-parse`, not a read of the history."""
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", f"file://{desk.root}", str(copy))
    read = gitdates.last_changes(copy, CONTENT_DIR)
    assert read
    asked: list[str] = []
    ask_git = gitdates._git
    monkeypatch.setattr(gitdates, "_git", lambda root, *arguments: asked.append(arguments[0]) or ask_git(root, *arguments))
    assert gitdates.last_changes(copy, CONTENT_DIR) == read
    assert asked == ["rev-parse"]
