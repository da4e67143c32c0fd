"""Every page and the stylesheet of the demo site pass the Nu Html Checker (the W3C validator), warnings included."""

from __future__ import annotations

import subprocess

from conftest import PROJECT, BuiltSite
from system import ensure_program, nu_html_checker


def test_demo_site_has_no_validator_errors_or_warnings(demo: BuiltSite):
    java = ensure_program("java", "default-jre-headless")
    jar = nu_html_checker(PROJECT / ".cache")
    result = subprocess.run(
        [java, "-jar", str(jar), "--skip-non-html", "--also-check-css", "--format", "gnu", str(demo.out)],
        capture_output=True, text=True,
    )
    messages = (result.stdout + result.stderr).strip()
    assert len(demo.html_files()) > 60
    assert result.returncode == 0 and messages == "", messages
