"""report.json of the committed sample against a golden copy.

When a change alters the figures on purpose (a better model, a new report
section), regenerate the golden file and review its diff like code:

    make golden        # = BENELINK_REGENERATE_GOLDEN=1 pytest tests/test_report_golden.py
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, document, table_file

pytestmark = pytest.mark.cli  # runs benelink through its command line

GOLDEN = REPO / "tests" / "golden" / "report-2026-11.json"


def _close(expected: Any, actual: Any, where: str = "report") -> list[str]:
    """Differences between two JSON values; floats compared to 1e-6 relative."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = (
            [f"{where}: keys differ {sorted(set(expected) ^ set(actual))}"]
            if set(expected) != set(actual)
            else []
        )
        for key in sorted(set(expected) & set(actual)):
            problems += _close(expected[key], actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items expected, {len(actual)} found"]
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in _close(e, a, f"{where}[{i}]")
        ]
    if isinstance(expected, float) or isinstance(actual, float):
        ok = isinstance(actual, int | float) and math.isclose(
            expected, actual, rel_tol=1e-6, abs_tol=1e-9
        )
        return [] if ok else [f"{where}: {expected!r} expected, {actual!r} found"]
    return [] if expected == actual else [f"{where}: {expected!r} expected, {actual!r} found"]


def test_report_json_matches_golden(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    report = json.loads(document(out, "2026-11", "report.json").read_text(encoding="utf-8"))
    if os.environ.get("BENELINK_REGENERATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    problems = _close(golden, report)
    assert not problems, (
        "report.json differs from tests/golden (make golden to accept):\n"
        + "\n".join(problems[:20])
    )


def test_report_html_holds_the_same_headline_figures(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    report = json.loads(document(out, "2026-11", "report.json").read_text(encoding="utf-8"))
    page = document(out, "2026-11", "report.html").read_text(encoding="utf-8")
    assert f"{report['beneficiaries']['total']:,}" in page
    for item in report["inputs"]:
        assert item["sha256"] in page
    for officer in report["officers"]:
        assert officer["officer"] in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count("<svg") == 10  # trends 2, flows, officers, breakdowns 4, appendix 2
    # the manager's figures come first, the model's internals in the appendix
    assert page.index("Flows: from cash assistance to work") < page.index(
        "<h2>Technical appendix</h2>"
    )
    assert page.index("<h2>Technical appendix</h2>") < page.index("The model")
    for name in report["definitions"]:
        assert name.replace("_", " ") in page


def test_one_page_per_published_officer(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    folder = document(out, "2026-11", "report.json").parent
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    pages = sorted(folder.glob("officer-*.html"))
    assert len(pages) == len(report["officers"]) > 0
    texts = [p.read_text(encoding="utf-8") for p in pages]
    for officer in report["officers"]:
        (text,) = [t for t in texts if f"<b>{officer['officer']}</b>" in t]
        assert f"{officer['job_seekers']:,}" in text
        assert "all job seekers of the month" in text and "<script" not in text


def test_links_do_not_call_kept_apart_pairs_matches(two_months: tuple[Path, Path]) -> None:
    import pyarrow.parquet as pq

    _, out = two_months
    report = json.loads(document(out, "2026-11", "report.json").read_text(encoding="utf-8"))
    links = pq.read_table(
        table_file(out, "2026-11", "links"), columns=["left_token", "right_token", "decision"]
    )
    records = pq.read_table(
        table_file(out, "2026-11", "records"), columns=["record_token", "beneficiary_id"]
    )
    person = dict(
        zip(records["record_token"].to_pylist(), records["beneficiary_id"].to_pylist(), strict=True)
    )
    decisions = links["decision"].to_pylist()
    apart = [
        person[a] != person[b]
        for a, b in zip(
            links["left_token"].to_pylist(), links["right_token"].to_pylist(), strict=True
        )
    ]
    assert not any(d == "match" and a for d, a in zip(decisions, apart, strict=True))
    assert all(a for d, a in zip(decisions, apart, strict=True) if d == "match_kept_apart")
    linkage = report["linkage"]
    assert decisions.count("match_kept_apart") == linkage["matches_kept_apart"] > 0
    assert linkage["matches"] == linkage["matches_merged"] + linkage["matches_kept_apart"]
