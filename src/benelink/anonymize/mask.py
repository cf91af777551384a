"""Masked values for reject reports: enough for a partner to see what is wrong,
never enough to learn who the row is about.

The rejects file travels back to the partner by e-mail, so for a personal
column it describes the *shape* of a value only — its kind, its length and, for
text, its script::

    <empty>                       missing or blank
    <digits, length=7>            digits only (ASCII or Arabic-Indic)
    <date-like, length=10>        digit groups joined by - / . (and maybe a time)
    <number-like, length=16>      digits with + ( ) spaces, dashes, dots
    <text, length=12, arabic>     letters: arabic | latin | mixed | other script
    <symbols, length=3>           neither letters nor digits

The length sits between ``=`` and ``,``/``>`` so that no three characters of a
mask can coincide with three characters of a realistic value (letters, digits,
spaces, hyphens) except the descriptor's own lowercase words.

Non-personal columns (sex, governorate, nationality, status, dates of
registration) carry the value itself — truncated to 40 characters, control
characters made visible — only when it cannot be personal: a value of the
column's vocabulary, or a value with fewer than three digits, nothing
date-like and at most one word. After a column shift a name or a phone sits in
the sex or governorate column; it is judged by what it looks like and shown
by its shape.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

import pandas as pd

from benelink.schemas.columns import PERSONAL_COLUMNS
from benelink.standardize import codes, places

# The record id is a personal identifier for some partners (UNHCR's record id is
# the individual id) and an officer's name is an employee's personal data.
MASKED_COLUMNS: Final[frozenset[str]] = PERSONAL_COLUMNS | {"source_record_id", "officer"}
PLAIN_LIMIT: Final = 40

_DIGITS: Final = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")
_DATE_LIKE: Final = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?", re.ASCII
)
_NUMBER_LIKE: Final = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9+()\-. ]+")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANY_DIGIT: Final = re.compile(r"\d")  # every script's decimal digits
_DATE_PART: Final = re.compile(r"\d{1,4}\s*[-/.]\s*\d{1,2}")
PLAIN_MAX_DIGITS: Final = 2
# a column's closed vocabulary (exact spellings, no fuzzy match): its values are never personal
VOCABULARIES: Final[dict[str, Callable[[str], bool]]] = {
    "sex": codes.is_sex_code,
    "employment_status": codes.is_employment_status,
    "governorate": places.is_governorate,
    "nationality": places.is_nationality,
}
_ARABIC_BLOCKS: Final = (
    ("\u0600", "\u06ff"),
    ("\u0750", "\u077f"),
    ("\u08a0", "\u08ff"),
    ("\ufb50", "\ufdff"),
    ("\ufe70", "\ufeff"),
)


def _script(value: str) -> str:
    """Which script the letters of ``value`` are written in."""
    arabic = latin = other = False
    for char in value:
        if not char.isalpha():
            continue
        if any(low <= char <= high for low, high in _ARABIC_BLOCKS):
            arabic = True
        elif unicodedata.name(char, "").startswith("LATIN"):
            latin = True
        else:
            other = True
    if arabic and latin:
        return "mixed"
    if arabic:
        return "arabic"
    if latin:
        return "latin"
    return "other" if other else ""


def shape(value: str | None) -> str:
    """The shape descriptor of ``value``: its kind, length and script, nothing more."""
    if value is None or value == "":
        return "<empty>"
    length = len(value)
    if _DIGITS.fullmatch(value):
        return f"<digits, length={length}>"
    if _DATE_LIKE.fullmatch(value):
        return f"<date-like, length={length}>"
    if _NUMBER_LIKE.fullmatch(value) and _DIGITS.search(value):
        return f"<number-like, length={length}>"
    script = _script(value)
    if script:
        return f"<text, length={length}, {script}>"
    return f"<symbols, length={length}>"


def _plain(value: str) -> str:
    """A non-personal value as a partner can read it in a CSV cell."""
    shown = value if len(value) <= PLAIN_LIMIT else value[: PLAIN_LIMIT - 1] + "…"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", shown)


def words(value: str) -> int:
    """How many words ``value`` holds: runs of letters (a mark stays in its word), a capital
    after a lower-case letter starting a new one ("QutzXarw" is two)."""
    count, previous = 0, ""  # previous: the category of the word's last letter, "" outside
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "L":
            count += not previous or (previous == "Ll" and category == "Lu")
            previous = category
        elif category[0] != "M" or not previous:
            previous = ""
    return count


def cannot_be_personal(value: str, column: str) -> bool:
    """True for a value of ``column``'s vocabulary, or one too short of digits and words to
    be a name, a phone, an id number or a date."""
    known = VOCABULARIES.get(column)
    if known is not None and known(value):
        return True
    return (
        len(_ANY_DIGIT.findall(value)) <= PLAIN_MAX_DIGITS
        and not _DATE_PART.search(value)
        and words(value) <= 1
    )


def mask_value(value: str | None, column: str) -> str:
    """What the rejects file may show of ``value`` found in ``column``: the value itself in a
    non-personal column when it cannot be personal, else its shape."""
    if column in MASKED_COLUMNS or value is None or value == "":
        return shape(value)
    if cannot_be_personal(value, column):
        return _plain(value)
    return shape(value)


def mask_series(values: pd.Series, column: str) -> pd.Series:
    """``mask_value`` over a column, computed once per distinct value.

    Distinct values are found with a Python dict, not ``pd.factorize``: pandas'
    string hash table stops at a NUL byte, so "" and "\\x00" would share a mask.
    """
    raw = ["" if pd.isna(v) else str(v) for v in values.to_numpy(dtype=object)]
    lookup = {v: mask_value(v, column) for v in set(raw)}
    return pd.Series([lookup[v] for v in raw], index=values.index, dtype="string")
