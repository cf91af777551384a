"""The clerical review loop through the CLI: run, decide in the spreadsheet, apply, run again."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from benelink.cli import app
from tests.helpers import SAMPLE, TEST_KEY, config_for, document, table_file

pytestmark = pytest.mark.cli  # runs benelink through its command line

runner = CliRunner()
ENV = {"BENELINK_KEY": TEST_KEY}


def _run(config: Path) -> None:
    result = runner.invoke(
        app, ["run", "--config", str(config), "--month", "2026-11", "--quiet"], env=ENV
    )
    assert result.exit_code == 0, result.output


def test_decisions_carry_into_the_next_run(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml")
    _run(config)
    folder = tmp_path / "out" / "restricted" / "review" / "month=2026-11"
    book = load_workbook(folder / "review.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row >= 3, "the sample should leave at least two doubtful pairs"
    col = {name: header.index(name) + 1 for name in ("decision", "left_token", "right_token")}
    accepted = (sheet.cell(2, col["left_token"]).value, sheet.cell(2, col["right_token"]).value)
    rejected = (sheet.cell(3, col["left_token"]).value, sheet.cell(3, col["right_token"]).value)
    sheet.cell(2, col["decision"], "accept")
    sheet.cell(3, col["decision"], "reject")
    book.save(folder / "review.xlsx")

    applied = runner.invoke(
        app, ["review", "apply", str(folder / "review.xlsx"), "--config", str(config)]
    )
    assert applied.exit_code == 0, applied.output
    assert "1 accepted and 1 rejected" in applied.output
    _run(config)

    out = tmp_path / "out"
    records = pd.read_parquet(table_file(out, "2026-11", "records")).set_index("record_token")
    assert records.loc[accepted[0], "beneficiary_id"] == records.loc[accepted[1], "beneficiary_id"]
    assert records.loc[rejected[0], "beneficiary_id"] != records.loc[rejected[1], "beneficiary_id"]
    assert records.loc[accepted[0], "decided_by"] == "reviewed"
    links = pd.read_parquet(table_file(out, "2026-11", "links"))
    assert (links["decided_by"] == "reviewed").sum() == 2
    report = json.loads(document(out, "2026-11", "report.json").read_text())
    assert report["review"]["decisions_applied"] == {"accept": 1, "reject": 1}
    assert "1 accepted, 1 rejected" in document(out, "2026-11", "report.html").read_text()
