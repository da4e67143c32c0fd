"""`new` asks nothing it can infer: the date in the site's time zone, the slug from the title, the author, the editor."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from conftest import ScratchSite, run_cli

ARABIC_TITLE = "\u200fقمةُ بوتين ــ كيم، في «فوستوتشني»؟"  # tashkeel, tatweel, a bidi mark, Arabic punctuation


def _environment(**variables: str) -> dict[str, str]:
    """This process's environment less the variables `new` reads, plus `variables`."""
    clean = {name: value for name, value in os.environ.items()
             if name not in ("EDITOR", "VISUAL", "KHABAR_AUTHOR", "SOURCE_DATE_EPOCH")}
    return {**clean, **variables}


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def _recording_editor(folder: Path, name: str = "editor") -> tuple[Path, Path]:
    """A tiny editor that writes the arguments it was given, one a line, to a file beside it."""
    script, record = folder / name, folder / f"{name}.args"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    script.chmod(0o755)
    return script, record


def test_an_arabic_title_makes_a_clean_slug_in_the_default_language_dated_in_the_site_s_time_zone(scratch: ScratchSite):
    result = run_cli("new", ARABIC_TITLE, "--now", "2023-09-13T22:30:00Z", root=scratch.root, env=_environment())
    assert result.returncode == 0, result.stderr
    path = scratch.root / "content/ar/قمة-بوتين-كيم-في-فوستوتشني.md"
    assert result.stdout == f"created {path.relative_to(scratch.root)}\n"
    front_matter = _front_matter(path)
    assert front_matter["date"] == "2023-09-14T01:30:00+03:00"  # Asia/Riyadh: already the next day there
    assert front_matter["title"] == ARABIC_TITLE and front_matter["draft"] is True
    assert "author" not in front_matter and "# author: one of nasrin-tarek" in path.read_text(encoding="utf-8")
    assert scratch.build("--drafts").returncode == 0
    assert scratch.built().page("/ar/2023/09/قمة-بوتين-كيم-في-فوستوتشني/").select_one("h1").get_text() == ARABIC_TITLE


def test_the_date_follows_source_date_epoch_and_the_language_can_be_given(scratch: ScratchSite):
    result = run_cli("new", "Summit opens", "--lang", "en", root=scratch.root, env=_environment(SOURCE_DATE_EPOCH="1694636400"))
    assert result.returncode == 0, result.stderr
    assert _front_matter(scratch.root / "content/en/summit-opens.md")["date"] == "2023-09-13T23:20:00+03:00"


def test_the_author_comes_from_the_option_or_the_environment_and_must_be_known(scratch: ScratchSite):
    from_environment = run_cli("new", "One", "--lang", "en", root=scratch.root, env=_environment(KHABAR_AUTHOR="nasrin-tarek"))
    assert from_environment.returncode == 0, from_environment.stderr
    assert _front_matter(scratch.root / "content/en/one.md")["author"] == "nasrin-tarek"
    from_option = run_cli("new", "Two", "--lang", "en", "--author", "monitoring-desk", root=scratch.root,
                          env=_environment(KHABAR_AUTHOR="nasrin-tarek"))
    assert from_option.returncode == 0, from_option.stderr
    assert _front_matter(scratch.root / "content/en/two.md")["author"] == "monitoring-desk"
    assert run_cli("check", "--strict", root=scratch.root).returncode == 0
    unknown = run_cli("new", "Three", "--lang", "en", root=scratch.root, env=_environment(KHABAR_AUTHOR="nasrin"))
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines() == [
        "KHABAR_AUTHOR: error: unknown author 'nasrin' (known: nasrin-tarek, international-desk, monitoring-desk)",
        "1 problem(s) found; nothing was written.",
    ]
    mistyped = run_cli("new", "Three", "--lang", "en", "--author", "monitoring", root=scratch.root, env=_environment())
    assert mistyped.stderr.splitlines()[0] == (
        "--author: error: unknown author 'monitoring' (known: monitoring-desk, nasrin-tarek, international-desk)"
    )
    assert not (scratch.root / "content/en/three.md").exists()


def test_edit_opens_visual_or_editor_on_the_new_file(scratch: ScratchSite, tmp_path_factory):
    tools = tmp_path_factory.mktemp("tools")
    editor, edited = _recording_editor(tools, "editor")
    visual, visited = _recording_editor(tools, "visual")
    result = run_cli("new", "Edited", "--lang", "en", "--edit", root=scratch.root, env=_environment(EDITOR=str(editor)))
    assert result.returncode == 0, result.stderr
    assert edited.read_text(encoding="utf-8") == f"{scratch.root / 'content/en/edited.md'}\n"
    result = run_cli("new", "Visited", "--lang", "en", "--edit", root=scratch.root,
                     env=_environment(EDITOR=str(editor), VISUAL=f"{visual} --wait"))
    assert result.returncode == 0, result.stderr
    assert visited.read_text(encoding="utf-8") == f"--wait\n{scratch.root / 'content/en/visited.md'}\n"
    assert not run_cli("new", "Not edited", "--lang", "en", root=scratch.root, env=_environment(EDITOR=str(editor))).stderr
    assert edited.read_text(encoding="utf-8").endswith("edited.md\n")  # no --edit, no editor


def test_a_missing_or_failing_editor_is_one_line(scratch: ScratchSite, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("tools")
    unset = run_cli("new", "Story", "--lang", "en", "--edit", root=scratch.root, env=_environment())
    assert (unset.returncode, unset.stderr) == (1, "error: --edit needs an editor: set EDITOR (or VISUAL), e.g. export EDITOR=nano\n")
    assert not (scratch.root / "content/en/story.md").exists()
    absent = run_cli("new", "Story", "--lang", "en", "--edit", root=scratch.root, env=_environment(EDITOR="/no/such/editor"))
    assert absent.returncode == 1
    assert absent.stderr == "error: cannot start the editor '/no/such/editor': No such file or directory\n"
    assert (scratch.root / "content/en/story.md").is_file()  # created, as it said, before the editor failed
    assert absent.stdout == "created content/en/story.md\n"
    failing = tmp_path / "failing-editor"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    stopped = run_cli("new", "Other", "--lang", "en", "--edit", root=scratch.root, env=_environment(VISUAL=str(failing)))
    assert (stopped.returncode, stopped.stderr) == (1, f"error: the editor '{failing}' stopped with status 3\n")


def test_a_title_with_nothing_to_make_a_slug_of_asks_for_one(scratch: ScratchSite):
    result = run_cli("new", "؟!", root=scratch.root, env=_environment())
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content: error: the title '؟!' has no letter or digit to make a slug of: give --slug"
