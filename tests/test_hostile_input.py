"""Hostile input: files that lead out of the project, files that are not files, files built to hang or crash the build.

The named cases drive the real command line: one line per problem, exit status 1,
the last good site byte for byte as it was. The properties then throw random and
hostile front matter, Markdown, YAML and file trees at `check` and `build` in-process,
where many examples are cheap: never a traceback, never a hang, only Problems.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ScratchSite, run_cli, tree_digest
from khabar.fields import MAX_YAML_DEPTH, MAX_YAML_VALUES
from khabar.load import MAX_TAGS
from khabar.pipeline import BuildOptions, build, check
from khabar.problems import BuildFailed, Problems
from khabar.sourcefile import MAX_ARTICLE_BYTES, MAX_LINE_CHARS

GOOD = "title: خبر\ndate: 2023-09-13\nauthor: nasrin-tarek\ncategory: reports"
SECRET = "SECRET-TOKEN-0123456789"
ONLY_OWN = "outside the project: only the project's own files are read"
NOT_REGULAR = "not a regular file: only regular files are read"


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the project holding a secret, as /etc or a home folder would."""
    folder = tmp_path_factory.mktemp("outside").resolve()
    (folder / "secret.txt").write_text(SECRET)
    (folder / "story.md").write_text(f"---\ntitle: {SECRET}\ndate: 2023-09-13\n---\n\n{SECRET}\n")
    (folder / "page.html").write_text(SECRET)
    shutil.copy(Path(__file__).parent.parent / "assets/images/newspapers.jpg", folder / "photo.jpg")
    return folder


def refused_keeping_the_site(scratch: ScratchSite, break_it: Callable[[], None], *expected: str) -> list[str]:
    """Build a good site, break the project, and see the build refuse with exactly these lines, leaving the site as it was."""
    scratch.article("ar", "story", GOOD)
    assert scratch.build().returncode == 0
    before = tree_digest(scratch.out)
    break_it()
    result = scratch.build()
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    problems = [line for line in lines if not line.startswith("warning:")][:-1]
    assert sorted(problems) == sorted(expected), result.stderr
    assert lines[-1] == f"{len(expected)} problem(s) found; nothing was written."
    assert tree_digest(scratch.out) == before
    assert SECRET not in "".join(path.read_text(errors="replace") for path in scratch.out.rglob("*") if path.is_file())
    return lines


def link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


# Files that lead out of the project.

def test_articles_and_folders_linked_out_of_the_project_are_refused(scratch: ScratchSite, outside: Path):
    def break_it():
        link(scratch.root / "content/en/leak.md", outside / "story.md")
        link(scratch.root / "content/en/elsewhere", outside)
        link(scratch.root / "content/ar/itself", ".")
        link(scratch.root / "content/ar/gone.md", outside / "no-such-file.md")
        link(scratch.root / "content/ar/round.md", "round.md")
        link(scratch.root / "content/timelines/leak.yaml", outside / "secret.txt")
    refused_keeping_the_site(
        scratch, break_it,
        f"content/en/leak.md: a link to {outside}/story.md, {ONLY_OWN}",
        f"content/en/elsewhere: a link to {outside}, {ONLY_OWN}",
        "content/ar/itself: a link to a folder it is in: the folder would never end",
        "content/ar/gone.md: a link to a file that does not exist",
        "content/ar/round.md: a link that leads back to itself",
        f"content/timelines/leak.yaml: a link to {outside}/secret.txt, {ONLY_OWN}",
    )


def test_assets_linked_out_of_the_project_or_into_its_hidden_files_are_never_published(scratch: ScratchSite, outside: Path):
    def break_it():
        link(scratch.root / "assets/passwd.txt", outside / "secret.txt")
        link(scratch.root / "assets/elsewhere", outside)
        (scratch.root / ".git").mkdir()
        (scratch.root / ".git/config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
        link(scratch.root / "assets/js/config.js", "../../.git/config")
    expected = (
        f"assets/passwd.txt: a link to {outside}/secret.txt, {ONLY_OWN}",
        f"assets/elsewhere: a link to {outside}, {ONLY_OWN}",
        "assets/js/config.js: a link to .git/config, a hidden file of the project: hidden files are never read into the site",
    )
    refused_keeping_the_site(scratch, break_it, *expected)
    checked = run_cli("check", root=scratch.root)
    assert checked.returncode == 1 and sorted(checked.stderr.splitlines()[:-1]) == sorted(expected)


def test_configuration_string_tables_and_templates_linked_out_of_the_project_are_refused(scratch: ScratchSite, outside: Path):
    for relative in ("site.yaml", "layouts/strings/en.yaml", "layouts/article.html"):
        scratch.write(f"outside-copy/{relative}", (scratch.root / relative).read_bytes())
    moved = outside / "moved"
    shutil.copytree(scratch.root / "outside-copy", moved)
    shutil.rmtree(scratch.root / "outside-copy")

    def link_out(relative: str) -> Callable[[], None]:
        def break_it():
            (scratch.root / relative).unlink()
            link(scratch.root / relative, moved / relative)
        return break_it

    for relative in ("site.yaml", "layouts/strings/en.yaml", "layouts/article.html"):
        refused_keeping_the_site(scratch, link_out(relative), f"{relative}: a link to {moved / relative}, {ONLY_OWN}")
        (scratch.root / relative).unlink()
        shutil.copy(moved / relative, scratch.root / relative)


def test_links_that_stay_inside_the_project_are_followed(scratch: ScratchSite):
    scratch.write("archive/visit.md", "---\ntitle: Linked\ndate: 2023-09-13\n---\n\nWritten elsewhere in the project.\n")
    link(scratch.root / "content/en/visit.md", "../../archive/visit.md")
    scratch.write("shared/more.md", "---\ntitle: More\ndate: 2023-09-14\n---\n\nThrough a linked folder.\n")
    link(scratch.root / "content/en/more", "../../shared")
    scratch.write("notes/notes.txt", "plain notes")
    link(scratch.root / "assets/notes.txt", "../notes/notes.txt")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert scratch.built().page("/en/2023/09/visit/").find("h1").get_text(strip=True) == "Linked"
    assert scratch.built().page("/en/2023/09/more/").find("h1").get_text(strip=True) == "More"
    assert [path.read_text() for path in (scratch.out / "assets").glob("notes.*.txt")] == ["plain notes"]
