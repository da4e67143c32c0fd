"""Every page and the stylesheet of the demo site, and pages as the dev server sends them, pass the Nu Html Checker (the W3C validator), warnings included."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import PROJECT, BuiltSite
from system import nu_html_checker
from khabar.tools.serve import with_live_script


def test_demo_site_has_no_validator_errors_or_warnings(demo: BuiltSite, tmp_path: Path):
    """Pages as the dev server sends them too, with its live-reload script (test_serve.py: that is all it adds)."""
    served = tmp_path / "served"
    served.mkdir()
    for page in ("index.html", "ar/index.html", "en/index.html", "404.html", "ar/2023/09/kim-russia-visit/index.html"):
        (served / page.replace("/", "-")).write_bytes(with_live_script((demo.out / page).read_bytes()))
    result = subprocess.run(
        [*nu_html_checker(PROJECT / ".cache"), "--skip-non-html", "--also-check-css", "--format", "gnu", str(demo.out), str(served)],
        capture_output=True, text=True,
    )
    messages = (result.stdout + result.stderr).strip()
    assert len(demo.html_files()) > 60
    assert result.returncode == 0 and messages == "", messages
