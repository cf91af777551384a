"""Locality: made comparable without a gazetteer (case, punctuation, Arabic letter variants)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.pipelines.standardize import standardize
from benelink.standardize.places import locality


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Al-Hashmi  Al-Shamali ", "al hashmi al shamali"),
        ("AL HASHMI, AL SHAMALI", "al hashmi al shamali"),
        ("Cleveland 2119", "cleveland 2119"),
        ("الهاشمي الشمالي", "الهاشمي الشمالي"),
        ("ٱلهاشمي", "الهاشمي"),
        (" - ", None),
    ],
)
def test_locality(raw: str, expected: str | None) -> None:
    assert locality(raw) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_locality_is_idempotent(raw: str) -> None:
    once = locality(raw)
    assert once is None or locality(once) == once


def test_standardize_carries_locality_and_leaves_it_empty_when_unmapped() -> None:
    frame = pd.DataFrame(
        {
            "source": ["naf", "naf"],
            "source_record_id": ["1", "2"],
            "row_number": ["2", "3"],
            "first_name": ["محمد", "احمد"],
            "locality": ["Al-Hashmi", None],
        },
        dtype="string",
    )
    out = standardize(frame, "naf")
    assert out["locality"].tolist()[0] == "al hashmi"
    assert out["locality"].isna().tolist() == [False, True]
    unmapped = standardize(frame.drop(columns="locality"), "naf")
    assert unmapped["locality"].isna().all()
    assert str(unmapped["locality"].dtype) == "string"
