"""Record ids, national numbers and UNHCR ids in the one form that tokens and blocking use.

Spreadsheets turn a national number into a float ("9851234567.0", even
"9.851234567E9"); UNHCR ids come with dashes, spaces and lower case. Anything
that is not a well-formed id becomes missing so it cannot create false links.

A partner's record id is normalised here once, and validation's duplicate check,
the standardised ``source_record_id`` and the record token all use this one form:
if the duplicate check saw "N-000123" and "N ٠٠٠١٢٣" as two ids while the token saw
one, a month would hold one token twice and every later month would fail.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from benelink.arrow_text import arrow_array, arrow_series, as_text
from benelink.standardize._unique import string_column
from benelink.standardize.arabic import normalize_arabic

_FLOAT: Final = re.compile(r"^\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$")
_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9]")
_NATIONAL: Final = re.compile(r"[0-9]{10}")
# what record_id removes from an ASCII id: white space (str.isspace) and the hyphen-minus
_ASCII_ID_NOISE: Final = "[\t\n\x0b\x0c\r\x1c-\x1f -]+"
_ASCII_ID_NOISE_RE: Final = re.compile(_ASCII_ID_NOISE)
_MINUS_SIGN: Final = "\u2212"
_MAX_PASSES: Final = 4


def record_id(text: str) -> str:
    """A partner's record id in the one form duplicates are judged and tokens made on.

    Invisible characters (Unicode category Cf: zero-width spaces and joiners, the
    soft hyphen, bidirectional marks, the byte-order mark ...) removed; Unicode
    NFKC; upper case; every decimal digit of any script (Arabic-Indic, Persian,
    Devanagari, full-width ...) to its ASCII digit; white space and dashes (Unicode
    category Pd, and the minus sign) removed; repeated until nothing changes (a
    removed character can leave a letter and a combining mark to be composed).
    "" when nothing is left. docs/tokens.md specifies it for partners.
    """
    if text.isascii():  # NFKC, Cf and non-ASCII digits cannot occur
        return _ASCII_ID_NOISE_RE.sub("", text.upper())
    for _ in range(_MAX_PASSES):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).upper())
        once = "".join(
            str(unicodedata.decimal(c)) if c.isdecimal() else c
            for c in folded
            if not (c.isspace() or c == _MINUS_SIGN or unicodedata.category(c) in ("Cf", "Pd"))
        )
        if once == text:
            break
        text = once
    return text


def record_id_column(values: pd.Series) -> pd.Series:
    """:func:`record_id` of a column, Arrow-backed; missing ids, and ids that normalise to
    nothing, are <NA>. An all-ASCII column (the usual case) is done by Arrow's kernels,
    anything else once per distinct value."""
    text = arrow_array(as_text(values))
    if not pc.all(pc.fill_null(pc.string_is_ascii(text), True)).as_py():
        return string_column(values, record_id)
    # utf8_upper, not ascii_upper: pyarrow 26's ascii_upper writes invalid text for a slice
    # of rows cut by pandas (offset 0, first value offset > 0), as standardisation's and
    # tokenising's row slices are
    folded: Any = pc.utf8_upper(pc.replace_substring_regex(text, _ASCII_ID_NOISE, ""))
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, pa.string()), folded)
    return arrow_series(folded, values.index)


def national_number(text: str) -> str | None:
    """The 10-digit national number, or None when the value is not one."""
    value = normalize_arabic(text).replace(" ", "").replace("-", "")
    if _FLOAT.match(value) and not _NATIONAL.fullmatch(value):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        if number != number.to_integral_value():
            return None
        value = str(int(number))
    return value if _NATIONAL.fullmatch(value) else None


def unhcr_id(text: str) -> str | None:
    """Upper-case alphanumerics of a UNHCR individual or case id ("945-15c01234" -> "94515C01234")."""
    value = _NOT_ALNUM.sub("", normalize_arabic(text).upper())
    return value or None


# --- what an identifier looks like, whatever column it came in ------------------------------
#
# Partners put identifiers in each other's columns: a job-seeker "UNHCR No" column holds the
# family's case number, a national number sits in the phone column. ``identifier_shapes``
# says what each value looks like; ``benelink.standardize.routing`` decides, with the
# evidence of the whole column, where it belongs. The shapes (docs/identifiers.md):
#
# * UNHCR case number (one per family), proGres: office, year, "C", serial — "945-21C01234"
#   (also "945 21c01234", "LEB-15C12345"); since 2021 the "C" is a dash — "945-21-01234",
#   recognised only with its separators (bare, it is ten digits like a national number).
# * UNHCR individual id: office and 8 digits — "945-00123456", "94500123456", "JOR-12345678".
#   Eleven bare digits starting with 0 or with Jordan's country code 962 are a phone instead.
# * Jordanian national number: 10 digits, the first not 0 (9 and two digits of the birth
#   year before 2000, 2 after); an Excel ".0" is forgiven.
# * Phone: +<country>…, 00<country>…, a trunk 0 and 8-9 digits, 962 and 8-9 digits, or a
#   Jordanian mobile without its trunk 0 (7[789] and 7 digits). Judged by shape here; the
#   router asks ``phones.e164`` before it moves one into the phone column.
#
# Offices are three digits or three letters (or two letters and a digit). A case number and
# an individual id can share the case shape in some offices: that is settled per column.

SHAPE_NONE: Final = 0
SHAPE_NATIONAL: Final = 1
SHAPE_INDIVIDUAL: Final = 2
SHAPE_CASE: Final = 3
SHAPE_PHONE: Final = 4

# Patterns are matched on the text as typed, case ignored, separators allowed where clerks
# put them (matching with a tolerant pattern is several times faster in Arrow's RE2 than
# first rewriting a million values without their separators).
_S: Final = r"[\s\-/_]"  # a separator (any dash or space of another script is folded to one)
_OFFICE: Final = r"(?:[1-9][0-9]{2}|[A-Z]{3}|[A-Z]{2}[0-9])"
# an individual id's office is never 962, Jordan's country code: 962 + 8 digits is a phone
_ID_OFFICE: Final = r"(?:[1-8][0-9]{2}|9[0-57-9][0-9]|96[013-9]|[A-Z]{3}|[A-Z]{2}[0-9])"
_CASE: Final = (
    rf"^{_OFFICE}(?:{_S}*[0-9]{{2}}{_S}*C{_S}*[0-9]{{4,6}}|{_S}+[0-9]{{2}}{_S}+[0-9]{{5}})$"
)
_INDIVIDUAL: Final = rf"^{_ID_OFFICE}(?:{_S}*[0-9]){{8}}$"
_NATIONAL_SHAPE: Final = r"^[1-9](?:[\s\-]*[0-9]){9}(?:\.0+)?$"
_D: Final = r"(?:[\s\-/.()]*[0-9])"  # a digit of a phone, after its separators
_PHONE: Final = (
    rf"^[\s(]*(?:\+|00){_D}{{7,15}}(?:\.0+)?$"
    rf"|^[\s(]*0[\s\-/.()]*[1-9]{_D}{{7,8}}(?:\.0+)?$"
    rf"|^9{_S}*6{_S}*2{_D}{{8,9}}(?:\.0+)?$"
    rf"|^7[\s\-/.()]*[789]{_D}{{7}}(?:\.0+)?$"
)
_NOT_ASCII_SEPARATOR: Final = re.compile(r"[^\S ]|[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def _fold_identifier(text: str) -> str:
    """NFKC, any script's digits as ASCII, any dash a hyphen and any white space
    a space, invisible characters gone (separators kept: the dashed case number is told by
    them)."""
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in folded
        if unicodedata.category(c) != "Cf"
    )
    return _NOT_ASCII_SEPARATOR.sub(lambda m: " " if m.group().isspace() else "-", kept)


def _folded_text(values: pd.Series) -> Any:
    """The column folded by :func:`_fold_identifier`: Arrow's kernels for ASCII (the usual
    case), Python once per distinct value otherwise."""
    text = arrow_array(as_text(values))
    if not pc.all(pc.fill_null(pc.string_is_ascii(text), True)).as_py():
        return arrow_array(string_column(values, _fold_identifier))
    return text  # letters are matched ignoring case: no upper-cased copy


def _hit(text: Any, pattern: str) -> np.ndarray:
    matched = pc.match_substring_regex(text, pattern, ignore_case=True)
    return np.asarray(pc.fill_null(matched, False))


def _classified(text: Any) -> np.ndarray:
    """The shape of every value of ``text``, the more specific shape first."""
    case = _hit(text, _CASE)
    individual = _hit(text, _INDIVIDUAL)
    national = _hit(text, _NATIONAL_SHAPE)
    phone = _hit(text, _PHONE)
    return np.select(
        [case, individual, national, phone],
        [SHAPE_CASE, SHAPE_INDIVIDUAL, SHAPE_NATIONAL, SHAPE_PHONE],
        SHAPE_NONE,
    ).astype(np.int8)


def _own_shape(text: Any, shape: int) -> np.ndarray:
    """Where a value has ``shape`` and no more specific one (a dashed case number is also
    ten digits: not a national number)."""
    if shape == SHAPE_CASE:
        return _hit(text, _CASE)
    if shape == SHAPE_INDIVIDUAL:
        return _hit(text, _INDIVIDUAL)
    if shape == SHAPE_NATIONAL:
        national: np.ndarray = _hit(text, _NATIONAL_SHAPE) & ~_hit(text, _CASE)
        return national
    return _hit(text, _PHONE)


def identifier_shapes(values: pd.Series, usual: int | None = None) -> np.ndarray:
    """What each value looks like: one of the ``SHAPE_*`` codes (int8), ``SHAPE_NONE`` for a
    missing value or one of no known shape.

    Vectorised, so a whole source is judged before it is cut into slices. ``usual`` is the
    shape most values of the column are expected to have (its own kind): it is tried
    first on every value, and only the others are tried for every shape, so a million
    values cost about two pattern matches each.
    """
    text = _folded_text(values)
    if usual is None:
        return _classified(text)
    own = _own_shape(text, usual)
    out = np.where(own, usual, SHAPE_NONE).astype(np.int8)
    rest = np.flatnonzero(~own & np.asarray(pc.is_valid(text)))
    if len(rest):
        out[rest] = _classified(text.take(pa.array(rest)))
    return out
