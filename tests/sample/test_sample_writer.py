"""Files on disk: readable by the usual tools, and identical for the same seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from benelink.sample import Sample, build_sample, generate_sample, write_sample

MONTHS = ("2026-10", "2026-11")


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample(300, 5, MONTHS)


def test_round_trip_through_files(sample: Sample, tmp_path: Path) -> None:
    summary = write_sample(sample, tmp_path)
    assert summary.truth_rows == len(sample.truth)
    for month in MONTHS:
        folder = tmp_path / month
        assert sorted(p.name for p in folder.iterdir()) == [
            "jobseekers.csv",
            "naf.xlsx",
            "unhcr.csv",
        ]
        for source in ("unhcr", "jobseekers"):
            read = pd.read_csv(folder / f"{source}.csv", dtype=str, keep_default_na=False)
            expected = sample.extracts[month][source].fillna("").astype(str)
            pd.testing.assert_frame_equal(read, expected)
            assert summary.rows[month][source] == len(read)
        book = load_workbook(folder / "naf.xlsx", read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        frame = sample.extracts[month]["naf"]
        assert list(rows[0]) == list(frame.columns)
        assert len(rows) - 1 == len(frame) == summary.rows[month]["naf"]
        dob = [r[7] for r in rows[1:]]
        assert any(isinstance(v, dt.datetime) for v in dob)  # real Excel date cells
        assert any(isinstance(v, str) for v in dob)  # and some typed as text
        assert any(isinstance(r[1], int) for r in rows[1:])  # national numbers pasted as numbers
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert list(truth.columns) == ["source", "source_record_id", "person_id"]
    assert len(truth) == summary.truth_rows


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    generate_sample(tmp_path / "a", 60, 3, MONTHS)
    generate_sample(tmp_path / "b", 60, 3, MONTHS)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert len(files) == 7
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert b"\r\n" not in (tmp_path / "a" / "2026-10" / "unhcr.csv").read_bytes()
