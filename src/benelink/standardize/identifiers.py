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
