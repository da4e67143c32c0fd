"""`check`'s interface: findings as lines, JSON and GitHub workflow commands, --strict, and a check limited to given files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, ScratchSite, run_cli
from khabar.problems import Problem, Problems
from khabar.report import as_workflow_command, limited_to, project_paths, summary

GOOD = "title: Story\ndate: 2023-09-13T10:00"
NO_BODY = "title: Empty\ndate: 2023-09-13T10:00"  # a warning: the article has no body text
BAD_AUTHOR = "title: Bad\ndate: 2023-09-13T10:00\nauthor: nobody"  # an error at line 4


def _site_with_a_warning_and_an_error(scratch: ScratchSite) -> None:
    scratch.article("en", "good", GOOD)
    scratch.article("ar", "good", GOOD)  # translated: no note that it is not
    scratch.write("content/en/empty.md", f"---\n{NO_BODY}\n---\n")
    scratch.article("ar", "bad", BAD_AUTHOR)


def test_the_default_format_is_one_line_per_finding_and_a_summary_of_what_was_found(scratch: ScratchSite):
    _site_with_a_warning_and_an_error(scratch)
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/en/empty.md:5: warning: the article has no body text",
        "content/ar/bad.md:4: error: unknown author 'nobody' (known: nasrin-tarek, international-desk, monitoring-desk)",
    ]
    assert result.stdout == "1 error and 1 warning found\n"


def test_warnings_pass_and_are_counted_unless_strict_and_notes_never_fail(scratch: ScratchSite):
    scratch.write("content/en/empty.md", f"---\n{NO_BODY}\n---\n")
    scratch.write("content/en/empty-too.md", f"---\n{NO_BODY.replace('Empty', 'Empty too')}\n---\n")
    result = run_cli("check", root=scratch.root)
    assert (result.returncode, result.stdout) == (0, "2 warnings and 2 notes found\n")  # the notes: no Arabic translation
    assert result.stderr.count(": warning: the article has no body text") == 2
    strict = run_cli("check", "--strict", root=scratch.root)
    assert (strict.returncode, strict.stdout) == (1, "2 warnings and 2 notes found (--strict: warnings fail the check)\n")
    scratch.article("en", "empty", GOOD.replace("Story", "Full"))
    scratch.article("en", "empty-too", GOOD)
    noted = run_cli("check", "--strict", root=scratch.root)
    assert (noted.returncode, noted.stdout) == (0, "2 notes found\n")
    assert [line.split(": ")[1] for line in noted.stderr.splitlines()] == ["note", "note"]
    scratch.article("ar", "empty", GOOD)
    scratch.article("ar", "empty-too", GOOD.replace("Story", "Other"))
    clean = run_cli("check", "--strict", root=scratch.root)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "no problems found\n", "")


def test_json_is_one_document_of_every_finding_in_order_even_when_there_are_none(scratch: ScratchSite):
    _site_with_a_warning_and_an_error(scratch)
    result = run_cli("check", "--format", "json", root=scratch.root)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"path": "content/ar/bad.md", "line": 4, "column": None, "level": "error",
         "message": "unknown author 'nobody' (known: nasrin-tarek, international-desk, monitoring-desk)"},
        {"path": "content/en/empty.md", "line": 5, "column": None, "level": "warning", "message": "the article has no body text"},
    ]
    assert result.stderr == "1 error and 1 warning found\n"  # beside the document, never in it
    assert run_cli("check", "--format", "json", root=scratch.root).stdout == result.stdout  # the same order every run
    (scratch.root / "content/ar/bad.md").unlink()
    (scratch.root / "content/en/empty.md").unlink()
    none = run_cli("check", "--format", "json", root=scratch.root)
    assert (none.returncode, json.loads(none.stdout)) == (0, [])


def test_github_format_is_workflow_commands_annotating_the_lines(scratch: ScratchSite):
    _site_with_a_warning_and_an_error(scratch)
    result = run_cli("check", "--format", "github", root=scratch.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=content/ar/bad.md,line=4,title=khabar check::"
        "unknown author 'nobody' (known: nasrin-tarek, international-desk, monitoring-desk)",
        "::warning file=content/en/empty.md,line=5,title=khabar check::the article has no body text",
        "1 error and 1 warning found",
    ]


def test_workflow_commands_escape_what_the_runner_would_read_as_syntax():
    problem = Problem("content/ar/a,b:c%.md", 3, "50% done\r\nnext: a, b\x1b[31m", 7, "warning")
    assert as_workflow_command(problem) == (
        "::warning file=content/ar/a%2Cb%3Ac%25.md,line=3,col=7,title=khabar check::50%25 done%0D%0Anext: a, b\\x1b[31m"
    )
    assert as_workflow_command(Problem("site.yaml", 0, "bad"), "sites/kim") == "::error file=sites/kim/site.yaml,title=khabar check::bad"


def test_the_github_workspace_names_a_project_in_a_sub_folder_of_the_repository(scratch: ScratchSite):
    scratch.article("ar", "bad", BAD_AUTHOR)
    environment = {**os.environ, "GITHUB_WORKSPACE": str(scratch.root.parent)}
    result = run_cli("check", "--format", "github", root=scratch.root, env=environment)
    assert result.stdout.startswith(f"::error file={scratch.root.name}/content/ar/bad.md,line=4,")


def test_the_summary_names_what_was_found():
    one_each = Problems()
    one_each.error("a.md", 1, "x")
    one_each.warn("a.md", 2, "y")
    one_each.warn("a.md", 3, "z")
    assert summary(Problems()) == "no problems found"
    assert summary(one_each) == "1 error and 2 warnings found"
    assert summary(one_each, strict=True, others=1) == (
        "1 error and 2 warnings found (--strict: warnings fail the check); 1 warning or note in other files not shown"
    )
    one_each.note("a.md", 4, "n")
    assert summary(one_each, others=2) == "1 error, 2 warnings and 1 note found; 2 warnings or notes in other files not shown"


def test_check_of_given_files_reports_their_findings_and_errors_anywhere(scratch: ScratchSite):
    _site_with_a_warning_and_an_error(scratch)
    scratch.write("content/ar/empty.md", f"---\n{NO_BODY.replace('Empty', 'فارغ')}\n---\n")
    result = run_cli("check", "content/en/good.md", root=scratch.root)
    # The other files' warnings are left out, but an error anywhere stops the build whichever file changed.
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/ar/bad.md:4: error: unknown author 'nobody' (known: nasrin-tarek, international-desk, monitoring-desk)",
    ]
    assert result.stdout == "1 error found; 2 warnings or notes in other files not shown\n"
    (scratch.root / "content/ar/bad.md").unlink()
    only_good = run_cli("check", "--strict", "content/en/good.md", root=scratch.root)
    assert (only_good.returncode, only_good.stderr) == (0, "")
    assert only_good.stdout == "no problems found; 2 warnings or notes in other files not shown\n"
    folder = run_cli("check", "--strict", "content/en", root=scratch.root)
    assert (folder.returncode, folder.stderr) == (1, "content/en/empty.md:5: warning: the article has no body text\n")


def test_given_files_are_read_from_the_current_folder_first_then_the_project(scratch: ScratchSite):
    scratch.write("content/en/empty.md", f"---\n{NO_BODY}\n---\n")
    scratch.article("ar", "empty", GOOD)
    from_inside = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--root", str(scratch.root), "check", "empty.md", "--format", "json"],
        cwd=scratch.root / "content" / "en", capture_output=True, text=True, encoding="utf-8",
    )
    assert [finding["path"] for finding in json.loads(from_inside.stdout)] == ["content/en/empty.md"]
    from_elsewhere = run_cli("check", "content/en/empty.md", "--format", "json", root=scratch.root)
    assert [finding["path"] for finding in json.loads(from_elsewhere.stdout)] == ["content/en/empty.md"]


def test_a_given_file_that_is_missing_or_outside_the_project_is_one_line(scratch: ScratchSite, tmp_path_factory):
    missing = run_cli("check", "content/ar/typo.md", root=scratch.root)
    assert missing.returncode == 2 and "content/ar/typo.md: no such file or folder, here or in the project" in missing.stderr
    outside = tmp_path_factory.mktemp("elsewhere") / "x.md"
    outside.write_text("x")
    refused = run_cli("check", str(outside), root=scratch.root)
    assert refused.returncode == 2 and f"{outside}: not in the project" in refused.stderr
    assert "Traceback" not in missing.stderr + refused.stderr


def test_project_paths_and_limits_as_units(tmp_path: Path):
    (tmp_path / "content" / "ar").mkdir(parents=True)
    (tmp_path / "content" / "ar" / "x.md").write_text("x")
    assert project_paths(tmp_path, ["ar/x.md", "content/../content/ar", ".", "/".join([".."] * 9) + str(tmp_path)],
                         tmp_path / "content") == ("content/ar/x.md", "content/ar", "content", "")
    problems = Problems()
    problems.warn("content/ar/x.md", 1, "here")
    problems.warn("content/ar/xy.md", 1, "a file whose name only starts alike")
    shown, others = limited_to(problems, ["content/ar/x.md"])
    assert ([warning.message for warning in shown.warnings], others) == (["here"], 1)


def test_build_prints_its_findings_in_the_chosen_format_and_its_summary(scratch: ScratchSite):
    scratch.article("en", "good", GOOD)
    scratch.write("content/en/empty.md", f"---\n{NO_BODY}\n---\n")
    as_json = scratch.build("--format", "json")
    assert as_json.returncode == 0
    assert [finding["message"] for finding in json.loads(as_json.stdout)] == ["the article has no body text"]
    assert as_json.stderr.startswith("built ")
    as_text = scratch.build()
    assert as_text.stderr == "content/en/empty.md:5: warning: the article has no body text\n"
    assert as_text.stdout.startswith("built ")
    scratch.article("ar", "bad", BAD_AUTHOR)
    failed = scratch.build("--format", "github")
    assert failed.returncode == 1 and failed.stdout.startswith("::error file=content/ar/bad.md,line=4,")
    assert failed.stderr == "1 problem(s) found; nothing was written.\n"
