from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from benelink.io.snapshot import (
    migrate_layout,
    month_dir,
    previous_month_dir,
    read_json,
    read_table,
    remove_incomplete,
    snapshot_months,
    to_table,
    write_rejects,
    write_snapshot,
)


def _table() -> object:
    return to_table(pd.DataFrame({"a": [1, 2], "level_x": [0, 1]}), {"a": "The a column."}, "t")


def _people(month: str) -> object:
    frame = pd.DataFrame({"beneficiary_id": ["B-1", "B-2"], "birth_year": [1980, None]})
    frame = frame.astype({"birth_year": "Int64"}).assign(first_seen_month=month)
    return to_table(frame, {"beneficiary_id": "The person's id."}, "beneficiaries")


def test_snapshot_carries_descriptions_and_zstd(tmp_path: Path) -> None:
    folder = write_snapshot(
        tmp_path, "2026-11", {"t": _table()}, {"manifest.json": {"month": "2026-11"}}
    )
    assert folder == month_dir(tmp_path, "2026-11") == tmp_path / "reports" / "month=2026-11"
    path = tmp_path / "snapshots" / "t" / "month=2026-11" / "t.parquet"
    schema = pq.read_schema(path)
    assert schema.field("a").metadata[b"description"] == b"The a column."
    assert b"Comparison level" in schema.field("level_x").metadata[b"description"]
    meta = pq.ParquetFile(path).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert read_json(folder / "manifest.json") == {"month": "2026-11"}
    assert read_table(folder, "t")["a"].tolist() == [1, 2]


def test_every_month_of_a_table_loads_in_one_call_with_nullable_integers(tmp_path: Path) -> None:
    for month in ("2026-10", "2026-11"):
        write_snapshot(tmp_path, month, {"beneficiaries": _people(month)}, {"manifest.json": {}})
    people = pd.read_parquet(tmp_path / "snapshots" / "beneficiaries")
    assert len(people) == 4 and sorted(people["month"].astype(str).unique()) == [
        "2026-10",
        "2026-11",
    ]
    assert str(people["birth_year"].dtype) == "Int64"
    # a run's hidden staging is never inside a table's folder, where a glob would meet it
    assert [p.name for p in (tmp_path / "snapshots" / "beneficiaries").iterdir()] == [
        "month=2026-10",
        "month=2026-11",
    ]


def test_the_dictionary_and_the_duckdb_views_are_written_beside_the_tables(
    tmp_path: Path,
) -> None:
    write_snapshot(tmp_path, "2026-11", {"beneficiaries": _people("2026-11")}, {})
    rows = pd.read_csv(tmp_path / "snapshots" / "dictionary.csv")
    assert rows.columns.tolist() == ["table", "column", "type", "description"]
    assert rows["column"].tolist() == ["beneficiary_id", "birth_year", "first_seen_month", "month"]
    assert rows.loc[0, "description"] == "The person's id."
    sql = (tmp_path / "snapshots" / "benelink.sql").read_text(encoding="utf-8")
    assert "CREATE OR REPLACE VIEW beneficiaries" in sql
    assert """COMMENT ON COLUMN beneficiaries."beneficiary_id" IS 'The person''s id.';""" in sql


def test_rewrite_replaces_each_table_month_and_leaves_no_temporaries(tmp_path: Path) -> None:
    write_snapshot(tmp_path, "2026-11", {"t": _table()}, {"manifest.json": {"n": 1}})
    write_snapshot(tmp_path, "2026-11", {"t": _table()}, {"manifest.json": {"n": 2}})
    snapshots = tmp_path / "snapshots"
    assert sorted(p.name for p in snapshots.iterdir()) == ["benelink.sql", "dictionary.csv", "t"]
    assert [p.name for p in (snapshots / "t").iterdir()] == ["month=2026-11"]
    assert sorted(p.name for p in (snapshots / "t" / "month=2026-11").iterdir()) == ["t.parquet"]
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["month=2026-11"]
    assert read_json(month_dir(tmp_path, "2026-11") / "manifest.json") == {"n": 2}


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    snapshots = tmp_path / "snapshots"
    (snapshots / ".incomplete-month=2026-11-abcd1234").mkdir(parents=True)
    retired = snapshots / ".replaced-month=2026-10-abcd1234"
    retired.mkdir()
    (retired / "manifest.json").write_text("{}")
    # a table's month staged beside the tables names its place with ~
    (snapshots / ".incomplete-records~month=2026-11-abcd1234").mkdir()
    table = snapshots / ".replaced-records~month=2026-10-abcd1234"
    table.mkdir()
    remove_incomplete(snapshots)
    # a piece caught between its two renames is put back
    assert sorted(p.name for p in snapshots.iterdir()) == ["month=2026-10", "records"]
    assert (snapshots / "records" / "month=2026-10").is_dir()


def test_previous_month_is_the_latest_complete_earlier_one(tmp_path: Path) -> None:
    for month in ("2026-09", "2026-10", "2026-12"):
        write_snapshot(tmp_path, month, {}, {"manifest.json": {}})
    (tmp_path / "reports" / "month=2026-08").mkdir()  # no manifest: not complete
    assert previous_month_dir(tmp_path, "2026-11") == month_dir(tmp_path, "2026-10")
    assert previous_month_dir(tmp_path, "2026-09") is None


def _legacy(out: Path, month: str) -> Path:
    """A month as release 0.1 wrote it: tables and documents in one folder."""
    folder = out / "snapshots" / f"month={month}"
    folder.mkdir(parents=True)
    pq.write_table(_people(month), folder / "beneficiaries.parquet")
    (folder / "report.json").write_text(json.dumps({"month": month}))
    (folder / "manifest.json").write_text("{}")
    return folder


def test_an_output_folder_of_release_0_1_is_read_and_then_moved(tmp_path: Path) -> None:
    legacy = _legacy(tmp_path, "2026-09")
    write_snapshot(
        tmp_path, "2026-10", {"beneficiaries": _people("2026-10")}, {"manifest.json": {}}
    )
    assert snapshot_months(tmp_path) == ["2026-09", "2026-10"]
    assert month_dir(tmp_path, "2026-09") == legacy  # read where it is, before a run moves it
    assert read_table(legacy, "beneficiaries")["first_seen_month"].tolist() == ["2026-09"] * 2

    assert migrate_layout(tmp_path) == ["2026-09"]
    assert not legacy.exists()
    assert snapshot_months(tmp_path) == ["2026-09", "2026-10"]
    assert read_json(month_dir(tmp_path, "2026-09") / "report.json") == {"month": "2026-09"}
    people = pd.read_parquet(tmp_path / "snapshots" / "beneficiaries")
    assert sorted(people["month"].astype(str).unique()) == ["2026-09", "2026-10"]
    assert migrate_layout(tmp_path) == []


def test_a_migration_stopped_half_way_is_still_read_and_finished(tmp_path: Path) -> None:
    legacy = _legacy(tmp_path, "2026-09")
    target = tmp_path / "snapshots" / "beneficiaries" / "month=2026-09"
    target.mkdir(parents=True)
    (legacy / "beneficiaries.parquet").rename(target / "beneficiaries.parquet")  # then killed
    assert snapshot_months(tmp_path) == ["2026-09"]
    assert len(read_table(month_dir(tmp_path, "2026-09"), "beneficiaries")) == 2
    assert migrate_layout(tmp_path) == ["2026-09"]
    assert (tmp_path / "reports" / "month=2026-09" / "manifest.json").is_file()
    assert (tmp_path / "snapshots" / "dictionary.csv").is_file()


def test_rejects_cells_that_would_start_a_formula_are_defused(tmp_path: Path) -> None:
    rejects = pd.DataFrame(
        {
            "source": ["s", "s", "s", "s"],
            "row_number": [2, 3, 4, 5],
            "column": ["sex", "sex", "sex", "sex"],
            "reason": ["invalid_sex"] * 4,
            "action": ["value_dropped"] * 4,
            "masked_value": ["=1+1", "+1", "-", "M"],
        }
    ).astype({"masked_value": "string"})
    path = write_rejects(tmp_path, "2026-11", rejects)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["masked_value"].tolist() == ["'=1+1", "'+1", "'-", "M"]
    assert back["row_number"].tolist() == ["2", "3", "4", "5"]
