"""System programs some tests need (Java and the HTML checker, Chromium for the browser), installed on demand."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_updated = False


@contextmanager
def _installing(lock: Path) -> Iterator[None]:
    """One installer at a time: the suite's workers may want the same program at once, and apt and npm
    each fail or leave half a folder when two of them work on the same place."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def ensure_program(program: str, debian_package: str) -> str:
    """The path of `program`, installing its Debian package first if it is missing (CI runs as root)."""
    global _updated
    found = shutil.which(program)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{program} is missing: install the Debian package '{debian_package}'")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with _installing(Path(tempfile.gettempdir()) / "khabar-tests-apt.lock"):
        found = shutil.which(program)  # installed by another worker while this one waited
        if found:
            return found
        if not _updated:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
            _updated = True
        subprocess.run(["apt-get", "install", "-y", "-qq", debian_package], check=True, env=environment, stdout=subprocess.DEVNULL)
    found = shutil.which(program)
    if not found:
        raise RuntimeError(f"installing {debian_package} did not provide {program}")
    return found


VNU_VERSION = "26.9.27"


def nu_html_checker(cache: Path) -> list[str]:
    """The command that runs the Nu Html Checker (vnu.jar, the W3C validator, from the npm registry's vnu-jar package, cached).

    Java stops at its first compiler tier: a run of a few seconds is over before the optimising tier pays back what it
    costs, and a whole site is checked in a third of the time. Those frames are larger, hence the larger stack."""
    java = ensure_program("java", "default-jre-headless")
    return [java, "-XX:TieredStopAtLevel=1", "-Xss4m", "-jar", str(_nu_html_checker_jar(cache))]


def _nu_html_checker_jar(cache: Path) -> Path:
    """vnu.jar, from the npm registry's vnu-jar package, cached."""
    jar = cache / f"vnu-{VNU_VERSION}.jar"
    if jar.is_file():
        return jar
    npm = ensure_program("npm", "npm")
    with _installing(cache / "npm.lock"), tempfile.TemporaryDirectory() as folder:
        if jar.is_file():
            return jar
        subprocess.run([npm, "pack", f"vnu-jar@{VNU_VERSION}", "--pack-destination", folder, "--silent"],
                       check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(Path(folder) / f"vnu-jar-{VNU_VERSION}.tgz") as archive:
            member = archive.extractfile("package/build/dist/vnu.jar")
            jar.with_suffix(".part").write_bytes(member.read())
        jar.with_suffix(".part").rename(jar)
    return jar


LIGHTHOUSE_VERSION = "12.8.2"


def lighthouse(cache: Path) -> Path:
    """Google's Lighthouse command, from the npm registry, installed once under the cache folder."""
    folder = cache / f"lighthouse-{LIGHTHOUSE_VERSION}"
    command = folder / "node_modules" / ".bin" / "lighthouse"
    if command.exists():
        return command
    npm = ensure_program("npm", "npm")
    with _installing(cache / "npm.lock"):
        if not command.exists():
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder),
                            f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True, stdout=subprocess.DEVNULL)
    return command
