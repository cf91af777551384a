"""Checking a hand-off: the structure over every row, the value rules over every row of a
small frame and over a seeded sample of a large one; a failure is an internal error that
names the stage, the schema and the columns, never a value."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from benelink.cli.app import failure_line
from benelink.errors import BenelinkError, HandOffError
from benelink.schemas import handoff
from benelink.schemas.canonical import Pseudonymised
from benelink.schemas.handoff import check_handoff, check_pseudonymised
from tests.helpers import november_records


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    frame: pd.DataFrame = november_records()
    return frame


@pytest.fixture
def sampled(monkeypatch: pytest.MonkeyPatch) -> int:
    """Frames above 100 rows count as large: their values are checked on a sample."""
    monkeypatch.setattr(handoff, "VALUE_ROWS", 100)
    return 100


def test_a_frame_that_keeps_its_model_is_handed_on_as_it_is(records: pd.DataFrame) -> None:
    assert check_handoff(Pseudonymised, records, "pseudonymize") is records


def test_a_large_frame_keeps_its_model_on_a_sample(records: pd.DataFrame, sampled: int) -> None:
    assert len(records) > sampled
    assert check_pseudonymised(records) is records


def test_a_large_frame_is_refused_a_null_or_a_type_in_any_row(
    records: pd.DataFrame, sampled: int
) -> None:
    """Structure (columns, types, nulls) is checked over every row at any size."""
    one_null = records.assign(record_token=records["record_token"].where(records.index != 3001))
    with pytest.raises(HandOffError, match="record_token: not_nullable fails on 1 row"):
        check_pseudonymised(one_null)
    with pytest.raises(HandOffError, match="phone is object"):
        check_pseudonymised(records.assign(phone=records["phone"].astype(object)))


def test_a_large_frame_is_refused_a_value_a_stage_gets_wrong_for_a_class_of_records(
    records: pd.DataFrame, sampled: int
) -> None:
    """A standardiser that forgets the "+" of every E.164 phone is caught by the sample."""
    wrong = records.assign(phone=records["phone"].str.removeprefix("+"))
    with pytest.raises(HandOffError) as caught:
        check_pseudonymised(wrong, stage="standardize")
    message = str(caught.value)
    assert re.search(rf"phone: text_matches fails on \d+ of {sampled} sampled rows", message)
    assert not any(p in message for p in wrong["phone"].dropna().head(50))


def test_the_error_is_an_internal_one_on_one_line(records: pd.DataFrame) -> None:
    broken = records.assign(sex=records["sex"].replace({"M": "male"}))
    with pytest.raises(HandOffError) as caught:
        check_pseudonymised(broken, stage="standardize")
    error = caught.value
    assert isinstance(error, BenelinkError) and error.exit_code == 1
    line, code = failure_line(error)
    assert code == 1 and "\n" not in line
    assert line == (
        "error: internal error: the standardize stage handed on a frame that breaks the "
        "Pseudonymised schema (sex: text_in fails on "
        f"{(records['sex'] == 'M').sum()} rows); nothing was written; please report it"
    )
