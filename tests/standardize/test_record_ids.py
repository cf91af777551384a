"""Record ids normalised once (``standardize.identifiers.record_id``): every script's digits,
invisible characters, dashes and spaces, so the duplicate check and the token agree."""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.identifiers import record_id, record_id_column

ALL_CHARACTERS = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


@pytest.mark.parametrize(
    "typed",
    [
        "N-000123",
        "n 000 123",
        "N–000—123",  # en and em dash
        "N\u2212000123",  # minus sign
        "N-٠٠٠١٢٣",  # Arabic-Indic digits
        "N-۰۰۰۱۲۳",  # Persian digits
        "N-०००१२३",  # Devanagari digits
        "Ｎ－０００１２３",  # full-width
        "N\u200b-000\u200c123\u200d",  # zero-width space, non-joiner, joiner
        "N-000\u00ad123",  # soft hyphen
        "\u200fN-000123\u200e",  # right-to-left and left-to-right marks
        "\u202bN-000123\u202c",  # bidi embedding
        "\u2067N-000123\u2069",  # bidi isolate
        "\ufeffN-000123",  # byte-order mark
        "N\u2060000123",  # word joiner
        "N\u00a0000\u3000123",  # no-break and ideographic spaces
    ],
)
def test_one_id_typed_many_ways_is_one_id(typed: str) -> None:
    assert record_id(typed) == "N000123"


def test_every_decimal_digit_of_every_script_is_its_ascii_digit() -> None:
    digits = [c for c in ALL_CHARACTERS if c.isdecimal()]
    assert len(digits) > 600  # some 70 scripts
    for c in digits:
        assert record_id(f"A{c}") == f"A{unicodedata.decimal(c)}", hex(ord(c))


def test_every_format_character_is_removed() -> None:
    invisible = [c for c in ALL_CHARACTERS if unicodedata.category(c) == "Cf"]
    for c in invisible:
        assert record_id(f"A{c}1") == "A1", hex(ord(c))


def test_nothing_but_noise_is_an_empty_id() -> None:
    assert record_id(" - \u200b\u00ad ") == ""
    column = record_id_column(pd.Series(["--", None, "\u200b", "a-1"], dtype="string[pyarrow]"))
    assert column.isna().tolist() == [True, True, True, False]


@given(st.text(max_size=30))
def test_record_id_is_idempotent(text: str) -> None:
    once = record_id(text)
    assert record_id(once) == once


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_the_ascii_shortcut_agrees_with_the_general_rule(text: str) -> None:
    """ASCII ids skip NFKC and the per-character pass: the result must be the same."""
    general = "".join(
        c for c in unicodedata.normalize("NFKC", text).upper() if not (c.isspace() or c == "-")
    )
    assert record_id(text) == general


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=20), st.booleans())
def test_the_column_is_the_value_rule_per_cell(cells: list[str | None], ascii_only: bool) -> None:
    if ascii_only:
        cells = [c if c is None else c.encode("ascii", "ignore").decode() for c in cells]
    for dtype in ("string[pyarrow]", "string", object):
        out = record_id_column(pd.Series(cells, dtype=dtype))
        expected = [None if c is None or not record_id(c) else record_id(c) for c in cells]
        assert [None if pd.isna(v) else v for v in out] == expected


def test_a_slice_of_rows_gives_valid_text() -> None:
    """Rows cut by pandas from an Arrow column (as the row slices of standardisation and
    tokenising are) keep the ids they hold; pyarrow's ascii_upper broke exactly these."""
    column = pd.Series([f"js-{i:07d}" for i in range(40)], dtype="string[pyarrow]")
    piece = record_id_column(column.iloc[16:24])
    assert piece.tolist() == [f"JS{i:07d}" for i in range(16, 24)]
    assert piece.index.tolist() == list(range(16, 24))
