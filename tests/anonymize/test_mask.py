"""Masks in reject reports: the shape of a personal value, never its content."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.anonymize.mask import (
    MASKED_COLUMNS,
    VOCABULARIES,
    cannot_be_personal,
    mask_series,
    mask_value,
    shape,
    words,
)
from benelink.schemas.columns import PERSONAL_COLUMNS

ARABIC_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B))
LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
# What personal values are made of: letters of both scripts, digits, and the usual joiners.
REALISTIC = ARABIC_LETTERS + LATIN_LETTERS + DIGITS + " -'./+"


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


@pytest.mark.parametrize(
    ("value", "mask"),
    [
        (None, "<empty>"),
        ("", "<empty>"),
        ("9871234", "<digits, length=7>"),
        ("٩٨٧١٢٣٤", "<digits, length=7>"),
        ("1990-05-17", "<date-like, length=10>"),
        ("17/05/1990", "<date-like, length=10>"),
        ("+962 79 123 4567", "<number-like, length=16>"),
        ("محمد احمد العلي", "<text, length=15, arabic>"),
        ("Mohammad Ali", "<text, length=12, latin>"),
        ("Ali علي", "<text, length=7, mixed>"),
        ("Ωμέγα", "<text, length=5, other>"),
        ("---", "<symbols, length=3>"),
    ],
)
def test_shape_examples(value: str | None, mask: str) -> None:
    assert shape(value) == mask
    assert mask_value(value, "full_name") == mask


def test_every_personal_column_and_the_record_id_are_masked() -> None:
    assert PERSONAL_COLUMNS <= MASKED_COLUMNS
    assert "source_record_id" in MASKED_COLUMNS  # UNHCR's record id is the individual id
    for column in MASKED_COLUMNS:
        assert mask_value("Fatima 0791234567", column) == "<text, length=17, latin>"


def test_non_personal_values_are_shown_truncated_and_control_characters_escaped() -> None:
    assert mask_value("Male", "sex") == "Male"
    assert mask_value("عمان", "governorate") == "عمان"
    long = "x" * 60
    assert mask_value(long, "employment_status") == "x" * 39 + "…"
    assert mask_value("JOR\x00", "nationality") == "JOR\\x00"
    assert mask_value("bad\x00value", "nationality") == "<text, length=9, latin>"  # two words


@pytest.mark.parametrize(
    ("value", "column", "mask"),
    [
        ("Qutzbaylah Xarwenshi", "sex", "<text, length=20, latin>"),
        ("QutzbaylahXarwenshi", "sex", "<text, length=19, latin>"),
        ("زقزوقة الخرنفشي", "nationality", "<text, length=15, arabic>"),
        ("0799183726", "governorate", "<digits, length=10>"),
        ("+962 79 918 3726", "governorate", "<number-like, length=16>"),
        ("07-99-18", "employment_status", "<date-like, length=8>"),
        ("9912873465", "nationality", "<digits, length=10>"),
        ("17/05/1990", "registration_date", "<date-like, length=10>"),
        ("Ali 123", "sex", "<text, length=7, latin>"),
        ('=HYPERLINK("http://x","y")', "sex", "<text, length=26, latin>"),
    ],
)
def test_personal_looking_values_in_non_personal_columns_are_shown_by_shape(
    value: str, column: str, mask: str
) -> None:
    assert mask_value(value, column) == mask


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("Self employed", "employment_status"),  # two words, but the column's own vocabulary
        ("in training", "employment_status"),
        ("محافظة عمان", "governorate"),
        ("Syrian Arab Republic", "nationality"),
        ("Unknown", "sex"),
        ("X", "sex"),
        ("+1", "sex"),
        ("مُحَمَّد", "sex"),  # one word with its marks
    ],
)
def test_values_that_cannot_be_personal_are_shown_as_they_are(value: str, column: str) -> None:
    assert cannot_be_personal(value, column)
    assert mask_value(value, column) == value


def test_words_counts_letter_runs_and_camel_case() -> None:
    assert [words(v) for v in ("", "12", "Ali", "Ali Omar", "AliOmar", "McDonald", "a-b")] == [
        0, 0, 1, 2, 2, 2, 2,
    ]  # fmt: skip


@settings(max_examples=200)
@given(
    first=st.text(alphabet=ARABIC_LETTERS + LATIN_LETTERS, min_size=3, max_size=12),
    second=st.text(alphabet=ARABIC_LETTERS + LATIN_LETTERS, min_size=3, max_size=12),
    digits=st.text(alphabet=DIGITS, min_size=3, max_size=12),
    column=st.sampled_from(["sex", "governorate", "nationality", "employment_status"]),
)
def test_no_name_or_number_is_shown_in_a_non_personal_column(
    first: str, second: str, digits: str, column: str
) -> None:
    """A two-word name or a run of digits is never copied, whatever column it is in."""
    for value in (f"{first} {second}", digits, f"{first} {digits}"):
        if VOCABULARIES[column](value):  # "not working" is a status, whoever typed it
            continue
        assert not cannot_be_personal(value, column)
        assert value not in mask_value(value, column)


def test_mask_series_keeps_the_index_and_masks_each_value() -> None:
    values = pd.Series(
        ["0791234567", None, "0791234567", "Ali"], index=[7, 8, 9, 10], dtype="string"
    )
    masked = mask_series(values, "phone")
    assert masked.index.tolist() == [7, 8, 9, 10]
    assert masked.tolist() == [
        "<digits, length=10>",
        "<empty>",
        "<digits, length=10>",
        "<text, length=3, latin>",
    ]
    assert mask_series(pd.Series([], dtype="string"), "phone").empty


@settings(max_examples=200)
@given(
    value=st.text(alphabet=REALISTIC, min_size=3, max_size=99),
    column=st.sampled_from(sorted(MASKED_COLUMNS)),
)
def test_mask_never_repeats_three_characters_of_the_value(value: str, column: str) -> None:
    """No trigram of the value reaches the mask, except the descriptor's own lowercase
    words (a value "text" is masked as "<text, ...>") — which carry no digit, Arabic
    letter or capital, so nothing identifying can leak that way."""
    mask = mask_value(value, column)
    leaked = _trigrams(value) & _trigrams(mask)
    for gram in leaked:
        assert all((c.islower() and c.isascii()) or c in " -" for c in gram), (gram, mask)


def _same_shape(value: str, rng: random.Random) -> str:
    """Another value of the same shape: every letter or digit replaced by one of its kind."""
    out = []
    for char in value:
        if char in ARABIC_LETTERS:
            out.append(rng.choice(ARABIC_LETTERS))
        elif char in LATIN_LETTERS:
            out.append(rng.choice(LATIN_LETTERS))
        elif char in DIGITS:
            out.append(rng.choice(DIGITS))
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=200)
@given(value=st.text(alphabet=REALISTIC, max_size=60), seed=st.integers(0, 2**32 - 1))
def test_mask_depends_on_the_shape_only(value: str, seed: int) -> None:
    """Two values differing only in which letters/digits they hold mask identically, so
    a mask tells nothing about content beyond kind, length and script."""
    other = _same_shape(value, random.Random(seed))
    assert mask_value(value, "full_name") == mask_value(other, "full_name")


def test_mask_series_keeps_empty_and_nul_apart() -> None:
    """pandas' string hashing stops at NUL; a missing value must not take a NUL value's mask."""
    values = pd.Series([None, "", "\x00", "9851234567"], dtype="string")
    masks = mask_series(values, "national_number").tolist()
    assert masks[0] == masks[1] == mask_value("", "national_number")
    assert masks[2] == mask_value("\x00", "national_number") != masks[0]
