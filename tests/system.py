"""System programs some tests need (Java for the HTML checker, Chromium for the browser), installed on demand."""

from __future__ import annotations

import os
import shutil
import subprocess

_updated = False


def ensure_program(program: str, debian_package: str) -> str:
    """The path of `program`, installing its Debian package first if it is missing (CI runs as root)."""
    global _updated
    found = shutil.which(program)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{program} is missing: install the Debian package '{debian_package}'")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _updated:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        _updated = True
    subprocess.run(["apt-get", "install", "-y", "-qq", debian_package], check=True, env=environment, stdout=subprocess.DEVNULL)
    found = shutil.which(program)
    if not found:
        raise RuntimeError(f"installing {debian_package} did not provide {program}")
    return found
