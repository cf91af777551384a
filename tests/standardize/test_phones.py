"""Phones as partners write them: every form read, possible numbers the library does not
list kept and marked, several numbers in a cell, and the column reader agreeing with the
per-value one (validation and standardisation cannot disagree)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.phones import PhoneReading, e164, read_phone, read_phone_column

MOBILE = "+962791234567"


@pytest.mark.parametrize(
    "raw",
    [
        "0791234567",
        "791234567",  # a number cell that lost its zero
        "791234567.0",
        "+962791234567",
        "00962791234567",
        "962791234567",
        "9620791234567",
        "+962 (0) 79 123 4567",
        "962 79 123 4567",
        "+962-79-123-4567",
        "0 79 123 4567",
        "0 7 9 1 2 3 4 5 6 7",
        "079-123-4567",
        "079.123.4567",
        "079/123/4567",
        "(079) 123 4567",
        "(0)79 1234567",
        "'0791234567",  # Excel's text mark
        "‘0791234567",
        '"0791234567"',
        " 0791234567 ",
        "0791234567\u00a0",
        "٠٧٩١٢٣٤٥٦٧",
        "۰۷۹۱۲۳۴۵۶۷",
        "+٩٦٢ ٧٩ ١٢٣ ٤٥٦٧",
        "\u200e0791234567\u200f",  # direction marks
    ],
)
def test_forms_partners_send(raw: str) -> None:
    assert read_phone(raw) == PhoneReading(MOBILE, listed=True, several=False)
    assert e164(raw) == MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "0791234567 / 0781234567",
        "0791234567/0781234567",
        "0791234567, 0781234567",
        "0791234567;0781234567",
        "0791234567 | 0781234567",
        "0791234567 - 0781234567",
        "0791234567 0781234567",
        "079 123 4567 078 123 4567",
        "0791234567 و 0781234567",
        "0791234567 او 0781234567",
        "0791234567 or 0781234567",
        "0791234567\n0781234567",
        "٠٧٩١٢٣٤٥٦٧ / ٠٧٨١٢٣٤٥٦٧",
        "0791234567 / 12",  # more than the number: the number is kept, the cell counted
    ],
)
def test_two_numbers_in_one_cell_keep_the_first(raw: str) -> None:
    assert read_phone(raw) == PhoneReading(MOBILE, listed=True, several=True)


def test_a_word_beside_the_number_is_not_a_second_number() -> None:
    assert read_phone("n/a / 0791234567") == PhoneReading(MOBILE, listed=True, several=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0773123456", "+962773123456"),  # 077 3…: possible, not in the library's ranges
        ("0784123456", "+962784123456"),
        ("784123456", "+962784123456"),
        ("+962 78 412 3456", "+962784123456"),
    ],
)
def test_possible_mobiles_outside_the_known_ranges_are_kept_and_marked(
    raw: str, expected: str
) -> None:
    assert read_phone(raw) == PhoneReading(expected, listed=False, several=False)


def test_landlines() -> None:
    assert read_phone("06 5812345") == PhoneReading("+96265812345")
    assert read_phone("06/5812345") == PhoneReading("+96265812345")  # area code / number
    unlisted = read_phone("02 1234567")
    assert unlisted is not None and unlisted.e164 == "+96221234567"


def test_numbers_of_other_countries_are_kept_when_valid() -> None:
    assert e164("+963 944 123 456") == "+963944123456"
    assert e164("00963944123456") == "+963944123456"
    assert e164("+963 1") is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "12345",
        "0791234",  # too short
        "07912345678",  # too long
        "+96279123456789",
        "0612345678",  # a landline with a digit too many
        "0171234567",  # no such Jordanian range, impossible
        "0791234567 ext 12",
        "call 0791234567",
        "9.62791E+11",  # Excel lost the last digits
        "0797-CALL-ME",
        "+962",
        "0",
    ],
)
def test_what_is_no_phone(raw: str) -> None:
    assert read_phone(raw) is None
    assert e164(raw) is None


# -- properties ---------------------------------------------------------------------------

NATIONAL = st.from_regex(r"7[789][0-9]{7}|[2356][0-9]{7}|[0-9]{6,10}", fullmatch=True)
FORMS = (
    "0{n}",
    "{n}",
    "+962{n}",
    "00962{n}",
    "962{n}",
    "962 {a} {b}",
    "0{a}-{b}",
    "({a}) {b}",
    "'0{n}",
    "0{n}.0",
    "0{n} / 0{n}",
)


def _written(national: str, form: int, arabic: bool) -> str:
    text = FORMS[form].format(n=national, a=national[:2], b=national[2:])
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) if arabic else text


@given(NATIONAL, st.integers(min_value=0, max_value=len(FORMS) - 1), st.booleans())
def test_every_form_of_a_number_reads_the_same(national: str, form: int, arabic: bool) -> None:
    plain = read_phone("0" + national)
    written = read_phone(_written(national, form, arabic))
    if plain is None:
        assert written is None or written.e164 != "+962" + national
    else:
        assert written is not None
        assert (written.e164, written.listed) == (plain.e164, plain.listed)


@given(NATIONAL, st.integers(min_value=0, max_value=len(FORMS) - 1))
def test_standardising_is_idempotent(national: str, form: int) -> None:
    once = e164(_written(national, form, arabic=False))
    if once is not None:
        assert e164(once) == once


VALUES = st.one_of(
    st.builds(_written, NATIONAL, st.integers(0, len(FORMS) - 1), st.booleans()),
    st.text(alphabet="0123456789+ -./()'و٠٧٩", max_size=28),
    st.text(max_size=12),
    st.none(),
)


@given(st.lists(VALUES, max_size=40))
def test_the_column_reader_agrees_with_the_value_reader(values: list[str | None]) -> None:
    """What validation reads (a column at once) is what standardisation reads (one value)."""
    column = read_phone_column(pd.Series(values, dtype="string[pyarrow]"))
    readings = [read_phone(v) if v is not None else None for v in values]
    assert column.e164.to_pylist() == [r.e164 if r else None for r in readings]
    assert column.listed.tolist() == [r is None or r.listed for r in readings]
    assert column.several.tolist() == [r is not None and r.several for r in readings]
