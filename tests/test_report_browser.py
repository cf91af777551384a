"""report.html in a real headless browser: it renders offline, and a screenshot is taken.

`make test` installs Debian's chromium when it is missing (as root). Where no
browser can be had, the test is skipped locally but fails under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import document

pytestmark = [pytest.mark.cli, pytest.mark.slow]  # the sample run through the CLI, then chromium

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # the page must need no network at all
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs it with apt-get")
        pytest.skip("chromium is not installed (make test installs it when run as root)")
    return found


def _browse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_renders_offline_and_is_screenshotted(
    two_months: tuple[Path, Path], tmp_path: Path
) -> None:
    _, out = two_months
    page = document(out, "2026-11", "report.html").resolve()
    dom = _browse(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Merge report — 2026-11" in dom.stdout
    assert dom.stdout.count("<svg") == 3
    assert "Uncaught" not in dom.stderr

    shot = tmp_path / "report.png"
    result = _browse(tmp_path, "--window-size=1280,3000", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 50_000  # a blank page compresses to a few kilobytes
