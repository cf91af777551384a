"""Validation: each rule on a 3-row frame, lazy collection, actions, masked messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benelink.errors import BenelinkError
from benelink.pipelines.ingest import SourceFile
from benelink.pipelines.validate import (
    REJECT_COLUMNS,
    ValidatedSource,
    reject_limit_message,
    validate_source,
)
from benelink.schemas.columns import SourceKind
from benelink.schemas.raw import earliest_date

TODAY = date(2026, 11, 15)
GOOD: dict[SourceKind, dict[str, str]] = {
    "naf": {
        "source_record_id": "N1",
        "first_name": "محمد",
        "family_name": "العلي",
        "national_number": "9871234567",
        "sex": "ذكر",
        "date_of_birth": "1990-05-17",
        "phone": "0791234567",
    },
    "unhcr": {
        "source_record_id": "945-00012345",
        "unhcr_individual_id": "945-00012345",
        "unhcr_case_id": "945-12C00456",
        "first_name": "Ahmad",
        "sex": "M",
        "date_of_birth": "17/05/1990",
        "registration_date": "2024-01-31",
    },
    "jobseekers": {
        "source_record_id": "S1",
        "full_name": "Fatima Al-Khatib",
        "national_number": "2000123456",
        "sex": "Female",
        "phone": "+962 79 123 4567",
    },
}


def _source(kind: SourceKind, *changes: dict[str, str | None]) -> SourceFile:
    """Three good rows of ``kind`` with distinct ids; ``changes[i]`` overrides row i."""
    rows = []
    for i in range(3):
        row: dict[str, str | None] = {**GOOD[kind], "source_record_id": f"R{i + 1}"}
        if kind == "unhcr":
            row["unhcr_individual_id"] = f"945-0001234{i}"
        if i < len(changes):
            row.update(changes[i])
        rows.append(row)
    body = pd.DataFrame(rows).astype("string[pyarrow]")  # as ingest leaves it
    frame = pd.concat(
        [
            pd.DataFrame(
                {"source": pd.array([kind] * 3, dtype="string[pyarrow]"), "row_number": [2, 3, 4]}
            ),
            body,
        ],
        axis=1,
    )
    return SourceFile(kind, kind, Path(f"{kind}.csv"), "0" * 64, 3, frame)


def _reasons(v: ValidatedSource) -> list[tuple[int, str, str, str]]:
    return [
        (int(r.row_number), str(r.column), str(r.reason), str(r.action))
        for r in v.rejects.itertuples()
    ]


def test_clean_sources_pass_untouched() -> None:
    for kind in GOOD:
        source = _source(kind)
        v = validate_source(source, today=TODAY)
        assert v.rejects.empty and list(v.rejects.columns) == list(REJECT_COLUMNS)
        pd.testing.assert_frame_equal(v.valid, source.frame)
        assert v.reject_rate == 0.0


@pytest.mark.parametrize(
    ("kind", "column", "value", "reason", "action"),
    [
        ("naf", "source_record_id", None, "missing_record_id", "row_rejected"),
        ("unhcr", "source_record_id", None, "missing_record_id", "row_rejected"),
        ("jobseekers", "source_record_id", None, "missing_record_id", "row_rejected"),
        ("naf", "national_number", None, None, None),  # a weaker record, not a bad one
        ("naf", "national_number", "98712345", "invalid_national_number", "value_dropped"),
        ("naf", "national_number", "987-123-4567", None, None),
        ("naf", "national_number", "9871234567.0", None, None),
        ("naf", "national_number", "٩٨٧١٢٣٤٥٦٧", None, None),
        (
            "naf",
            "national_number",
            "9.87E+09",
            "national_number_in_scientific_notation",
            "value_dropped",
        ),
        ("jobseekers", "national_number", "12345", "invalid_national_number", "value_dropped"),
        ("naf", "date_of_birth", "31/31/1990", "invalid_date_of_birth", "value_dropped"),
        ("naf", "date_of_birth", "yesterday", "invalid_date_of_birth", "value_dropped"),
        ("naf", "date_of_birth", "2030-01-01", "date_of_birth_in_future", "value_dropped"),
        ("naf", "date_of_birth", "1850", "date_of_birth_implausible", "value_dropped"),
        ("naf", "date_of_birth", "05.12.1988", None, None),
        ("naf", "date_of_birth", "1988/12/05", None, None),
        ("naf", "date_of_birth", "1988-12-05 00:00:00", None, None),
        ("naf", "date_of_birth", "1988", None, None),
        ("naf", "date_of_birth", "32874", None, None),  # Excel serial of 1990-01-01
        ("unhcr", "registration_date", "31.02.2024", "invalid_registration_date", "value_dropped"),
        ("unhcr", "unhcr_individual_id", None, None, None),
        ("unhcr", "unhcr_individual_id", "945_ABC", "invalid_unhcr_id", "value_dropped"),
        ("unhcr", "unhcr_case_id", "C1", "invalid_unhcr_case_id", "value_dropped"),
        ("naf", "phone", "079123", "invalid_phone", "value_dropped"),
        ("naf", "phone", "0791234567890123", "invalid_phone", "value_dropped"),
        ("naf", "phone", "079 CALL ME", "invalid_phone", "value_dropped"),
        ("naf", "sex", "unknown", "invalid_sex", "value_dropped"),
        ("naf", "sex", "انثى", None, None),
        ("unhcr", "sex", "female", None, None),
        ("jobseekers", "sex", "2", None, None),
        ("naf", "first_name", "م" * 201, "over_long_value", "value_dropped"),
        ("naf", "source_record_id", "R" * 201, "over_long_value", "row_rejected"),
        ("naf", "first_name", "محمد\x00", "control_characters", "value_dropped"),
        ("naf", "national_number", "98712\x0034567", "control_characters", "value_dropped"),
        ("naf", "national_number", "9" * 201, "over_long_value", "value_dropped"),
        ("naf", "source_record_id", "R\x001", "control_characters", "row_rejected"),
    ],
)
def test_each_rule_on_a_three_row_frame(
    kind: SourceKind, column: str, value: str | None, reason: str | None, action: str | None
) -> None:
    v = validate_source(_source(kind, {}, {column: value}), today=TODAY)
    found = [r for r in _reasons(v) if r[2] != "missing_name"]
    if reason is None:
        assert found == [], "an accepted format was refused"
        assert len(v.valid) == 3
        return
    assert (3, column, reason, action) in found
    assert {r[0] for r in found} == {3}, "only the changed row is reported"
    if action == "row_rejected":
        assert v.valid["row_number"].tolist() == [2, 4]
    else:
        assert v.valid["row_number"].tolist() == [2, 3, 4]
        assert pd.isna(v.valid.loc[1, column])
        assert v.valid.loc[0, column] == _source(kind).frame.loc[0, column]


def test_name_checks_treat_dropped_parts_as_missing() -> None:
    v = validate_source(
        _source(
            "naf",
            {"first_name": None, "family_name": None, "national_number": None},
            {"first_name": "م" * 300, "family_name": None, "national_number": None},
            {"first_name": None, "national_number": None},
        ),
        today=TODAY,
    )
    rejected = v.rejects.loc[v.rejects["reason"] == "missing_name", "row_number"].tolist()
    assert rejected == [2, 3]
    assert v.valid["row_number"].tolist() == [4]


def test_duplicate_ids_reject_all_but_the_first() -> None:
    v = validate_source(
        _source(
            "naf", {"source_record_id": "X"}, {"source_record_id": "X"}, {"source_record_id": "X"}
        ),
        today=TODAY,
    )
    assert _reasons(v) == [
        (3, "source_record_id", "duplicate_record_id", "row_rejected"),
        (4, "source_record_id", "duplicate_record_id", "row_rejected"),
    ]
    assert v.valid["row_number"].tolist() == [2]
    assert v.reject_rate == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "retyped",
    [
        "N 000 123",
        "N-٠٠٠١٢٣",
        "N-۰۰۰۱۲۳",
        "N-000\u200b123",
        "N-000\u00ad123",
        "\u202bN-000123\u202c",
    ],
)
def test_an_id_typed_another_way_is_a_duplicate_on_the_later_row(retyped: str) -> None:
    """The duplicate check sees the id as the token does (``identifiers.record_id``)."""
    v = validate_source(
        _source("naf", {"source_record_id": "N-000123"}, {"source_record_id": retyped}),
        today=TODAY,
    )
    assert _reasons(v) == [(3, "source_record_id", "duplicate_record_id", "row_rejected")]
    masked = v.rejects["masked_value"].iloc[0]
    assert "000123" not in masked and "٠٠٠١٢٣" not in masked and "۰۰۰۱۲۳" not in masked
    assert v.valid["row_number"].tolist() == [2, 4]


@pytest.mark.parametrize("typed", ["٩٤٥-٠٠٠١٢٣٤٥", "۹۴۵-۰۰۰۱۲۳۴۵", "945-\u200b00012345"])
def test_a_unhcr_id_in_another_script_is_a_unhcr_id(typed: str) -> None:
    """UNHCR's record id is its individual id: digits of another script or an invisible
    character must not reject the record that the token would recognise."""
    v = validate_source(
        _source("unhcr", {"source_record_id": typed, "unhcr_individual_id": typed}), today=TODAY
    )
    assert _reasons(v) == []


def test_an_id_of_nothing_but_dashes_and_invisibles_is_missing() -> None:
    v = validate_source(_source("naf", {"source_record_id": "-\u200b-"}), today=TODAY)
    assert _reasons(v) == [(2, "source_record_id", "missing_record_id", "row_rejected")]


def test_every_failure_is_collected_at_once() -> None:
    v = validate_source(
        _source(
            "naf",
            {"national_number": "9.87e+09", "phone": "1", "sex": "?"},
            {"source_record_id": None, "date_of_birth": "2999-01-01"},
            {
                "first_name": None,
                "family_name": None,
                "national_number": "98712",
                "date_of_birth": "not a date",
            },
        ),
        today=TODAY,
    )
    assert _reasons(v) == [
        (2, "national_number", "national_number_in_scientific_notation", "value_dropped"),
        (2, "phone", "invalid_phone", "value_dropped"),
        (2, "sex", "invalid_sex", "value_dropped"),
        (3, "date_of_birth", "date_of_birth_in_future", "value_dropped"),
        (3, "source_record_id", "missing_record_id", "row_rejected"),
        (4, "date_of_birth", "invalid_date_of_birth", "value_dropped"),
        (4, "first_name", "missing_name", "row_rejected"),
        (4, "national_number", "invalid_national_number", "value_dropped"),
    ]
    # row 2 keeps its name and loses its bad values; row 4's only identifier was invalid
    assert v.valid["row_number"].tolist() == [2]
    assert v.valid[["national_number", "phone", "sex"]].isna().all(axis=None)
    assert v.reject_rate == pytest.approx(2 / 3)


def test_masked_values_hide_personal_values_and_show_the_rest() -> None:
    v = validate_source(
        _source("naf", {"national_number": "98712345", "sex": "Unknown"}), today=TODAY
    )
    masked = dict(zip(v.rejects["column"], v.rejects["masked_value"], strict=True))
    assert masked == {"national_number": "<digits, length=8>", "sex": "Unknown"}


def test_validate_does_not_mutate_its_input() -> None:
    source = _source("naf", {"phone": "1"})
    before = source.frame.copy()
    validate_source(source, today=TODAY)
    pd.testing.assert_frame_equal(source.frame, before)


def test_reject_limit_message_is_one_actionable_line_without_personal_values() -> None:
    personal = {"national_number": "98712", "first_name": "Zainab", "family_name": "Haddad"}
    nameless = {**personal, "first_name": None, "family_name": None}
    v = validate_source(
        _source("naf", {**personal, "source_record_id": None}, nameless, {"phone": "0799"}),
        today=TODAY,
    )
    message = reject_limit_message(v, 0.05, "naf.xlsx", rejects_path=Path("out/rejects.csv"))
    assert message.startswith("naf.xlsx: 2 of 3 rows rejected (66.7%, limit 5.0%)")
    assert "missing_record_id in source_record_id (1 row)" in message
    assert "missing_name in first_name (1 row)" in message
    assert "invalid_national_number" not in message, "a dropped value is no reason a row failed"
    assert "first rows: 2, 3" in message
    assert "out/rejects.csv" in message and "max_reject_rate" in message
    assert "\n" not in message
    everything = message + v.rejects.to_csv()
    for value in [*personal.values(), "0799", "9871234567", "محمد", "العلي"]:
        assert value not in everything


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-17", date(1990, 5, 17)),
        ("1990-05-17T10:00", date(1990, 5, 17)),
        ("05/12/1990", date(1990, 5, 12)),  # the earlier of the two readings
        ("13/12/1990", date(1990, 12, 13)),
        ("1990", date(1990, 1, 1)),
        ("32874", date(1990, 1, 1)),
        ("١٩٩٠-٠٥-١٧", date(1990, 5, 17)),
        ("1990-13-01", None),
        ("17 May 1990", date(1990, 5, 17)),
        ("17 Mai 1990", None),
        ("123", None),
    ],
)
def test_earliest_date_formats(text: str, expected: date | None) -> None:
    assert earliest_date(text) == expected


def test_a_frame_ingest_could_not_have_made_is_an_internal_error_without_values() -> None:
    source = _source("naf")
    broken = source.frame.assign(row_number=source.frame["row_number"].astype(str))
    with pytest.raises(BenelinkError) as caught:
        validate_source(SourceFile("naf", "naf", source.path, "", 3, broken), today=TODAY)
    assert type(caught.value) is BenelinkError
    assert "naf: ingest produced a frame the schema rejects" in str(caught.value)
    assert "ذكر" not in str(caught.value)
    assert caught.value.__context__ is None  # pandera's text (with raw values) is not chained


@pytest.mark.parametrize(
    "officer",
    ["0799183726", "+962 79 918 3726", "9912873465", "12/03/1990", "Officer 2", "x@y.jo", "---"],
)
def test_an_officer_that_is_no_staff_name_is_dropped_with_its_reason(officer: str) -> None:
    v = validate_source(_source("jobseekers", {"officer": officer}), today=TODAY)
    assert _reasons(v) == [(2, "officer", "officer_not_a_name", "value_dropped")]
    assert pd.isna(v.valid.loc[0, "officer"]) and len(v.valid) == 3
    assert officer not in v.rejects.to_csv()


def test_the_records_own_name_in_the_officer_column_is_dropped() -> None:
    v = validate_source(
        _source(
            "jobseekers",
            {"officer": "  fatima   AL-KHATIB "},
            {"officer": "Suha Haddad"},
            {
                "officer": "Suha Haddad",
                "full_name": None,
                "first_name": "Suha",
                "family_name": "Haddad",
            },
        ),
        today=TODAY,
    )
    assert _reasons(v) == [
        (2, "officer", "officer_not_a_name", "value_dropped"),
        (4, "officer", "officer_not_a_name", "value_dropped"),
    ]
    assert v.valid["officer"].tolist()[1] == "Suha Haddad"


def test_staff_names_in_either_script_pass() -> None:
    for officer in ("Suha Haddad", "سهى الحداد", "O'Neil-Smith", "Dr. Rana Q. Haddad"):
        v = validate_source(_source("jobseekers", {"officer": officer}), today=TODAY)
        assert v.rejects.empty, officer


def _two_sheets(*changes: dict[str, str | None]) -> SourceFile:
    """Three NAF rows from sheet "Jan" rows 2-3 and sheet "Feb" row 2: row numbers repeat."""
    source = _source("naf", *changes)
    sheets = pd.array(["Jan", "Jan", "Feb"], dtype="string[pyarrow]")
    frame = source.frame.assign(row_number=[2, 3, 2], sheet=sheets)
    return SourceFile("naf", "naf", Path("naf.xlsx"), "0" * 64, 3, frame)


def test_rows_of_several_sheets_are_told_apart_by_their_sheet() -> None:
    checked = validate_source(_two_sheets({}, {}, {"source_record_id": None}), today=TODAY)
    rejects = checked.rejects
    assert list(rejects.columns) == [*REJECT_COLUMNS[:2], "sheet", *REJECT_COLUMNS[2:]]
    assert rejects[["sheet", "row_number", "reason"]].values.tolist() == [
        ["Feb", 2, "missing_record_id"]
    ]
    # Jan's row 2 is kept: only Feb's row 2 was rejected
    assert checked.valid["source_record_id"].tolist() == ["R1", "R2"]
    assert checked.rejected_rows == 1
    line = reject_limit_message(checked, 0.0, "naf.xlsx")
    assert "first rows: Feb!2;" in line


def test_a_dropped_value_is_dropped_on_its_own_sheet_only() -> None:
    checked = validate_source(_two_sheets({}, {}, {"phone": "12"}), today=TODAY)
    assert checked.valid["phone"].isna().tolist() == [False, False, True]
    assert checked.rejects[["sheet", "row_number"]].values.tolist() == [["Feb", 2]]


def test_the_same_row_rejected_on_two_sheets_counts_twice() -> None:
    missing = {"source_record_id": None}
    checked = validate_source(_two_sheets(missing, {}, missing), today=TODAY)
    assert checked.rejected_rows == 2
    assert checked.rejects["row_number"].tolist() == [2, 2]
    assert checked.rejects["row_number"].dtype == "int64"


# --- weaker records: kept, linked on what they have ------------------------------------------


def test_a_naf_row_without_a_national_number_is_kept_and_not_reported() -> None:
    """Non-Jordanian NAF beneficiaries have none: nothing is wrong with their row."""
    v = validate_source(_source("naf", {"national_number": None}), today=TODAY)
    assert v.rejects.empty and len(v.valid) == 3 and v.rejected_rows == 0


def test_a_unhcr_row_with_a_case_number_but_no_individual_id_is_kept() -> None:
    v = validate_source(_source("unhcr", {"unhcr_individual_id": None}), today=TODAY)
    assert v.rejects.empty and len(v.valid) == 3


def test_a_row_with_only_a_name_and_a_birth_date_is_kept() -> None:
    bare = {"national_number": None, "sex": None, "phone": None, "family_name": None}
    v = validate_source(_source("naf", bare), today=TODAY)
    assert v.rejects.empty and len(v.valid) == 3


@pytest.mark.parametrize(
    ("kind", "identifier"),
    [
        ("naf", {"national_number": "9871234567"}),
        ("jobseekers", {"national_number": "2000123456"}),
        ("unhcr", {"unhcr_individual_id": "945-00099999"}),
    ],
)
def test_a_row_with_an_identifier_but_no_name_is_kept(
    kind: SourceKind, identifier: dict[str, str]
) -> None:
    """It is linked on the identifier: a record id and a person's own id name a person."""
    nameless: dict[str, str | None] = {c: None for c in ("full_name", "first_name", "family_name")}
    v = validate_source(_source(kind, {**nameless, **identifier}), today=TODAY)
    assert _reasons(v) == []
    assert len(v.valid) == 3


@pytest.mark.parametrize(
    "identifier",
    [
        {"national_number": "98712345"},  # invalid: dropped, then nothing names the person
        {"national_number": "9.87E+09"},
        {"national_number": "9871234567" * 30},  # over-long
        {"national_number": None, "unhcr_case_id": "945-12C00456"},  # a family's number
        {"national_number": None, "phone": "0791234567"},  # a family's phone
    ],
)
def test_a_row_whose_only_identifier_is_dropped_or_a_familys_is_rejected(
    identifier: dict[str, str | None],
) -> None:
    nameless = {"first_name": None, "family_name": None}
    v = validate_source(_source("naf", {**nameless, **identifier}), today=TODAY)
    rows = v.rejects.loc[v.rejects["action"] == "row_rejected"]
    assert rows[["row_number", "reason"]].values.tolist() == [[2, "missing_name"]]
    assert v.rejected_rows == 1 and len(v.valid) == 2


def test_invalid_identifiers_drop_the_value_for_every_kind() -> None:
    for kind, column, bad in (
        ("naf", "national_number", "98712345"),
        ("jobseekers", "national_number", "98712345"),
        ("unhcr", "unhcr_individual_id", "945_ABC"),
    ):
        v = validate_source(_source(kind, {column: bad}), today=TODAY)
        assert v.rejected_rows == 0, kind
        assert v.rejects["action"].tolist() == ["value_dropped"], kind
        assert pd.isna(v.valid.loc[0, column]) and len(v.valid) == 3


def test_the_reject_rate_counts_rows_not_dropped_values() -> None:
    """A whole column of national numbers that lost their leading zero: every value is
    dropped, no row rejected, the limit untouched; the rejects file still lists each."""
    v = validate_source(
        _source("naf", *[{"national_number": "871234567"}] * 3),
        today=TODAY,
    )
    assert v.reject_rate == 0.0 and len(v.valid) == 3
    assert v.rejects["reason"].tolist() == ["invalid_national_number"] * 3
    assert v.rejects["masked_value"].tolist() == ["<digits, length=9>"] * 3


def test_a_unhcr_id_that_is_also_the_record_id_keeps_the_record_when_invalid() -> None:
    """UNHCR's record id is its individual id: an id of the wrong shape is dropped as an
    identifier, the record stays with its record id and name."""
    v = validate_source(
        _source("unhcr", {"source_record_id": "945_ABC", "unhcr_individual_id": "945_ABC"}),
        today=TODAY,
    )
    assert _reasons(v) == [(2, "unhcr_individual_id", "invalid_unhcr_id", "value_dropped")]
    assert v.valid["source_record_id"].tolist()[0] == "945_ABC"
