"""Columns of beneficiaries.parquet that need no linkage to test."""

from __future__ import annotations

import pandas as pd

from benelink.pipelines.outputs import age_in_year


def test_age_depends_on_the_birth_year_and_the_snapshot_year_only() -> None:
    years = pd.Series([1990, None, 2000], dtype="Int64")
    ages = [age_in_year(years, month).tolist() for month in ("2026-01", "2026-06", "2026-12")]
    assert ages[0] == ages[1] == ages[2] == [36, pd.NA, 26]  # never ticks up mid-year
    assert age_in_year(years, "2027-01").tolist() == [37, pd.NA, 27]  # everyone in January
    assert str(age_in_year(years, "2026-11").dtype) == "Int64"
