"""The output folder: whose it is, the swap that never leaves it empty, recovery after a killed build, safe writes."""

from __future__ import annotations

import errno
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BUILD_TIME, MANY_ARTICLES, ScratchSite, kill_later, many_articles, run_cli, start_build
from khabar import write
from khabar.output import HTML, Output
from khabar.write import MARKER, OutputFailed, OutputFolder, UnsafeOutput, claim_output, staged_output
from test_bad_input import GOOD, tree_digest


def build_in_process(root: Path, out: Path, files: dict[str, bytes], force: bool = False) -> None:
    with staged_output(claim_output(root, out, force)) as writer:
        for relative, content in files.items():
            writer(Output(relative, HTML, content, ()))


def beside(out: Path) -> list[str]:
    """What is next to the output folder, but the build state (.cache/), which a build keeps even when it fails."""
    return sorted(entry.name for entry in out.parent.iterdir() if entry.name != ".cache")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


# The writer


@pytest.mark.parametrize("relative", ["/etc/passwd", "//etc/passwd", "../beside.html", "ar/../../above.html", "", ".", "ar/\0.html"])
def test_the_writer_refuses_a_path_that_leaves_its_folder(project: Path, relative: str):
    out = project / "_site"
    with pytest.raises(UnsafeOutput, match="every output must stay inside"):
        build_in_process(project, out, {relative: b"x"})
    assert beside(out) == [], "nothing written, no staging folder left"
    assert not (project.parent / "beside.html").exists() and not (project.parent / "above.html").exists()


def test_the_writer_writes_nested_outputs_and_the_marker_last(project: Path):
    out = project / "_site"
    with staged_output(claim_output(project, out)) as writer:
        writer(Output("ar/2023/09/story/index.html", HTML, b"<p>story</p>", ()))
        writer(Output("./en/index.html", HTML, b"<p>home</p>", ()))
        assert not (writer.folder / MARKER).exists(), "a staging folder holding the marker is a whole site"
    assert tree_digest(out).keys() == {".khabar-site", ".nojekyll", "ar/2023/09/story/index.html", "en/index.html"}
    assert (out / "ar/2023/09/story/index.html").read_bytes() == b"<p>story</p>"
    assert beside(out) == ["_site"]


def test_the_folders_above_a_first_output_are_made(project: Path):
    out = project / "public" / "2023" / "site"
    build_in_process(project, out, {"index.html": b"site"})
    assert (out / "index.html").read_bytes() == b"site" and beside(out) == ["site"]


def test_the_writer_never_writes_through_a_link(project: Path, tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    writer = write.OutputWriter(project, project / "_site")
    (project / "page.html").symlink_to(victim)
    with pytest.raises(OutputFailed) as failure:
        writer(Output("page.html", HTML, b"overwritten", ()))
    assert str(failure.value).startswith(f"cannot write {project / '_site' / 'page.html'}:")
    assert victim.read_text() == "precious"


def test_a_render_worker_whose_build_was_killed_stops_writing(project: Path):
    writer = write.OutputWriter(project, project / "_site")
    writer.builder_pid = 999_999_999  # neither this process nor its parent: the build that forked it is gone
    with pytest.raises(OutputFailed, match="has stopped"):
        writer(Output("index.html", HTML, b"late", ()))
    assert not (project / "index.html").exists()


def test_a_name_too_long_is_one_line_naming_the_output_file(project: Path):
    out = project / "_site"
    name = "ك" * 200 + ".html"  # 400 bytes in UTF-8: more than a file name may hold
    with pytest.raises(OutputFailed) as failure:
        build_in_process(project, out, {f"ar/{name}": b"x"})
    assert str(failure.value) == f"cannot write {out / 'ar' / name}: File name too long"
    assert beside(out) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_system_error_while_writing_is_one_line_naming_the_output_file(project: Path, code: int,
                                                                          monkeypatch: pytest.MonkeyPatch):
    def refused(*arguments: object) -> int:
        raise OSError(code, os.strerror(code))

    writer = write.OutputWriter(project, project / "_site")
    with monkeypatch.context() as patched:
        patched.setattr(os, "open", refused)
        with pytest.raises(OutputFailed) as failure:
            writer(Output("ar/feed.xml", HTML, b"<feed/>", ()))
    assert str(failure.value) == f"cannot write {project / '_site/ar/feed.xml'}: {os.strerror(code)}"


# Whose folder


def test_the_project_its_parents_home_and_sources_are_refused_even_forced(project: Path):
    for out in (project, project.parent, Path.home(), project / "content", project / "layouts/partials", project / "assets"):
        with pytest.raises(UnsafeOutput, match="refusing to replace"):
            claim_output(project, out, force=True)
    loop = project / "loop"
    loop.symlink_to(loop)
    with pytest.raises(UnsafeOutput, match=re.escape(f"cannot use {loop} as the output folder")):
        claim_output(project, loop)


def test_a_folder_that_is_not_a_khabar_site_is_refused_unless_forced(project: Path):
    out = project / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(UnsafeOutput, match=r"not empty and not a site khabar built \(no \.khabar-site in it\)"):
        claim_output(project, out)
    assert (out / "holiday.jpg").read_bytes() == b"\xff\xd8\xff"
    (out / MARKER).symlink_to(out / "holiday.jpg")  # a marker must be a file of its own
    with pytest.raises(UnsafeOutput):
        claim_output(project, out)
    OutputFolder(out).sibling("previous").mkdir()  # beside a folder that is not ours, nothing is cleared either
    with pytest.raises(UnsafeOutput):
        claim_output(project, out)
    assert OutputFolder(out).sibling("previous").is_dir()
    build_in_process(project, out, {"index.html": b"site"}, force=True)
    assert tree_digest(out).keys() == {".khabar-site", ".nojekyll", "index.html"}
    assert beside(out) == ["photos"]


def test_an_empty_folder_and_a_khabar_site_are_replaced(project: Path):
    out = project / "_site"
    out.mkdir()
    build_in_process(project, out, {"index.html": b"first"})
    build_in_process(project, out, {"index.html": b"second"})
    assert (out / "index.html").read_bytes() == b"second"
    assert (out / MARKER).read_text().startswith("This folder is a site built by khabar")


def test_a_failed_build_leaves_the_last_site_and_nothing_beside_it(project: Path):
    out = project / "_site"
    build_in_process(project, out, {"index.html": b"good"})
    before = tree_digest(out)
    with pytest.raises(RuntimeError):
        with staged_output(claim_output(project, out)) as writer:
            writer(Output("index.html", HTML, b"half", ()))
            raise RuntimeError("a stage failed")
    assert tree_digest(out) == before
    assert beside(out) == ["_site"]


# The swap and the recovery from a killed build


def test_without_an_exchange_the_two_renames_replace_the_site(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    out = project / "_site"
    build_in_process(project, out, {"index.html": b"first"})
    build_in_process(project, out, {"index.html": b"second"})
    assert (out / "index.html").read_bytes() == b"second"
    assert beside(out) == ["_site"]


def test_the_exchange_swaps_two_folders_in_one_step(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "which").write_text("first")
    if write._renameat2() is None:
        pytest.fail("this test runs on Linux with glibc 2.28 or later, where renameat2 exists")
    assert write._exchange(first, second)
    assert (second / "which").read_text() == "first" and not (first / "which").exists()


def killed_between_the_renames(folder: OutputFolder) -> None:
    """What a build killed between the two renames of the fallback swap leaves: the old site moved aside, the new one staged."""
    os.rename(folder.path, folder.sibling("previous"))
    staging = folder.sibling("staging-999999999")
    (staging / "ar").mkdir(parents=True)
    (staging / "ar/index.html").write_text("the new site, whole or not")


def test_a_site_moved_aside_by_a_killed_build_is_put_back(project: Path):
    out = project / "_site"
    build_in_process(project, out, {"index.html": b"last good"})
    before = tree_digest(out)
    killed_between_the_renames(OutputFolder(out))
    claim_output(project, out)
    assert tree_digest(out) == before
    assert beside(out) == ["_site"]


def test_a_half_deleted_old_site_and_stale_staging_folders_are_cleared(project: Path):
    out = project / "_site"
    build_in_process(project, out, {"index.html": b"current", "ar/index.html": b"current"})
    before = tree_digest(out)
    folder = OutputFolder(out)
    half_deleted = folder.sibling("previous")
    (half_deleted / "ar").mkdir(parents=True)
    (half_deleted / "ar/index.html").write_text("what deleting the old site had not reached")
    for stale in ("staging-999999999", "staging"):
        (folder.sibling(stale) / "en").mkdir(parents=True)
    claim_output(project, out)
    assert tree_digest(out) == before
    assert beside(out) == ["_site"]


def test_a_staging_folder_of_a_build_still_running_is_left_alone(project: Path):
    out = project / "_site"
    other_build = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = OutputFolder(out.resolve()).sibling(f"staging-{other_build.pid}")
        theirs.mkdir()
        build_in_process(project, out, {"index.html": b"mine"})
        assert theirs.is_dir()
    finally:
        other_build.kill()
        other_build.wait()


def test_links_under_the_builds_own_names_are_removed_never_followed(project: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the build's")
    out = project / "_site"
    folder = OutputFolder(out)
    folder.sibling("staging").symlink_to(elsewhere)
    folder.sibling(f"staging-{os.getpid()}").symlink_to(elsewhere)
    folder.sibling("previous").symlink_to(elsewhere)  # with no output folder: not a site to put back
    build_in_process(project, out, {"index.html": b"site"})
    assert beside(out) == ["_site"]
    assert [path.name for path in elsewhere.iterdir()] == ["keep.txt"]
    assert not out.is_symlink() and (out / "index.html").read_bytes() == b"site"


# The command line


def test_the_command_line_refuses_a_folder_that_is_not_a_site_and_force_replaces_it(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    scratch.out.mkdir()
    (scratch.out / "notes.txt").write_text("an editor's notes")
    result = scratch.build()
    assert result.returncode == 1 and result.stderr == (
        f"error: refusing to replace {scratch.out}: it is not empty and not a site khabar built (no .khabar-site in it); "
        "choose another output folder, or pass --force to replace it and delete what it holds\n")
    assert (scratch.out / "notes.txt").read_text() == "an editor's notes"
    forced = scratch.build("--force")
    assert forced.returncode == 0, forced.stderr
    assert not (scratch.out / "notes.txt").exists() and (scratch.out / MARKER).is_file()


def test_a_build_with_errors_after_a_killed_swap_puts_the_last_site_back(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    assert scratch.build().returncode == 0
    before = tree_digest(scratch.out)
    killed_between_the_renames(OutputFolder(scratch.out))
    scratch.article("ar", "broken", "title: خبر\ndate: not a date")
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert tree_digest(scratch.out) == before
    assert beside(scratch.out) == sorted(["_site", "assets", "content", "layouts", "site.yaml"])


def test_a_symlinked_staging_folder_is_removed_not_written_through(scratch: ScratchSite, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    scratch.article("ar", "story", GOOD)
    OutputFolder(scratch.out).sibling("staging").symlink_to(elsewhere)
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == [] and (scratch.out / MARKER).is_file()
    assert not OutputFolder(scratch.out).sibling("staging").exists()


# SIGKILL at random moments of a build of a few hundred articles

def wait_for_the_swap(scratch: ScratchSite, build: subprocess.Popen) -> None:
    """Until the build has written its marker into its staging folder, the last step before the swap."""
    marker = OutputFolder(scratch.out).sibling(f"staging-{build.pid}") / MARKER
    while not marker.exists():
        assert build.poll() is None, "the build ended without writing its marker"
        time.sleep(0.0005)


def test_sigkill_at_any_moment_leaves_a_whole_site_and_the_next_build_succeeds(scratch: ScratchSite):
    many_articles(scratch)
    started = time.monotonic()
    first = scratch.build("--now", BUILD_TIME)
    build_seconds = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    old_site = tree_digest(scratch.out)
    scratch.edit_config("en: Kim in Russia", "en: Kim in the Russian Far East")  # every page changes
    # (from the swap's beginning?, seconds after): one moment in each half of the build, then a moment into the swap,
    # while the old site is deleted (the swap's own window is a single system call).
    moments = [(False, build_seconds * (half + random.random()) / 2) for half in range(2)]
    moments += [(True, random.uniform(0.01, 0.2))]
    seen = []
    for attempt, (from_the_swap, seconds) in enumerate(moments):
        build = start_build(scratch, "--clean")  # a clean build swaps a whole new site in
        kill_later(build, seconds, attempt % 2 == 0, (lambda: wait_for_the_swap(scratch, build)) if from_the_swap else None)
        moment = f"{seconds:.2f} s after {'the swap began' if from_the_swap else 'the start'}"
        assert scratch.out.is_dir(), f"no output folder after a kill {moment}"
        seen.append((moment, tree_digest(scratch.out)))
    after = scratch.build("--now", BUILD_TIME)
    assert after.returncode == 0 and "Traceback" not in after.stderr, after.stderr
    new_site = tree_digest(scratch.out)
    assert new_site != old_site and len(new_site) > MANY_ARTICLES
    for moment, site in seen:
        whole = site in (old_site, new_site)
        assert whole, f"a kill {moment} left a site that is neither the old one nor the new one"
    assert beside(scratch.out) == sorted(["_site", "assets", "content", "layouts", "site.yaml"])



@pytest.mark.parametrize("journal", [
    "{\"delete\": [\"index.ht",  # cut short: a disk that failed, not a build killed (the journal is renamed in whole)
    '{"delete": ["../outside.txt"], "write": []}',  # planted to delete beside the output folder
    '{"delete": [], "write": ["/etc/hostname"]}',
    '["not", "a", "journal"]',
])
def test_a_journal_khabar_did_not_write_is_one_line_and_nothing_outside_is_touched(project: Path, journal: str):
    out = project / "_site"
    build_in_process(project, out, {"index.html": b"last good"})
    (project / "outside.txt").write_text("not the build's")
    staging = OutputFolder(out.resolve()).sibling("staging-999999999")
    staging.mkdir()
    (staging / write.JOURNAL).write_text(journal, encoding="utf-8")
    result = run_cli("build", "--out", str(out), root=project)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {staging / write.JOURNAL}: not the journal of an update khabar wrote")
    assert "Traceback" not in result.stderr
    assert (project / "outside.txt").read_text() == "not the build's"
    assert (out / "index.html").read_bytes() == b"last good"
