"""National numbers and UNHCR ids in the one form that tokens and blocking use.

Spreadsheets turn a national number into a float ("9851234567.0", even
"9.851234567E9"); UNHCR ids come with dashes, spaces and lower case. Anything
that is not a well-formed id becomes missing so it cannot create false links.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from benelink.standardize.arabic import normalize_arabic

_FLOAT: Final = re.compile(r"^\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$")
_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9]")
_NATIONAL: Final = re.compile(r"[0-9]{10}")


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
