"""Dates of birth and registration in the formats partners send.

Jordanian files are day-first (d/m/yyyy); a date is read month-first only when
its first number cannot be a month. When both numbers could be either, the
day-first reading is kept and the linkage compares with a swap-tolerant level.
Excel serials arrive as text ("31245") when a date cell was exported as a
number; a bare year is a partial date (UNHCR often only knows the year).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from benelink.standardize.arabic import normalize_arabic

Ymd = tuple[int, int | None, int | None]

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100
_EXCEL_EPOCH: Final = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_TIME: Final = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST: Final = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_DAY_FIRST: Final = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}){_TIME}$")
_YEAR: Final = re.compile(r"^(\d{4})(?:\.0+)?$")
_SERIAL: Final = re.compile(r"^(\d{5})(?:\.\d+)?$")


def _checked(year: int, month: int, day: int) -> Ymd | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return (year, month, day) if MIN_YEAR <= year <= MAX_YEAR else None


def parse_date(text: str) -> Ymd | None:
    """(year, month, day) of a date string, month and day None for a bare year; None if unusable."""
    value = normalize_arabic(text).strip()
    if match := _YEAR_FIRST.match(value):
        return _checked(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_FIRST.match(value):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if second > 12 and first <= 12:
            first, second = second, first  # month-first: 12/25/1990
        return _checked(year, second, first)
    if match := _YEAR.match(value):
        year = int(match[1])
        return (year, None, None) if MIN_YEAR <= year <= MAX_YEAR else None
    if match := _SERIAL.match(value):
        day = _EXCEL_EPOCH + timedelta(days=int(match[1]))
        return _checked(day.year, day.month, day.day)
    return None


def iso_date(text: str) -> str | None:
    """ "YYYY-MM-DD" of a full date; None for a bare year or an unusable value."""
    parsed = parse_date(text)
    if parsed is None or parsed[1] is None or parsed[2] is None:
        return None
    return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}"
