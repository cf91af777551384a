from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from benelink.io.snapshot import (
    month_dir,
    previous_month_dir,
    read_json,
    remove_incomplete,
    to_table,
    write_rejects,
    write_snapshot,
)


def _table() -> object:
    return to_table(pd.DataFrame({"a": [1, 2], "level_x": [0, 1]}), {"a": "The a column."}, "t")


def test_snapshot_carries_descriptions_and_zstd(tmp_path: Path) -> None:
    folder = write_snapshot(
        tmp_path, "2026-11", {"t": _table()}, {"manifest.json": {"month": "2026-11"}}
    )
    assert folder == month_dir(tmp_path, "2026-11")
    schema = pq.read_schema(folder / "t.parquet")
    assert schema.field("a").metadata[b"description"] == b"The a column."
    assert b"Comparison level" in schema.field("level_x").metadata[b"description"]
    meta = pq.ParquetFile(folder / "t.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert read_json(folder / "manifest.json") == {"month": "2026-11"}


def test_rewrite_replaces_whole_folder_and_leaves_no_temporaries(tmp_path: Path) -> None:
    write_snapshot(tmp_path, "2026-11", {"t": _table(), "old": _table()}, {})
    write_snapshot(tmp_path, "2026-11", {"t": _table()}, {})
    snapshots = tmp_path / "snapshots"
    assert [p.name for p in snapshots.iterdir()] == ["month=2026-11"]
    assert sorted(p.name for p in (snapshots / "month=2026-11").iterdir()) == ["t.parquet"]


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    snapshots = tmp_path / "snapshots"
    (snapshots / ".incomplete-month=2026-11-abcd1234").mkdir(parents=True)
    retired = snapshots / ".replaced-month=2026-10-abcd1234"
    retired.mkdir()
    (retired / "manifest.json").write_text("{}")
    remove_incomplete(snapshots)
    # a snapshot caught between its two renames is put back
    assert sorted(p.name for p in snapshots.iterdir()) == ["month=2026-10"]


def test_previous_month_is_the_latest_complete_earlier_one(tmp_path: Path) -> None:
    for month in ("2026-09", "2026-10", "2026-12"):
        write_snapshot(tmp_path, month, {}, {"manifest.json": {}})
    (tmp_path / "snapshots" / "month=2026-08").mkdir()  # no manifest: not complete
    assert previous_month_dir(tmp_path, "2026-11") == month_dir(tmp_path, "2026-10")
    assert previous_month_dir(tmp_path, "2026-09") is None


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
