"""Every Python snippet of docs/recipes.md and docs/outputs.md, run against a real run's output.

The snippets are what analysts copy: each fenced ``python`` block runs on its own, in
a fresh interpreter, from the folder that holds the two-month sample run's ``out/``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

pytestmark = [pytest.mark.cli, pytest.mark.slow]
DOCS = ("docs/recipes.md", "docs/outputs.md")
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _snippets() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        found += [(f"{doc}#{i}", code) for i, code in enumerate(_BLOCK.findall(text), 1)]
    return found


SNIPPETS = _snippets()


def test_the_docs_have_recipes_in_each_tool() -> None:
    code = "\n".join(c for name, c in SNIPPETS if name.startswith("docs/recipes.md"))
    for tool in ("import pandas", "import polars", "import duckdb"):
        assert code.count(tool) >= 3, tool


@pytest.mark.parametrize(("name", "code"), SNIPPETS, ids=[n for n, _ in SNIPPETS])
def test_a_documented_snippet_runs_on_a_real_output_folder(
    name: str, code: str, two_months: tuple[Path, Path]
) -> None:
    _, out = two_months
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{name}:\n{code}\n{done.stderr}"
    assert done.stdout.strip() or "people =" in code, f"{name} printed nothing"


def test_the_recipes_give_the_reports_figures(two_months: tuple[Path, Path]) -> None:
    """The first recipe's count is the report's: NAF beneficiaries who are job seekers."""
    import json

    import duckdb

    _, out = two_months
    report = json.loads((out / "reports" / "month=2026-11" / "report.json").read_text())
    rows = duckdb.sql(
        f"SELECT count(*) FROM '{out.as_posix()}/snapshots/beneficiaries/*/*.parquet' "
        "WHERE month = '2026-11' AND in_naf AND in_jobseekers"
    ).fetchall()
    assert rows[0][0] == report["graduation"]["naf"]["job_seekers"]
