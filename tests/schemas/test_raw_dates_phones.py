"""The date and phone rules of validation accept exactly what standardisation reads: a
value validation keeps is a value standardisation uses, every other one is dropped and
counted; phones outside the library's ranges, or several in a cell, are kept and counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.pipelines.ingest import SourceFile
from benelink.pipelines.validate import validate_source
from benelink.schemas.raw import (
    EARLIEST_BIRTH_YEAR,
    is_date,
    is_plausible_birth,
    is_registration_date,
)
from benelink.standardize.dates import earliest_date, iso_date, parse_date
from benelink.standardize.phones import e164

TODAY = date(2026, 11, 15)
MONTHS = ("Mar", "march", "آذار", "كانون الثاني", "تشرين أول", "إبريل", "يونيه", "Mai", "كانون")
PIECES = st.one_of(
    st.integers(0, 3000).map(str),
    st.sampled_from([*MONTHS, "/", "-", ".", " ", "T10:20", "م", "٠٧", "١٩٩٠", "of", "x"]),
)
TEXTS = st.one_of(
    st.lists(PIECES, min_size=1, max_size=6).map("".join),
    st.lists(PIECES, min_size=1, max_size=6).map(" ".join),
    st.text(max_size=16),
)


def _birth_kept(text: str) -> bool:
    """What validation keeps of a date of birth: a date, not before 1900, not after today."""
    when = earliest_date(text)
    return is_date(text) and is_plausible_birth(text) and when is not None and when <= TODAY


@given(TEXTS)
def test_a_date_of_birth_validation_keeps_is_one_standardisation_reads(text: str) -> None:
    parsed = parse_date(text)
    if _birth_kept(text):
        assert parsed is not None
    elif parsed is not None:  # read, yet dropped: only for being after the day of the run
        when = earliest_date(text)
        assert when is not None and when > TODAY and when.year >= EARLIEST_BIRTH_YEAR


@given(TEXTS)
def test_a_registration_date_validation_keeps_is_one_standardisation_reads(text: str) -> None:
    assert is_registration_date(text) == (iso_date(text) is not None)


def _source(kind: str, values: dict[str, list[str | None]]) -> SourceFile:
    n = len(next(iter(values.values())))
    body = {
        "source": [kind] * n,
        "source_record_id": [f"R{i}" for i in range(n)],
        "first_name": ["Ahmad"] * n,
        **values,
    }
    if kind == "naf":
        body["national_number"] = [f"98712345{i:02d}" for i in range(n)]
    if kind == "unhcr":
        body["unhcr_individual_id"] = [f"945-0001234{i}" for i in range(n)]
    frame = pd.DataFrame(body).astype("string[pyarrow]")
    frame.insert(1, "row_number", range(2, n + 2))
    return SourceFile(kind, kind, Path(f"{kind}.csv"), "0" * 64, n, frame)  # type: ignore[arg-type]


BIRTHS = [
    "12 Mar 1990",
    "March 12, 1990",
    "12-MAR-90",
    "12 كانون الثاني 1990",
    "١٢ تشرين الأول ١٩٩٠",
    "12 أيار 1990",
    "12 إبريل 1990",
    "12 يونيه 1990",
    "12/03/90",
    "19900312",
    "1990/03-12",
    "31245",
]


@pytest.mark.parametrize("kind", ["naf", "unhcr", "jobseekers"])
def test_dates_written_with_month_names_are_kept(kind: str) -> None:
    checked = validate_source(
        _source(kind, {"date_of_birth": BIRTHS, "registration_date": BIRTHS}), today=TODAY
    )
    assert checked.rejects.empty, checked.rejects[["column", "reason"]].to_string()
    assert checked.valid["date_of_birth"].tolist() == BIRTHS


def test_dates_benelink_cannot_read_are_dropped_and_counted() -> None:
    values: list[str | None] = ["12 Mai 1990", "1850", "12 Mar 2030", "2019", None]
    checked = validate_source(
        _source("jobseekers", {"date_of_birth": values, "registration_date": values}), today=TODAY
    )
    found = sorted(zip(checked.rejects["column"], checked.rejects["reason"], strict=True))
    assert found == [
        ("date_of_birth", "date_of_birth_implausible"),
        ("date_of_birth", "date_of_birth_in_future"),
        ("date_of_birth", "invalid_date_of_birth"),
        ("registration_date", "invalid_registration_date"),  # 12 Mai 1990
        ("registration_date", "invalid_registration_date"),  # 1850: outside 1900-2100
        ("registration_date", "invalid_registration_date"),  # 2019: a year is no full date
    ]
    assert set(checked.rejects["action"]) == {"value_dropped"}


def test_phones_outside_the_known_ranges_or_several_in_a_cell_are_kept_and_counted() -> None:
    phones: list[str | None] = [
        "0791234567",
        "0773123456",  # possible, not in the library's ranges
        "0791234567 / 0781234567",
        "٠٧٨٤١٢٣٤٥٦",  # unlisted too, in Arabic-Indic digits
        "12345",
        None,
    ]
    checked = validate_source(_source("naf", {"phone": phones}), today=TODAY)
    rejects = checked.rejects
    found = sorted(zip(rejects["row_number"], rejects["reason"], rejects["action"], strict=True))
    assert found == [
        (3, "phone_not_in_known_ranges", "value_kept"),
        (4, "phone_several_numbers", "value_kept"),
        (5, "phone_not_in_known_ranges", "value_kept"),
        (6, "invalid_phone", "value_dropped"),
    ]
    assert checked.rejected_rows == 0 and checked.reject_rate == 0.0
    kept = checked.valid["phone"].tolist()
    assert [e164(p) if isinstance(p, str) else None for p in kept] == [
        "+962791234567",
        "+962773123456",
        "+962791234567",
        "+962784123456",
        None,
        None,
    ]
    for value in rejects["masked_value"]:
        assert "3123456" not in value and "4123456" not in value and "1234567" not in value
