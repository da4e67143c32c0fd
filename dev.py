#!/usr/bin/env python3
"""Set-up and everyday commands with nothing but Python.

    python3 dev.py test | bench [options]       the test suite, the benchmarks
    python3 dev.py pre-commit install           the check before every commit (.pre-commit-config.yaml)
    python3 dev.py serve | build | check | new  any command of build.py

On first use (and whenever a requirements file changes) it creates .venv and
installs the pinned dependencies into it; then it runs the command there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".requirements-hash"

OWN_COMMANDS = {"test": ["-m", "pytest"], "bench": ["bench/run.py"], "pre-commit": ["-m", "pre_commit"]}


def requirements_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("requirements*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    wanted = requirements_hash()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print("installing the pinned dependencies …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(wanted)


def main(arguments: list[str]) -> int:
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_environment()
    command = [str(PYTHON), *OWN_COMMANDS.get(arguments[0], ["build.py", arguments[0]]), *arguments[1:]]
    if os.name == "posix":
        # The command takes this process's place, so a signal sent to dev.py (SIGTERM, Ctrl-C) is the
        # command's to handle: a child left behind would keep serving, or building, on its own.
        os.chdir(ROOT)
        os.execv(PYTHON, command)
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
