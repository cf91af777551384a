"""The README's commands, run in order in a fresh shell, as a newcomer types them.

Every fenced ``sh`` block of README.md is run, in order, by one ``bash -e`` in a copy of
the repository, with a bare PATH (``benelink`` is not on it until the README says how to
put it there). What a newcomer's machine gives and this test cannot are stood in for,
each said here: the existing ``.venv`` is linked in rather than installed again (``make``
is told not to remake it); ``make test`` and ``make test-fast`` are not run from inside
the test suite; the README's own-files example gets the ``my.toml`` that its step 2 asks
the reader to write (the sample, into ``my-out/``, so it does not meet the demo's key in
``out/``), a folder for ``/secure/place``, the sample's truth file, and ``--month
2026-11`` for ``previous`` (the sample has no other month).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO

pytestmark = [pytest.mark.cli, pytest.mark.slow]
_BLOCK = re.compile(r"^[ \t]*```sh\n(.*?)^[ \t]*```", re.M | re.S)


def readme_commands() -> list[str]:
    """Every line of every ``sh`` block of README.md, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [
        line.strip()
        for block in _BLOCK.findall(text)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _as_run_here(line: str) -> str | None:
    if re.match(r"make test(-fast)?\b", line):
        return None
    if line.startswith("make "):
        return line.replace("make ", "make -o .venv/.installed-stamp ", 1)
    line = line.replace("/secure/place/", "secure/")
    if "my.toml" in line:
        line = line.replace("--month previous", "--month 2026-11")
        line = line.replace(" out/", " my-out/").replace("truth.csv", "data/sample/truth.csv")
    return line


def _copy_of_the_repository(target: Path) -> Path:
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(REPO / ".venv")
    return target


def test_readme_commands_run_in_order_in_a_fresh_shell(tmp_path: Path) -> None:
    if not (REPO / ".venv" / ".installed-stamp").is_file():
        pytest.skip("needs the repository's .venv (make setup)")
    repo = _copy_of_the_repository(tmp_path / "repo")
    (repo / "secure").mkdir()
    config = (repo / "config" / "benelink.toml").read_text(encoding="utf-8")
    config = config.replace('"../data/sample/{month}"', '"data/sample/{month}"')
    (repo / "my.toml").write_text(config.replace('out = "../out"', 'out = "my-out"'))
    commands = [c for c in map(_as_run_here, readme_commands()) if c is not None]
    assert any(c.startswith(". .venv/bin/activate") for c in commands)
    script = "set -euo pipefail\n" + "\n".join(f"echo '+ {c}'\n{c}" for c in commands)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        cwd=repo,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "command not found" not in done.stderr
    assert "beneficiary id: B-" in done.stdout  # the README's example id is in the sample
    assert "History of B-" in done.stdout
    assert (repo / "my-out" / "snapshots" / "beneficiaries" / "month=2026-11").is_dir()
    assert sorted(os.listdir(repo / "out" / "reports")) == ["month=2026-10", "month=2026-11"]
    assert "Warning" not in done.stderr, done.stderr
