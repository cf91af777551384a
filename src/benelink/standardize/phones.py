"""Phone numbers to E.164, whatever Jordanian form they were typed in.

07XXXXXXXX, 7XXXXXXXX, +9627…, 009627…, "962 7X XXX XXXX", with spaces,
dashes or dots; ``phonenumbers`` with region JO decides validity, so a number
with a wrong length or prefix becomes missing rather than a false match key.

Nearly every phone in a file is distinct, so asking ``phonenumbers`` about
each one would dominate the stage. Jordan's numbering plan (the library's
metadata) decides validity from the first five digits of the national number
and its length, so the answer is asked once per (prefix, length) and reused;
numbers of other countries are asked one by one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import phonenumbers

from benelink.standardize.arabic import normalize_arabic

_NOT_DIGITS: Final = re.compile(r"[^\d+]")
_FLOAT_ZERO: Final = re.compile(r"\.0+$")  # a numeric spreadsheet cell: 791234567.0
_DIGITS: Final = re.compile(r"[0-9]{6,12}")
REGION: Final = "JO"
COUNTRY_CODE: Final = "962"
_DECIDING_PREFIX: Final = 5


@lru_cache(maxsize=4096)
def _valid_jordanian(prefix: str, length: int) -> bool:
    """Validity of the Jordanian national numbers that share a prefix and a length."""
    example = prefix.ljust(length, "0")
    number = phonenumbers.parse("+" + COUNTRY_CODE + example, None)
    return bool(phonenumbers.is_valid_number_for_region(number, REGION))


def _foreign(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def e164(text: str) -> str | None:
    """The E.164 form ("+9627XXXXXXXX") of a phone number, or None if it is not valid."""
    raw = _NOT_DIGITS.sub("", _FLOAT_ZERO.sub("", normalize_arabic(text).strip()))
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
    if not _DIGITS.fullmatch(national):
        return None
    if not _valid_jordanian(national[:_DECIDING_PREFIX], len(national)):
        return None
    return "+" + COUNTRY_CODE + national
