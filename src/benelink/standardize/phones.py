"""Phone numbers to E.164, whatever Jordanian form they were typed in.

This module is the one definition of "a phone benelink can read": validation
(``schemas.raw``) drops and counts what it cannot read, standardisation keeps
the rest. Forms read: 07XXXXXXXX, 7XXXXXXXX (a number cell that lost its
zero, also as 791234567.0), +9627…, 009627…, 9627…, "0 79 123 4567", with
spaces, dashes, dots, slashes or parentheses, Arabic-Indic or Persian digits,
a leading apostrophe (Excel's mark for text), and two numbers in one cell
("0791234567 / 0781234567", "0791234567 و 0781234567"): the first is kept and
the cell is counted (``several``). Letters make a value no phone.

``phonenumbers`` with region JO decides validity. Its metadata lags the
operators' allocations (in version 9.0 it lists 077/078 numbers whose third
digit is 3 or 4 as unassigned), so a Jordanian number that is *possible*
(``phonenumbers.is_possible_number``) and shaped like a mobile (07[789] and
seven digits) or a landline (0[2356] and seven digits) is kept too, marked
``listed=False``: validation counts it as ``phone_not_in_known_ranges``, with
the value kept. A number of another country is kept only when valid.

Nearly every phone in a file is distinct, so asking ``phonenumbers`` about
each one would dominate the stage. Jordan's numbering plan (the library's
metadata) decides from the first five digits of the national number and its
length, so the answer is asked once per (prefix, length) and reused; numbers
of other countries are asked one by one. Validation reads a whole column at
once (``read_phone_column``): the plain forms (ASCII digits, "+", spaces and
dashes) by Arrow's kernels, every other value by ``read_phone`` once per
distinct value, so the two agree by construction (and a test holds them to it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final, Literal, NamedTuple

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from benelink.arrow_text import arrow_array

REGION: Final = "JO"
COUNTRY_CODE: Final = "962"
_DECIDING_PREFIX: Final = 5
_TO_ASCII: Final = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian
    }
)
# what may stand around and between the digits of one number: white space, - . / ( ),
# quotes (Excel's leading apostrophe) and invisible direction marks
_SEPARATORS: Final = re.compile(
    r"[\s\u00a0'\"\u2018\u2019()\-./\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
_COMPACT: Final = re.compile(r"\+?[0-9]+")
_FLOAT_ZERO: Final = re.compile(r"^\s*'?(\d+)\.0+\s*$")  # a number cell: 791234567.0
_NATIONAL: Final = re.compile(r"[0-9]{6,12}")
# between two numbers in one cell
_BETWEEN: Final = re.compile(r"\s*(?:[,;|\\&/\n]|or|and|او|أو|و)\s*", re.IGNORECASE)
# a Jordanian number the library's metadata does not list but that is kept
_PLAUSIBLE: Final = re.compile(r"7[789]\d{7}|[2356]\d{7}")

# the plain forms, read in Arrow (RE2): the national number after +962, 00962, 962 (11+
# digits in all) or nothing, as ``_number`` reads them; "00" then no 962 is another country
_PLAIN: Final = r"^(?:(?:\+|00)962(?P<a>[0-9]+)|962(?P<b>[0-9]{8,})|(?P<c>0?[1-9][0-9]*))$"

Listing = Literal["listed", "unlisted"]


class PhoneReading(NamedTuple):
    """A phone as standardisation keeps it, and what validation counts about it."""

    e164: str
    listed: bool = True  # in the library's valid ranges
    several: bool = False  # the cell held more than one number; this is the first


@lru_cache(maxsize=4096)
def _jordanian(prefix: str, length: int) -> Listing | None:
    """What the Jordanian national numbers that share a prefix and a length are."""
    example = prefix.ljust(length, "0")
    number = phonenumbers.parse("+" + COUNTRY_CODE + example, None)
    if phonenumbers.is_valid_number_for_region(number, REGION):
        return "listed"
    if phonenumbers.is_possible_number(number) and _PLAUSIBLE.fullmatch(example):
        return "unlisted"
    return None


def _foreign(raw: str) -> PhoneReading | None:
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return PhoneReading(
        str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    )


def _single(text: str) -> PhoneReading | None:
    """One number written in ``text`` (ASCII digits), or None."""
    raw = _SEPARATORS.sub("", text)
    return _number(raw) if _COMPACT.fullmatch(raw) else None


def _number(raw: str) -> PhoneReading | None:
    """The phone of ``raw``: ASCII digits, with a "+" before them or not."""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.startswith(COUNTRY_CODE) and len(raw) >= 11:
        raw = "+" + raw
    if raw.startswith("+" + COUNTRY_CODE):
        national = raw[4:]
    elif raw.startswith("+"):
        return _foreign(raw)
    else:
        national = raw
    national = national[1:] if national.startswith("0") else national  # trunk prefix
    if not _NATIONAL.fullmatch(national):
        return None
    listing = _jordanian(national[:_DECIDING_PREFIX], len(national))
    if listing is None:
        return None
    return PhoneReading("+" + COUNTRY_CODE + national, listed=listing == "listed")


def _first_of_several(text: str) -> PhoneReading | None:
    """The first number of a cell holding several, split at a separator (, ; / | "or" "و")
    or, failing that, at the space where both sides are numbers."""
    parts = [p for p in _BETWEEN.split(text) if p.strip()]
    if len(parts) > 1:  # the first that reads; words without a digit ("n/a") are not numbers
        found = next((r for r in map(_single, parts) if r is not None), None)
        several = sum(any(c.isdigit() for c in p) for p in parts) > 1
        return found._replace(several=several) if found else None
    chunks = text.split()
    for cut in range(1, len(chunks)):
        head = _single(" ".join(chunks[:cut]))
        if head is not None and _single(" ".join(chunks[cut:])) is not None:
            return head._replace(several=True)
    return None


def read_phone(text: str) -> PhoneReading | None:
    """The phone ``text`` holds (the first when it holds several), or None if none."""
    if text.isdigit() and text.isascii():  # most cells: 0791234567, 791234567
        return _number(text)
    value = text if text.isascii() else text.translate(_TO_ASCII)
    if match := _FLOAT_ZERO.match(value):
        value = match[1]
    return _single(value) or _first_of_several(value)


def e164(text: str) -> str | None:
    """The E.164 form ("+9627XXXXXXXX") of a phone number, or None if it holds none."""
    reading = read_phone(text)
    return reading.e164 if reading is not None else None


class PhoneColumn(NamedTuple):
    """``read_phone`` of every value of a column, as arrays (a missing value reads as
    nothing, and is neither unlisted nor several)."""

    e164: Any  # pyarrow string array, null where there is no phone
    listed: np.ndarray  # bool: False only for a kept phone outside the known ranges
    several: np.ndarray  # bool: True only for a cell holding several phones


def read_phone_column(values: pd.Series) -> PhoneColumn:
    """``read_phone`` of each value of ``values``, the plain forms read by Arrow's kernels."""
    text = arrow_array(values)
    national = pc.replace_substring_regex(
        _plain_rest(pc.replace_substring_regex(text, r"[ \-]", "")), r"^0", ""
    )
    keys = pc.dictionary_encode(
        pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(national, 0, _DECIDING_PREFIX),
            pc.cast(pc.utf8_length(national), pa.string()),
            "/",
        )
    )
    listings = [_plain_listing(k) for k in keys.dictionary.to_pylist()]
    known = np.array([x is not None for x in listings] + [False])
    listed = np.array([x != "unlisted" for x in listings] + [True])
    at = pc.fill_null(keys.indices, len(listings)).to_numpy(zero_copy_only=False)
    decided = known[at]
    e164 = pc.if_else(decided, pc.binary_join_element_wise("+" + COUNTRY_CODE, national, ""), None)
    listed_out, several_out = listed[at], np.zeros(len(text), dtype=bool)
    rest = np.flatnonzero(~decided & ~np.asarray(pc.is_null(text)))
    if len(rest):  # every other form, once per distinct value
        codes, uniques = pd.factorize(pd.Series(text.take(pa.array(rest)).to_pylist()))
        readings = [read_phone(str(u)) for u in uniques.tolist()]
        found = [r.e164 if r else None for r in readings]
        e164 = e164.to_pylist()
        for row, code in zip(rest.tolist(), codes.tolist(), strict=True):
            e164[row] = found[code]
        e164 = pa.array(e164, type=pa.string())
        listed_out[rest] = np.array([r is None or r.listed for r in readings], dtype=bool)[codes]
        several_out[rest] = np.array([r is not None and r.several for r in readings])[codes]
    return PhoneColumn(e164, listed_out, several_out)


def _plain_rest(compact: Any) -> Any:
    """The national number (trunk zero still on) of each plain value; null for the others."""
    parts = pc.extract_regex(compact, _PLAIN)
    rest = pc.binary_join_element_wise(parts.field("a"), parts.field("b"), parts.field("c"), "")
    return pc.if_else(pc.match_substring_regex(compact, _PLAIN), rest, None)


def _plain_listing(key: str) -> Listing | None:
    """The listing of a plain national number's (prefix, length) key; None for the rest."""
    prefix, _, length = key.partition("/")
    if not 6 <= int(length) <= 12:
        return None
    return _jordanian(prefix, int(length))
