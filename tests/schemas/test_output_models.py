"""The output models: the snapshots runs write keep them, the Parquet files hold the types
and descriptions they declare, and each rule refuses a table that breaks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benelink.anonymize.disclosure import REGIONS
from benelink.arrow_text import ARROW_TEXT
from benelink.errors import HandOffError
from benelink.io.snapshot import snapshot_months
from benelink.pipelines.outputs import BENEFICIARY_COLUMNS
from benelink.schemas.canonical import Pseudonymised, Standardised
from benelink.schemas.columns import GOVERNORATES
from benelink.schemas.handoff import check_beneficiaries, check_links, check_records
from benelink.schemas.outputs import (
    BENEFICIARIES,
    LEVEL_DESCRIPTION,
    LINKS,
    RECORDS,
    REGION_NAMES,
    Beneficiaries,
    Links,
    Records,
    level_description,
)
from tests.helpers import check_snapshot, table_file

MODELS = {"beneficiaries": Beneficiaries, "records": Records, "links": Links}
# the Arrow type a model's pandas type is written as
ARROW_TYPES = {
    "string[pyarrow]": pa.string(),
    "Int64": pa.int64(),
    "int64": pa.int64(),
    "int8": pa.int8(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
}


def test_both_months_of_the_sample_keep_the_output_models(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    assert snapshot_months(out) == ["2026-10", "2026-11"]
    for month in snapshot_months(out):
        check_snapshot(out, month)


def test_the_files_hold_the_models_types_and_descriptions(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    for month in snapshot_months(out):
        for name, model in MODELS.items():
            columns = model.to_schema().columns
            dictionary = {"beneficiaries": BENEFICIARIES, "records": RECORDS, "links": LINKS}
            for field in pq.read_schema(table_file(out, month, name)):
                column = columns.get(field.name, columns.get(r"^level_.+$"))
                assert column is not None, field.name
                assert field.type == ARROW_TYPES[str(column.dtype)], field.name
                text = field.metadata[b"description"].decode()
                if field.name.startswith("level_"):  # each level's meaning, off its ladder
                    assert text == level_description(field.name) != LEVEL_DESCRIPTION
                else:
                    assert text == dictionary[name][field.name] == column.description


def test_the_data_dictionary_is_read_off_the_models() -> None:
    assert list(BENEFICIARIES) == BENEFICIARY_COLUMNS == list(Beneficiaries.to_schema().columns)
    assert "source" in RECORDS and "record_token" in RECORDS
    assert all(text for table in (BENEFICIARIES, RECORDS, LINKS) for text in table.values())


def test_people_and_records_share_their_vocabulary() -> None:
    """The same column in the records and in the people: same type, same rules."""
    people = Beneficiaries.to_schema().columns
    records = Standardised.to_schema().columns
    for name in ("sex", "birth_year", "governorate", "nationality", "employment_status"):
        assert people[name].dtype == records[name].dtype
        assert [str(c) for c in people[name].checks] == [str(c) for c in records[name].checks]
    assert [str(c) for c in people["officer"].checks] == [str(c) for c in records["officer"].checks]
    tokens = Pseudonymised.to_schema().columns
    for name, column in Records.to_schema().columns.items():
        if name in tokens:
            assert column.dtype == tokens[name].dtype
            assert column.description == tokens[name].description
    assert set(REGIONS) <= set(GOVERNORATES)
    assert set(REGIONS.values()) == set(REGION_NAMES)


def _text(*values: str | None) -> pd.Series:
    return pd.Series(pd.array(list(values), dtype=ARROW_TEXT))


def _beneficiaries() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "beneficiary_id": _text("B-236ZFFAV44GQDGS4", "B-23K454GLZTJ63J7Q"),
            "in_naf": [True, False],
            "in_unhcr": [False, True],
            "in_jobseekers": [True, False],
            "sex": _text("M", None),
            "birth_year": pd.array([1985, None], dtype="Int64"),
            "birth_year_band": _text("1985-1989", "1990-1994"),
            "age": pd.array([41, None], dtype="Int64"),
            "governorate": _text("Amman", None),
            "region": _text("Centre", "North"),
            "nationality": _text("JOR", "SYR"),
            "employment_status": _text("employed", None),
            "officer": _text("Suha Haddad", None),
            "first_seen_month": _text("2026-10", "2026-11"),
            "n_records": np.array([2, 1], dtype=np.int64),
            "min_link_probability": [0.97, 1.0],
            "conflict": [False, False],
        }
    )


def _records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": _text("naf", "jobseekers"),
            "record_token": _text("0" * 32, "f" * 32),
            "beneficiary_id": _text("B-236ZFFAV44GQDGS4", "B-236ZFFAV44GQDGS4"),
            "match_probability": [0.97, 0.97],
            "decided_by": _text("auto", "reviewed"),
            "national_number_token": _text("a" * 32, "a" * 32),
            "unhcr_individual_token": _text(None, None),
            "unhcr_case_token": _text(None, None),
            "phone_token": _text(None, "2" * 32),
        }
    )


def _links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_token": _text("0" * 32, "1" * 32),
            "right_token": _text("f" * 32, "e" * 32),
            "left_source": _text("naf", "naf"),
            "right_source": _text("jobseekers", "unhcr"),
            "probability": [0.97, 0.41],
            "match_weight": [5.03, -0.52],
            "level_birth_date": np.array([6, -1], dtype=np.int8),
            "level_phone": np.array([1, 0], dtype=np.int8),
            "decision": _text("match", "review"),
            "decided_by": _text("auto", "auto"),
        }
    )


def test_the_hand_made_tables_keep_the_models() -> None:
    check_beneficiaries(_beneficiaries())
    check_records(_records())
    check_links(_links())


BROKEN: list[tuple[Any, str, Any, str]] = [
    (check_beneficiaries, "beneficiary_id", "B-123", "text_matches"),
    (check_beneficiaries, "beneficiary_id", "B-23K454GLZTJ63J7Q", "text_unique"),
    (check_beneficiaries, "sex", "X", "text_in"),
    (check_beneficiaries, "birth_year_band", "1985", "text_matches"),
    (check_beneficiaries, "governorate", "Irbid governorate", "text_in"),
    (check_beneficiaries, "region", "East", "text_in"),
    (check_beneficiaries, "nationality", "jor", "text_matches"),
    (check_beneficiaries, "employment_status", "retired", "text_in"),
    (check_beneficiaries, "officer", "Suha  Haddad", "text_matches"),
    (check_beneficiaries, "first_seen_month", "2026-13", "text_matches"),
    (check_beneficiaries, "n_records", 0, "greater_than_or_equal_to"),
    (check_beneficiaries, "min_link_probability", 1.5, "less_than_or_equal_to"),
    (check_records, "record_token", "f" * 32, "text_unique"),
    (check_records, "phone_token", "+962791234567", "text_matches"),
    (check_records, "beneficiary_id", None, "not_nullable"),
    (check_records, "match_probability", -0.1, "greater_than_or_equal_to"),
    (check_records, "decided_by", "manual", "text_in"),
    (check_links, "right_token", None, "not_nullable"),
    (check_links, "probability", 1.01, "less_than_or_equal_to"),
    (check_links, "level_phone", -2, "greater_than_or_equal_to"),
    (check_links, "decision", "maybe", "text_in"),
    (check_links, "decided_by", "single", "text_in"),
]


@pytest.mark.parametrize(("check", "column", "value", "rule"), BROKEN)
def test_each_rule_of_the_tables_refuses_what_breaks_it(
    check: Any, column: str, value: Any, rule: str
) -> None:
    table = {check_beneficiaries: _beneficiaries, check_records: _records, check_links: _links}
    frame = table[check]()
    frame.loc[0, column] = value
    with pytest.raises(HandOffError) as caught:
        check(frame)
    message = str(caught.value)
    assert f"{column}: {rule} fails on" in message
    assert message.startswith("internal error: the write stage handed on")
    if isinstance(value, str):
        assert value not in message


def test_the_rules_across_columns_refuse_what_breaks_them() -> None:
    people = _beneficiaries()
    people.loc[0, "birth_year"] = None  # the age would give the year back
    with pytest.raises(HandOffError, match="age_with_birth_year fails on 1 row"):
        check_beneficiaries(people)
    links = _links()
    links.loc[1, ["left_token", "right_token"]] = ["e" * 32, "1" * 32]
    with pytest.raises(HandOffError, match="smaller_token_left fails on 1 row"):
        check_links(links)


def test_the_tables_structure_is_checked() -> None:
    people = _beneficiaries()
    with pytest.raises(HandOffError, match="out of order"):  # the file's column order
        check_beneficiaries(people[people.columns[::-1]])
    with pytest.raises(HandOffError, match="birth_year is float64, not Int64"):
        check_beneficiaries(people.assign(birth_year=people["birth_year"].astype("float64")))
    links = _links()
    with pytest.raises(HandOffError, match="level_phone is int64, not int8"):
        check_links(links.assign(level_phone=links["level_phone"].astype("int64")))
    with pytest.raises(HandOffError, match="not expected: national_number"):
        check_records(_records().assign(national_number=_text("9851234567", None)))
