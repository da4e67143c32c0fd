"""khabar/buildstate.py and the incremental path of khabar/pipeline.py and khabar/write.py, in one process.

The property that incremental builds equal clean ones, over random edits and kills, is tests/test_incremental.py's.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import time
from pathlib import Path

import pytest
from conftest import ScratchSite, tree_digest

from khabar import write
from khabar.buildstate import STATE_DIR, output_state_path, read_sealed, write_sealed
from khabar.pipeline import BuildOptions, Builder
from khabar.write import JOURNAL, OutputFolder, claim_output

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
OPTIONS = BuildOptions(now=NOW)


def front_matter(title: str, day: int) -> str:
    return f"title: {title}\ndate: 2026-11-{day:02d}T10:00:00+03:00\ncategory: reports\ntags: [قمة]"


@pytest.fixture
def site(scratch: ScratchSite) -> ScratchSite:
    for day in range(1, 6):
        scratch.article("ar", f"story-{day}", front_matter(f"خبر رقم {day}", day), f"نص الخبر رقم {day} عن القمة.")
        scratch.article("en", f"story-{day}", front_matter(f"Story {day}", day), f"The text of story {day}.\n\nMore of it.")
    return scratch


def clean_copy(site: ScratchSite, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "clean"
    Builder(site.root, out, BuildOptions(now=NOW, clean=True)).build()
    return tree_digest(out)


def mtimes(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def age(folder: Path, seconds: float = 60) -> None:
    """Every file as if written a while ago: an edit shows by its time, and nothing is 'racily clean'."""
    when = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def test_a_build_with_nothing_changed_writes_nothing(site: ScratchSite):
    age(site.root)
    Builder(site.root, site.out, OPTIONS).build()
    before = mtimes(site.out)
    report = Builder(site.root, site.out, OPTIONS).build()  # every input as it was: nothing to do
    assert (report.written, report.deleted) == (0, 0) and report.unchanged > 50
    os.utime(site.root / "content/ar/story-1.md")  # a file touched, its bytes the same: read again, written as they were
    builder = Builder(site.root, site.out, OPTIONS)
    report = builder.build()
    assert (report.written, report.deleted) == (0, 0) and builder.parsed.reused == 9
    assert mtimes(site.out) == before


def test_a_new_builder_with_nothing_to_do_knows_the_files_of_the_site(site: ScratchSite):
    """serve started again over the site it built: what the first edit changed is known, not every file."""
    age(site.root)
    first = Builder(site.root, site.out, OPTIONS)
    first.build()
    again = Builder(site.root, site.out, OPTIONS)
    assert again.built_files() == {}
    assert again.build().written == 0
    assert again.built_files() == first.built_files() and len(again.built_files()) > 50


def test_a_body_edit_rewrites_its_page_and_what_shows_its_words_and_nothing_else(site: ScratchSite, tmp_path: Path):
    age(site.root)
    Builder(site.root, site.out, OPTIONS).build()
    before = mtimes(site.out)
    # Not the first paragraph, which listings show as the summary.
    site.article("en", "story-3", front_matter("Story 3", 3), "The text of story 3.\n\nMore of it, and one more sentence.")
    builder = Builder(site.root, site.out, OPTIONS)
    report = builder.build()
    assert builder.parsed.reused == 9  # the other nine files were neither read nor parsed
    changed = {path for path, mtime in mtimes(site.out).items() if before.get(path) != mtime}
    assert "en/2026/11/story-3/index.html" in changed
    assert not {path for path in changed if path.endswith(".html") and "story-3" not in path}  # no other page
    assert {path.split("/")[0] for path in changed} <= {"en", "pagefind", ".khabar-site"}  # its feed, its search bundle
    assert report.written == len(changed) - 1  # all but the marker
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


def search_files(tree: dict[str, str]) -> dict[str, str]:
    return {path: content for path, content in tree.items() if path.startswith("pagefind/")}


def test_a_search_index_left_for_later_is_made_by_the_next_build(site: ScratchSite, tmp_path: Path):
    """serve shows an edit before Pagefind has indexed it; the next build, serve's or the command line's, indexes it."""
    age(site.root)
    builder = Builder(site.root, site.out, OPTIONS)
    builder.build()
    indexed = search_files(tree_digest(site.out))
    site.article("en", "story-3", front_matter("Story 3", 3), "The text of story 3.\n\nZanzibar, in a sentence of its own.")
    builder.build(search_later=True)
    clean = clean_copy(site, tmp_path)
    assert "Zanzibar" in (site.out / "en/2026/11/story-3/index.html").read_text(encoding="utf-8")
    assert search_files(tree_digest(site.out)) == indexed != search_files(clean) and builder.state.report.search_behind == ("en",)
    report = Builder(site.root, site.out, OPTIONS).build()  # every input as it was, yet not "nothing to do"
    assert report.written > 0
    assert tree_digest(site.out) == clean


def test_deleted_and_renamed_articles_leave_no_page_behind(site: ScratchSite, tmp_path: Path):
    Builder(site.root, site.out, OPTIONS).build()
    (site.root / "content/ar/story-2.md").unlink()
    (site.root / "content/en/story-4.md").rename(site.root / "content/en/story-four.md")
    report = Builder(site.root, site.out, OPTIONS).build()
    assert report.deleted > 0
    assert not (site.out / "ar/2026/11/story-2").exists() and not (site.out / "en/2026/11/story-4").exists()
    assert (site.out / "en/2026/11/story-four/index.html").is_file()
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


def test_an_edit_within_the_clock_tick_of_the_last_build_is_not_missed(site: ScratchSite, tmp_path: Path):
    """git's "racily clean" file: same size, same modification time, other bytes."""
    path = site.root / "content/en/story-1.md"
    stamp = path.stat().st_mtime_ns
    Builder(site.root, site.out, OPTIONS).build()
    path.write_text(path.read_text(encoding="utf-8").replace("story 1", "STORY 1"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    Builder(site.root, site.out, OPTIONS).build()
    assert "STORY 1" in (site.out / "en/2026/11/story-1/index.html").read_text(encoding="utf-8")
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "garbled", "foreign", "empty"])
def test_a_damaged_state_means_a_full_build(site: ScratchSite, tmp_path: Path, damage: str):
    Builder(site.root, site.out, OPTIONS).build()
    site.article("ar", "story-1", front_matter("خبر معدل", 1), "نص آخر.")
    for path in (site.root / STATE_DIR).rglob("*.pickle"):
        data = path.read_bytes()
        path.write_bytes({"truncated": data[: len(data) // 2], "garbled": data[:40] + b"\xff" * 64 + data[104:],
                          "foreign": b"\x00" * 32 + data[32:], "empty": b""}[damage])
    report = Builder(site.root, site.out, OPTIONS).build()
    assert report.written == report.unchanged + report.written  # nothing trusted: every file written anew
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


def test_a_state_not_sealed_here_is_not_read(tmp_path: Path):
    path = tmp_path / "state.pickle"
    write_sealed(path, "stamp", {"a": 1})
    assert read_sealed(path, "stamp") == {"a": 1}
    assert read_sealed(path, "other code") is None
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert read_sealed(path, "stamp") is None
    path.write_bytes(data.replace(b"stamp\n", b"stamq\n", 1))  # the stamp is sealed too
    assert read_sealed(path, "stamq") is None


def test_a_state_of_other_code_is_not_even_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """After an upgrade, the first build reads no more than each state's stamp: 263 MB of parsed articles at 10,000 pairs."""
    path = tmp_path / "state.pickle"
    write_sealed(path, "stamp", {"a": 1})
    monkeypatch.setattr(pickle, "loads", lambda data: pytest.fail("unpickled"))
    assert read_sealed(path, "other code") is None


def test_a_site_another_build_replaced_is_built_whole(site: ScratchSite, tmp_path: Path):
    """The state describes the folder its build wrote; a clean build into it since makes the state stale."""
    Builder(site.root, site.out, OPTIONS).build()
    stale = output_state_path(site.root, site.out.resolve()).read_bytes()
    site.article("en", "story-5", front_matter("Story five", 5))
    Builder(site.root, site.out, OPTIONS).build()
    output_state_path(site.root, site.out.resolve()).write_bytes(stale)  # the state of the site before the edit
    site.article("en", "story-5", front_matter("Story 5", 5))
    report = Builder(site.root, site.out, OPTIONS).build()
    assert report.unchanged == 0
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


def test_an_update_killed_after_its_journal_is_finished_by_the_next_build(site: ScratchSite, tmp_path: Path, monkeypatch):
    Builder(site.root, site.out, OPTIONS).build()
    site.article("ar", "story-5", front_matter("خبر جديد تماما", 5))
    (site.root / "content/en/story-2.md").unlink()

    def killed(staging: Path, out: Path) -> None:
        raise KeyboardInterrupt  # the journal is written; nothing is moved yet

    monkeypatch.setattr(write, "_finish_update", killed)
    with pytest.raises(KeyboardInterrupt):
        Builder(site.root, site.out, OPTIONS).build()
    monkeypatch.undo()
    [staging] = [path for path in site.out.parent.iterdir() if path.name.startswith("._site.staging")]
    assert (staging / JOURNAL).is_file()
    claim_output(site.root, site.out)  # what any build or the dev server does first
    assert not staging.exists()
    assert "خبر جديد تماما" in (site.out / "ar/2026/11/story-5/index.html").read_text(encoding="utf-8")
    assert not (site.out / "en/2026/11/story-2").exists()
    assert tree_digest(site.out) == clean_copy(site, tmp_path)


def test_an_update_that_fails_writes_nothing(site: ScratchSite):
    Builder(site.root, site.out, OPTIONS).build()
    before = tree_digest(site.out)
    site.article("ar", "story-5", "title: خبر\ndate: 2026-13-01")
    with pytest.raises(Exception):
        Builder(site.root, site.out, OPTIONS).build()
    assert tree_digest(site.out) == before
    assert not [path for path in site.out.parent.iterdir() if path.name.startswith("._site")]
    assert OutputFolder(site.out.resolve()).path.is_dir()
