"""Checks before a commit reaches main: the pre-commit hook, run for real in a throw-away git repository, and
the pull-request workflow, read as GitHub would read it (GitHub Actions itself cannot run here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

import dev
from conftest import PROJECT, ScratchSite, run_cli

# What the hook needs of the project besides the site: the command line, its code and dev.py.
PROJECT_FILES = ("build.py", "dev.py", "requirements.txt", "requirements-dev.txt", ".pre-commit-config.yaml")
GOOD = "title: قمة\ndate: 2023-09-13T10:00\nauthor: nasrin-tarek"


@pytest.fixture
def repository(tmp_path: Path) -> tuple[ScratchSite, dict[str, str]]:
    """A small site with the project's code, a git repository with one commit, and the hook installed.

    Its .venv is a venv of its own that sees the shared one's packages, so dev.py finds it ready and installs nothing."""
    site = ScratchSite(_folder(tmp_path / "repo"))
    for name in PROJECT_FILES:
        shutil.copy(PROJECT / name, site.root / name)
    shutil.copytree(PROJECT / "khabar", site.root / "khabar", ignore=shutil.ignore_patterns("__pycache__"))
    (site.root / ".gitignore").write_text(".venv\n_site/\n__pycache__/\n")
    _venv_seeing_the_shared_packages(site.root / ".venv")
    site.article("ar", "good", GOOD, "نص الخبر.")
    home = _folder(tmp_path / "home")
    environment = {
        **os.environ, "HOME": str(home), "PRE_COMMIT_HOME": str(home / "pre-commit"), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
        "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
    }
    _git(site.root, environment, "init", "-q", "-b", "main")
    _git(site.root, environment, "add", ".")
    _git(site.root, environment, "commit", "-q", "-m", "the site")
    installed = subprocess.run(["python3", "dev.py", "pre-commit", "install"], cwd=site.root, env=environment,
                               capture_output=True, text=True, encoding="utf-8", timeout=120)  # as the README says
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return site, environment


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _venv_seeing_the_shared_packages(folder: Path) -> None:
    venv.create(folder, with_pip=False)
    shared = subprocess.run([str(PROJECT / ".venv/bin/python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    own = subprocess.run([str(folder / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    Path(own, "shared.pth").write_text(shared + "\n")
    (folder / ".requirements-hash").write_text(dev.requirements_hash())


def _git(root: Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=root, env=environment, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=arguments[0] != "commit")


def _pre_commit(root: Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *arguments], cwd=root, env=environment,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def _commits(root: Path, environment: dict[str, str]) -> int:
    return int(_git(root, environment, "rev-list", "--count", "HEAD").stdout)


def test_a_commit_with_a_bad_article_is_stopped_with_the_finding_and_a_good_one_passes(repository):
    site, environment = repository
    site.article("ar", "summit", GOOD.replace("nasrin-tarek", "nasrin"), "نص.")
    _git(site.root, environment, "add", "content/ar/summit.md")
    refused = _git(site.root, environment, "commit", "-m", "a new article")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "content/ar/summit.md:4: error: unknown author 'nasrin' (known: nasrin-tarek," in output
    assert "khabar check" in output and "Failed" in output
    assert _commits(site.root, environment) == 1
    site.article("ar", "summit", GOOD, "نص.")
    _git(site.root, environment, "add", "content/ar/summit.md")
    committed = _git(site.root, environment, "commit", "-m", "a new article")
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "khabar check" in committed.stdout + committed.stderr and "Passed" in committed.stdout + committed.stderr
    assert _commits(site.root, environment) == 2


def test_the_hook_is_given_the_changed_site_files_only(repository):
    site, environment = repository
    site.write("content/en/empty.md", "---\ntitle: Empty\ndate: 2023-09-13T10:00\n---\n")  # a warning: no body
    ran = _pre_commit(site.root, environment, "run", "--verbose", "--files", "content/en/empty.md", "content/ar/good.md")
    assert ran.returncode == 0, ran.stdout + ran.stderr  # warnings do not stop a commit
    assert "content/en/empty.md:5: warning: the article has no body text" in ran.stdout
    assert re.search(r"^1 warning( and \d+ notes?)? found$", ran.stdout, re.MULTILINE), ran.stdout
    skipped = _pre_commit(site.root, environment, "run", "--files", "build.py")
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout


def test_the_pull_request_workflow_checks_strictly_for_github_and_builds():
    workflow = yaml.safe_load((PROJECT / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((PROJECT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    actions = [step["uses"] for step in steps if "uses" in step]
    published_with = {step["uses"] for step in publish["jobs"]["build"]["steps"] if "uses" in step}
    assert actions[:2] == ["actions/checkout@v4", "actions/setup-python@v5"] and set(actions) <= published_with
    assert steps[1]["with"]["python-version"] == "3.11"
    commands = [step["run"] for step in steps if "run" in step]
    assert "python3 dev.py check --strict --format github" in commands
    assert "python3 dev.py build" in commands
    assert commands.index("python3 dev.py check --strict --format github") < commands.index("python3 dev.py build")


def test_the_demo_passes_the_pull_request_check():
    result = run_cli("check", "--strict", "--format", "github")
    *annotations, found = result.stdout.splitlines()
    # Notes (relative dates, an untranslated article) are annotations that never fail a check, however strict.
    assert (result.returncode, result.stderr) == (0, "")
    assert all(line.startswith("::notice file=content/") for line in annotations) and re.fullmatch(r"\d+ notes found", found)
