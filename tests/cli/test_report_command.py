"""`benelink report --quarter`: the period's three files, no personal value in any."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from benelink.cli import app
from tests.helpers import document
from tests.test_privacy import leaks_in, output_text, personal_values


def test_quarter_report_is_written_and_holds_no_personal_value(
    two_months: tuple[Path, Path],
) -> None:
    config, out = two_months
    result = CliRunner().invoke(app, ["report", "--config", str(config), "--quarter", "2026-Q4"])
    assert result.exit_code == 0, result.output
    folder = out / "reports" / "2026-Q4"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.xlsx"]
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["months"] == ["2026-10", "2026-11"] and report["months_missing"] == ["2026-12"]
    served = report["people_served"]["all"]
    november = json.loads(document(out, "2026-11", "report.json").read_text())
    assert served >= november["beneficiaries"]["total"]  # once each, over both months
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Period report — 2026-Q4" in page and "<script" not in page and f"{served:,}" in page
    book = openpyxl.load_workbook(folder / "report.xlsx", read_only=True)
    assert book.sheetnames == [
        "Summary",
        "Flows",
        "By month",
        "Officers",
        "Breakdowns",
        "Definitions",
    ]
    book.close()
    needles = personal_values()
    texts = [output_text(folder / "report.html"), output_text(folder / "report.json")]
    assert not [leaks_in(t, needles) for t in texts if leaks_in(t, needles)]


def test_naming_no_period_is_a_usage_error(two_months: tuple[Path, Path]) -> None:
    config, _ = two_months
    result = CliRunner().invoke(app, ["report", "--config", str(config)])
    assert result.exit_code == 2 and "name one period" in result.output
