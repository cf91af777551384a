"""The clerical review loop through the CLI: run, decide in the spreadsheet, apply, run again."""

from __future__ import annotations

import hashlib
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


def _typed(folder: Path, cells: dict[int, dict[str, str]]) -> list[tuple[str, str]]:
    """Type into the month's review.xlsx as a reviewer would; the pairs typed on."""
    book = load_workbook(folder / "review.xlsx")
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    pairs = []
    for row, typed in cells.items():
        for name, value in typed.items():
            sheet.cell(row, header.index(name) + 1, value)
        pairs.append(
            (
                sheet.cell(row, header.index("left_token") + 1).value,
                sheet.cell(row, header.index("right_token") + 1).value,
            )
        )
    book.save(folder / "review.xlsx")
    return pairs


def test_apply_records_who_decided_when_and_keeps_the_file(tmp_path: Path) -> None:
    from benelink.io.runlog import os_user

    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml")
    _run(config)
    first = document(tmp_path / "out", "2026-11", "report.json")
    queued = json.loads(first.read_text())["review"]["queue"]
    folder = tmp_path / "out" / "restricted" / "review" / "month=2026-11"
    _typed(
        folder,
        {
            2: {"decision": "قبول", "reviewer": "Suha Haddad", "decided_on": "29/11/2026"},
            3: {"decision": "not sure", "reviewer": "Suha Haddad"},
            4: {"decision": "reject"},
        },
    )
    applied = runner.invoke(
        app, ["review", "apply", str(folder / "review.xlsx"), "--config", str(config)]
    )
    assert applied.exit_code == 0, applied.output
    assert "1 accepted and 1 rejected; 1 not sure and" in applied.output
    store = pd.read_parquet(tmp_path / "out" / "state" / "decisions.parquet")
    by_decision = store.set_index("decision")
    assert by_decision.loc["accept", "reviewer"] == "Suha Haddad"
    assert by_decision.loc["accept", "decided_on"] == "2026-11-29"
    assert by_decision.loc["reject", "reviewer"] == os_user()  # none typed: who applied it
    assert set(store["applied_by"]) == {os_user()}
    kept = tmp_path / "out" / store.loc[0, "file"]
    assert kept.parent.name == "month=2026-11" and kept.parent.parent.name == "applied"
    data = kept.read_bytes()
    assert data == (folder / "review.xlsx").read_bytes()
    assert store.loc[0, "file_sha256"] == hashlib.sha256(data).hexdigest()

    _run(config)
    report = json.loads(document(tmp_path / "out", "2026-11", "report.json").read_text())
    by_reviewer = sorted(report["review"]["decisions_by_reviewer"], key=lambda r: r["accept"])
    assert by_reviewer == [
        {"month": "2026-11", "reviewer": os_user(), "accept": 0, "reject": 1},
        {"month": "2026-11", "reviewer": "Suha Haddad", "accept": 1, "reject": 0},
    ]
    html = document(tmp_path / "out", "2026-11", "report.html").read_text()
    assert "<td>Suha Haddad</td>" in html
    # the two decided pairs leave the queue; the one marked not sure stays
    assert report["review"]["queue"] == queued - 2


def test_a_rerun_carries_what_was_typed_and_not_applied(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml")
    _run(config)
    folder = tmp_path / "out" / "restricted" / "review" / "month=2026-11"
    typed = _typed(
        folder,
        {3: {"decision": "accept", "reviewer": "Omar"}, 5: {"note": "check the family book"}},
    )
    _run(config)  # the same month again, nothing applied
    queue = pd.read_csv(folder / "review.csv", dtype=str, keep_default_na=False)
    by_pair = queue.set_index(["left_token", "right_token"])
    assert by_pair.loc[typed[0], ["decision", "reviewer"]].tolist() == ["accept", "Omar"]
    assert by_pair.loc[typed[1], "note"] == "check the family book"
    report = json.loads(document(tmp_path / "out", "2026-11", "report.json").read_text())
    assert report["review"]["carried_over"] == 2
    # the workbook holds them too, and applying it records the carried decision
    applied = runner.invoke(
        app, ["review", "apply", str(folder / "review.xlsx"), "--config", str(config)]
    )
    assert applied.exit_code == 0, applied.output
    assert "decided 1 pair(s): 1 accepted" in applied.output
