"""What an identifier looks like, whatever column it came in."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.identifiers import (
    SHAPE_CASE,
    SHAPE_INDIVIDUAL,
    SHAPE_NATIONAL,
    SHAPE_NONE,
    SHAPE_PHONE,
    identifier_shapes,
)

SHAPES: list[tuple[str | None, int]] = [
    # UNHCR case numbers: office, year, C, serial; the 2021 form with a dash for the C
    ("945-21C01234", SHAPE_CASE),
    ("945 21c01234", SHAPE_CASE),
    ("94521C01234", SHAPE_CASE),
    ("LEB-15C12345", SHAPE_CASE),
    ("JOR-19C0012", SHAPE_CASE),
    ("945-21-01234", SHAPE_CASE),
    ("945 – 21 – 01234", SHAPE_CASE),  # en dashes
    ("945/21/01234", SHAPE_CASE),
    # UNHCR individual ids: office and 8 digits
    ("945-00123456", SHAPE_INDIVIDUAL),
    ("94500123456", SHAPE_INDIVIDUAL),
    ("945 - 0012 3456", SHAPE_INDIVIDUAL),
    ("jor-12345678", SHAPE_INDIVIDUAL),
    ("٩٤٥-٠٠١٢٣٤٥٦", SHAPE_INDIVIDUAL),  # Arabic-Indic digits
    # national numbers: 10 digits, not starting with 0
    ("9851234567", SHAPE_NATIONAL),
    ("9851234567.0", SHAPE_NATIONAL),  # a numeric spreadsheet cell
    ("985 123 4567", SHAPE_NATIONAL),
    ("2001234567", SHAPE_NATIONAL),
    ("٩٨٥١٢٣٤٥٦٧", SHAPE_NATIONAL),
    ("9452101234", SHAPE_NATIONAL),  # a dashless 2021 case number reads so: the column decides
    # phones
    ("0791234567", SHAPE_PHONE),
    ("079-123-4567", SHAPE_PHONE),
    ("+962 79 123 4567", SHAPE_PHONE),
    ("00962791234567", SHAPE_PHONE),
    ("962791234567", SHAPE_PHONE),
    ("791234567", SHAPE_PHONE),
    ("96261234567", SHAPE_PHONE),  # 11 digits after 962: a landline, not an office + 8 digits
    ("06 5123456", SHAPE_PHONE),
    ("+963 944 123 456", SHAPE_PHONE),
    # nothing known
    ("07912345678", SHAPE_NONE),
    ("945-77Q31457", SHAPE_NONE),
    ("945-1", SHAPE_NONE),
    ("Mohammad", SHAPE_NONE),
    ("12345", SHAPE_NONE),
    ("", SHAPE_NONE),
    (None, SHAPE_NONE),
]


@pytest.mark.parametrize(("value", "shape"), SHAPES)
def test_shape(value: str | None, shape: int) -> None:
    assert identifier_shapes(pd.Series([value], dtype="string"))[0] == shape


@pytest.mark.parametrize("usual", [None, SHAPE_NATIONAL, SHAPE_INDIVIDUAL, SHAPE_CASE, SHAPE_PHONE])
def test_shapes_of_a_column_are_those_of_its_values(usual: int | None) -> None:
    # the shape the column usually holds is tried first: the answer is the same
    values = [v for v, _ in SHAPES]
    got = identifier_shapes(pd.Series(values, dtype="string"), usual=usual)
    assert got.tolist() == [s for _, s in SHAPES]
    assert got.dtype.name == "int8"


_SEPARATOR = st.sampled_from(["", " ", "-", " - ", "/", "\u2013"])


@given(
    office=st.integers(100, 999),
    year=st.integers(0, 99),
    serial=st.integers(0, 99_999),
    sep=_SEPARATOR,
    lower=st.booleans(),
)
def test_a_case_number_is_one_however_separated(
    office: int, year: int, serial: int, sep: str, lower: bool
) -> None:
    text = f"{office}{sep}{year:02d}C{serial:05d}"
    text = text.lower() if lower else text
    assert identifier_shapes(pd.Series([text], dtype="string"))[0] == SHAPE_CASE


@given(office=st.integers(100, 961), number=st.integers(0, 99_999_999), sep=_SEPARATOR)
def test_an_individual_id_is_one_however_separated(office: int, number: int, sep: str) -> None:
    text = f"{office}{sep}{number:08d}"
    assert identifier_shapes(pd.Series([text], dtype="string"))[0] == SHAPE_INDIVIDUAL
