"""Months are merged in order, or rebuilt in order: a month run out of order, or after a
skipped month, is refused with one line; `benelink rebuild --from` runs them again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tests.helpers import SAMPLE, table_file
from tests.hostile.harness import MONTH, Workspace, assert_clean_failure, assert_no_leak


@dataclass(frozen=True)
class Case:
    name: str


CASES = [
    Case("earlier_month_after_a_later_one"),
    Case("a_skipped_month_with_files"),
    Case("rebuild_from_a_month_runs_every_later_month"),
    Case("first_month_of_a_series_may_start_anywhere"),
]


def _ids(out: Path, month: str) -> pd.DataFrame:
    records = pd.read_parquet(table_file(out, month, "records"))
    return records[["record_token", "beneficiary_id"]].sort_values(
        "record_token", ignore_index=True
    )


def test_an_earlier_month_after_a_later_one_is_refused(tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    assert ws.run().exit_code == 0
    before = ws.guarded()
    october_folder = ws.root / "incoming" / "2026-10"
    shutil.copytree(SAMPLE / "2026-10", october_folder)
    result = ws.run("2026-10")
    assert_clean_failure(
        result,
        2,
        ("snapshot of 2026-11", "benelink rebuild --from 2026-10"),
        before=before,
        workspace=ws,
    )


def test_a_month_after_a_skipped_month_with_files_is_refused(tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)  # October done; November has files, not run
    shutil.copytree(ws.folder, ws.root / "incoming" / "2026-12")
    before = ws.guarded()
    result = ws.run("2026-12")
    assert_clean_failure(
        result,
        2,
        ("2026-11 has partner files", "no snapshot", "run 2026-11 first"),
        before=before,
        workspace=ws,
    )


def test_rebuild_from_a_month_runs_it_and_every_later_month(tmp_path: Path) -> None:
    in_order = Workspace.create(tmp_path / "in-order", None, month_files=False)
    shutil.rmtree(in_order.root / "incoming")
    shutil.copytree(SAMPLE, in_order.root / "incoming", ignore=shutil.ignore_patterns("*.csv.gz"))
    for month in ("2026-10", "2026-11"):
        assert in_order.run(month).exit_code == 0
    wrong = Workspace.create(tmp_path / "wrong", None, month_files=False)
    shutil.rmtree(wrong.root / "incoming")
    shutil.copytree(SAMPLE, wrong.root / "incoming")
    assert wrong.run("2026-11").exit_code == 0  # a series may start anywhere
    refused = wrong.run("2026-10")
    assert refused.exit_code == 2
    rebuilt = wrong.invoke("rebuild", "--from", "2026-10")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "2026-10, 2026-11" in rebuilt.stdout
    for month in ("2026-10", "2026-11"):
        pd.testing.assert_frame_equal(_ids(in_order.out, month), _ids(wrong.out, month))
    assert_no_leak(rebuilt, wrong.out)


def test_the_first_month_of_a_series_may_start_anywhere(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path, None)  # no snapshot yet: November is the first month
    shutil.copytree(SAMPLE / "2026-10", ws.root / "incoming" / "2026-10")
    result = ws.run(MONTH)
    assert result.exit_code == 0, result.output
