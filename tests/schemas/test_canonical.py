"""The models of the records between the stages: they name the columns the other
modules import, the real stages' frames keep them, and each rule refuses a frame that
breaks it, in a message that names the column and never the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize.keys import parse_key
from benelink.anonymize.tokens import TOKENISED_FIELDS, pseudonymize
from benelink.arrow_text import ARROW_TEXT
from benelink.config.load import load_config
from benelink.errors import HandOffError
from benelink.pipelines.encoded import no_clear_records
from benelink.pipelines.ingest import load_source
from benelink.pipelines.standardize import standardize
from benelink.pipelines.validate import validate_source
from benelink.schemas.canonical import Canonical, Pseudonymised, Standardised
from benelink.schemas.columns import (
    CANONICAL_COLUMNS,
    PERSONAL_COLUMNS,
    ROW_NUMBER,
    SHEET,
    SOURCE,
    STANDARD_COLUMNS,
)
from benelink.schemas.handoff import check_canonical, check_pseudonymised, check_standardised
from tests.helpers import REPO, SAMPLE, TEST_KEY

KEY = parse_key(TEST_KEY, "the tests")
INTEGERS = ("row_number", "birth_year", "birth_month", "birth_day")


def test_the_column_lists_name_the_models_fields_in_order() -> None:
    canonical = list(Canonical.to_schema().columns)
    assert canonical[:3] == [SOURCE, ROW_NUMBER, SHEET]
    assert canonical[3:] == list(CANONICAL_COLUMNS)
    assert PERSONAL_COLUMNS.issubset(CANONICAL_COLUMNS)
    assert list(Standardised.to_schema().columns) == list(STANDARD_COLUMNS)
    tokens = ["record_token", *TOKENISED_FIELDS.values()]
    assert list(Pseudonymised.to_schema().columns) == [*STANDARD_COLUMNS, *tokens]


@dataclass(frozen=True)
class Stages:
    """One month of the committed sample through the stages, every hand-off kept."""

    ingested: list[pd.DataFrame]
    validated: list[pd.DataFrame]
    standardised: list[pd.DataFrame]
    pseudonymised: list[pd.DataFrame]


@pytest.fixture(scope="module", params=["2026-10", "2026-11"])
def stages(request: pytest.FixtureRequest) -> Stages:
    cfg = load_config(REPO / "config" / "benelink.toml")
    kept = Stages([], [], [], [])
    for name, settings in cfg.sources.items():  # naf (a workbook), unhcr, jobseekers
        loaded = load_source(name, settings, SAMPLE / request.param)
        valid = validate_source(loaded).valid
        records = standardize(valid, settings.kind)
        kept.ingested.append(loaded.frame)
        kept.validated.append(valid)
        kept.standardised.append(records)
        kept.pseudonymised.append(pseudonymize(records, KEY))
    return kept


def test_every_source_keeps_the_models_at_every_hand_off(stages: Stages) -> None:
    for frame in stages.ingested:
        assert check_canonical(frame) is frame
    for frame in stages.validated:
        check_canonical(frame, stage="validate")
    for frame in stages.standardised:
        check_standardised(frame)
    for frame in stages.pseudonymised:
        check_pseudonymised(frame)
    # as the run gathers them: every source in one frame
    check_standardised(pd.concat(stages.standardised, ignore_index=True))
    check_pseudonymised(pd.concat(stages.pseudonymised, ignore_index=True))


def test_a_run_without_clear_sources_hands_on_empty_pseudonymised_records() -> None:
    """When every partner sent an encoded file, the output tables take their columns from
    these: no record, in the pseudonymised records' types."""
    check_pseudonymised(no_clear_records(KEY))


# any character a file can hold, those partners type drawn more often
_TYPED = "احمد علي الزعبيّ٠١٩ Ahmad al-Zoubi 0123456789+/.-'\t\u00a0\u200b\u0640MmFfذكر"
_ANY_TEXT = st.one_of(
    st.none(),
    st.text(st.one_of(st.sampled_from(_TYPED), st.characters(codec="utf-8")), max_size=12),
)


@given(
    values=st.lists(
        st.fixed_dictionaries({c: _ANY_TEXT for c in CANONICAL_COLUMNS[1:]}),
        min_size=1,
        max_size=4,
    )
)
def test_whatever_a_partner_typed_the_standardised_records_keep_the_model(
    values: list[dict[str, str | None]],
) -> None:
    """A rule the standardisers do not keep by construction would stop real runs with an
    internal error: any text at all in any canonical column gives records the model takes."""
    frame = pd.DataFrame(values, dtype=ARROW_TEXT).assign(
        source=pd.array(["jobseekers"] * len(values), dtype=ARROW_TEXT),
        row_number=range(2, len(values) + 2),
        source_record_id=pd.array([f"J{i}" for i in range(len(values))], dtype=ARROW_TEXT),
    )
    check_pseudonymised(pseudonymize(standardize(frame, "jobseekers"), KEY))


def _standardised() -> pd.DataFrame:
    """Two records as the standardise stage writes them: one Arabic, one Latin."""
    rows: dict[str, list[Any]] = {
        "source": ["naf", "unhcr"],
        "source_record_id": ["N1", "U1"],
        "row_number": [2, 2],
        "name_first": ["احمد", "ahmad"],
        "name_father": ["علي", None],
        "name_grandfather": [None, None],
        "name_family": ["الزعبي", "alzoubi"],
        "key_first": ["AHMD", "AHMD"],
        "key_father": ["AL", None],
        "key_grandfather": [None, None],
        "key_family": ["ZEB", "ZEB"],
        "skeleton_first": ["AHMD", "AHMD"],
        "skeleton_father": ["AL", None],
        "skeleton_grandfather": [None, None],
        "skeleton_family": ["ZB", "ZB"],
        "name_script": ["arabic", "latin"],
        "sex": ["M", None],
        "birth_year": [1985, 1990],
        "birth_month": [3, None],
        "birth_day": [7, None],
        "national_number": ["9851234567", None],
        "unhcr_individual_id": [None, "94515C01234"],
        "unhcr_case_id": [None, "94515C01234"],
        "phone": ["+962791234567", "+14155550123"],
        "governorate": ["Amman", None],
        "locality": ["hashmi shamali", None],
        "nationality": ["JOR", "SYR"],
        "officer": [None, "Suha Haddad"],
        "registration_date": ["2014-05-18", None],
        "employment_status": [None, "in_training"],
    }
    types = {c: "Int64" if c in INTEGERS else ARROW_TEXT for c in rows}
    return pd.DataFrame(rows).astype(types)


def _pseudonymised() -> pd.DataFrame:
    return _standardised().assign(
        record_token=pd.array(["0" * 32, "f" * 32], dtype=ARROW_TEXT),
        national_number_token=pd.array(["a" * 32, None], dtype=ARROW_TEXT),
        unhcr_individual_token=pd.array([None, "b" * 32], dtype=ARROW_TEXT),
        unhcr_case_token=pd.array([None, "c" * 32], dtype=ARROW_TEXT),
        phone_token=pd.array(["1" * 32, "2" * 32], dtype=ARROW_TEXT),
    )


def test_the_hand_made_records_keep_the_models() -> None:
    check_standardised(_standardised())
    check_pseudonymised(_pseudonymised())


# (column, a value breaking its rule, the rule as the message names it)
BROKEN: list[tuple[str, Any, str]] = [
    ("source", None, "not_nullable"),
    ("source_record_id", None, "not_nullable"),
    ("row_number", 1, "greater_than_or_equal_to"),
    ("name_first", "Ahmad", "text_matches"),
    ("name_family", "al zoubi", "text_matches"),
    ("name_father", "احمد علي", "text_matches"),
    ("key_first", "ahmd", "text_matches"),
    ("skeleton_first", "ahmd", "text_matches"),
    ("name_script", "greek", "text_in"),
    ("sex", "male", "text_in"),
    ("birth_year", 1850, "greater_than_or_equal_to"),
    ("birth_month", 13, "less_than_or_equal_to"),
    ("birth_day", 0, "greater_than_or_equal_to"),
    ("national_number", "98512345", "text_matches"),
    ("unhcr_individual_id", "945-15C01234", "text_matches"),
    ("unhcr_case_id", "945 15c01234", "text_matches"),
    ("phone", "0791234567", "text_matches"),
    ("governorate", "amman", "text_in"),
    ("locality", "Hashmi Shamali", "text_lacks"),
    ("locality", "hashmi  shamali", "text_matches"),
    ("nationality", "Jordanian", "text_matches"),
    ("officer", " Suha Haddad", "text_matches"),
    ("officer", "Suha\tHaddad", "text_matches"),
    ("registration_date", "18/05/2014", "iso_date"),
    ("registration_date", "2014-02-30", "iso_date"),
    ("employment_status", "working", "text_in"),
]


@pytest.mark.parametrize(("column", "value", "rule"), BROKEN)
def test_each_rule_of_the_standardised_records_refuses_what_breaks_it(
    column: str, value: Any, rule: str
) -> None:
    frame = _pseudonymised()
    frame.loc[0, column] = value
    for check in (check_standardised, check_pseudonymised):
        part = frame if check is check_pseudonymised else frame[list(STANDARD_COLUMNS)]
        with pytest.raises(HandOffError) as caught:
            check(part)
        message = str(caught.value)
        assert f"{column}: {rule} fails on 1 row" in message
        if isinstance(value, str):
            assert value not in message


def test_birth_month_and_day_go_together_and_never_without_the_year() -> None:
    for change in ({"birth_day": None}, {"birth_year": None}):
        frame = _standardised()
        for column, value in change.items():
            frame.loc[0, column] = value
        with pytest.raises(HandOffError, match="birth_date_parts fails on 1 row"):
            check_standardised(frame)


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("record_token", None, "not_nullable"),
        ("record_token", "F" * 32, "text_matches"),
        ("record_token", "f" * 31, "text_matches"),
        ("record_token", "0" * 32, "text_unique"),  # the other record's token
        ("phone_token", "0123", "text_matches"),
    ],
)
def test_each_token_rule_refuses_what_breaks_it(column: str, value: Any, rule: str) -> None:
    frame = _pseudonymised()
    frame.loc[1, column] = value
    with pytest.raises(HandOffError, match=f"{column}: {rule} fails on"):
        check_pseudonymised(frame)


def test_the_structure_is_checked_type_by_type() -> None:
    frame = _pseudonymised()
    broken = frame.assign(
        sex=frame["sex"].astype(object),  # pandera alone takes Python strings for Arrow text
        name_first=frame["name_first"].astype("string[python]"),
        birth_year=frame["birth_year"].astype("float64"),
        nickname=frame["name_first"],
    ).drop(columns=["locality"])
    with pytest.raises(HandOffError) as caught:
        check_pseudonymised(broken, stage="pseudonymize")
    message = str(caught.value)
    assert message.startswith("internal error: the pseudonymize stage handed on a frame")
    assert "\n" not in message
    for phrase in (
        "sex is object, not string[pyarrow]",
        "name_first is string[python], not string[pyarrow]",
        "birth_year is float64, not Int64",
        "missing: locality",
        "not expected: nickname",
    ):
        assert phrase in message
    assert "احمد" not in message and "ahmad" not in message


def _canonical() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.array(["naf", "naf"], dtype=ARROW_TEXT),
            "row_number": pd.Series([2, 3], dtype="int64"),
            "source_record_id": pd.array(["N1", None], dtype=ARROW_TEXT),
            "full_name": pd.array(["احمد علي", None], dtype=ARROW_TEXT),
            "national_number": pd.array(["9851234567", "9.85E+09"], dtype=ARROW_TEXT),
        }
    )


def test_the_canonical_model_takes_raw_strings_and_checks_the_structure() -> None:
    """Values are the partner's own: judging them is validation's work (schemas.raw)."""
    check_canonical(_canonical())
    frame = _canonical()
    for broken, phrase in (
        (frame.drop(columns=["source_record_id"]), "missing: source_record_id"),
        (frame.assign(nickname=frame["full_name"]), "not expected: nickname"),
        (frame.assign(row_number=frame["row_number"].astype(str)), "row_number is object"),
        (frame.assign(full_name=frame["full_name"].astype(object)), "full_name is object"),
        (frame.assign(source=frame["source"].where(frame.index > 0)), "source: not_nullable"),
    ):
        with pytest.raises(HandOffError, match=phrase):
            check_canonical(broken)
