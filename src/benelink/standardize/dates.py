"""Dates of birth and registration in the formats partners send.

This module is the one definition of "a date benelink can read": the
validation rules (``schemas.raw``) and standardisation both ask it, so a value
validation keeps is a value standardisation reads, and every other value is
dropped *and counted*. The forms read (docs/dates.md lists them for officers):

* numbers: year first (1990-03-12, 1990/3/12, 1990.03.12, 1990 03 12, mixed
  separators such as 1990/03-12), day first (12/03/1990, 12-3-1990, 12.03.1990,
  12 03 1990), eight digits (19900312, or 12031990 when that is no year-first
  date), a time after any of them (1990-03-12T10:20:30Z, 12/3/1990 12:00:00 AM);
* month names: English names and abbreviations (12 Mar 1990, March 12, 1990,
  12-MAR-90, Monday 12th of March 1990), the Levantine/Syriac names (كانون
  الثاني ... كانون الأول, the ordinal with or without the article, or as a
  digit: كانون 2) and the Egyptian/Gulf ones (يناير ... ديسمبر, with
  their spellings إبريل/أبريل, يونيه/يونيو, يوليه/يوليو), the North African ones
  (جانفي, فيفري, أفريل, ...) and two names that agree (آذار/مارس); hamza seats,
  taa marbuta, alef maqsura and the article are ignored (``normalize_arabic``);
* two-digit years (12/03/90, 12-MAR-90): a birth or a registration is never in
  the future, so ``yy`` is the latest year ending in ``yy`` that is not after
  the current year (in 2026: 26 -> 2026, 27 -> 1927, 90 -> 1990);
* Excel serial numbers (31245, 31245.0, 31245.5: days since 1899-12-30, what a
  date cell exported as a number holds), five digits, so 1927-05-18 onwards;
* a bare year (1985, 1985.0), and a month name with a year only (March 1990),
  both read as the year alone: UNHCR often knows only the year;
* Arabic-Indic and Persian digits anywhere.

Jordanian files are day-first (d/m/yyyy); a numeric date is read month-first
only when its second number cannot be a month (12/25/1990). When both numbers
could be either, the day-first reading is kept and the linkage compares with a
swap-tolerant level; validation judges "in the future" on the earliest of the
two readings. A month name is never ambiguous.

Why a table of our own rather than a library: ``dateparser`` knows the
Egyptian/Gulf names but none of the Levantine ones (كانون الثاني, شباط, آذار
... come back as no date), takes 2-3 ms a value (a million-record month holds some
150,000 distinct date strings: six minutes), and reads "yesterday"
or "2 days ago" as dates; ``python-dateutil`` knows no Arabic, and with
``dayfirst`` reads 1985-03-07T10:20 as 3 July and 19900312 as 3 December.
The parser below is a few regular expressions and one lookup table, about 5
microseconds a numeric value, and refuses anything it does not know.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from benelink.standardize.arabic import normalize_arabic

Ymd = tuple[int, int | None, int | None]

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100
_EXCEL_EPOCH: Final = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug

# a time of day after the date, with seconds, fractions, AM/PM (ص/م) and a zone, all optional
_TIME: Final = re.compile(
    r"(?:(?<=\d)t|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"\s*(?:am|pm|a\.m\.|p\.m\.|ص|م)?\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$"
)
_SEP: Final = r"(?:\s*[-/.,]\s*|\s+)"  # one separator, mixed freely within a date
_YEAR_FIRST: Final = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})")
_DAY_FIRST: Final = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})")
_COMPACT: Final = re.compile(r"\d{8}")
_YEAR: Final = re.compile(r"(\d{4})(?:\.0+)?")
_SERIAL: Final = re.compile(r"(\d{5})(?:\.\d+)?")
_TOKEN: Final = re.compile(r"\d+|[^\W\d_]+")
_HAS_LETTER: Final = re.compile(r"[^\W\d_]")


def _table(names: dict[int, tuple[str, ...]]) -> dict[str, int]:
    """Month names keyed as ``_month_words`` sees them (normalised, lower case)."""
    return {normalize_arabic(n).casefold(): m for m, spellings in names.items() for n in spellings}


# one-word month names
_MONTHS: Final[dict[str, int]] = _table(
    {
        1: ("january", "jan", "يناير", "جانفي", "جانفييه"),
        2: ("february", "feb", "شباط", "فبراير", "فبرير", "فيفري"),
        3: ("march", "mar", "آذار", "مارس"),
        4: ("april", "apr", "نيسان", "أبريل", "إبريل", "ابريل", "أفريل", "افريل"),
        5: ("may", "أيار", "مايو", "ماي"),
        6: ("june", "jun", "حزيران", "يونيو", "يونيه", "يونية", "جوان"),
        7: ("july", "jul", "تموز", "يوليو", "يوليه", "يولية", "جويلية", "جويليه"),
        8: ("august", "aug", "آب", "أغسطس", "اغسطس", "أغسطوس", "أوت"),
        9: ("september", "sep", "sept", "أيلول", "سبتمبر", "سيبتمبر"),
        10: ("october", "oct", "أكتوبر", "اكتوبر", "اكتوبير"),
        11: ("november", "nov", "نوفمبر", "نوفمبير"),
        12: ("december", "dec", "ديسمبر", "دجنبر"),
    }
)
# Levantine names in two words: كانون / تشرين and which one (the article optional, or a digit)
_PAIRED: Final[dict[str, tuple[int, int]]] = {"كانون": (12, 1), "تشرين": (10, 11)}
_ORDINALS: Final[dict[str, int]] = {
    normalize_arabic(w): i
    for i, words in ((0, ("الأول", "أول", "1")), (1, ("الثاني", "ثاني", "2")))
    for w in words
}
# words that carry no part of the date: weekdays, "of", ordinal suffixes, "year", AD
_NOISE: Final[frozenset[str]] = frozenset(
    normalize_arabic(w).casefold()
    for w in (
        "of", "the", "st", "nd", "rd", "th", "ad", "monday", "mon", "tuesday", "tue", "tues",
        "wednesday", "wed", "thursday", "thu", "thur", "thurs", "friday", "fri", "saturday",
        "sat", "sunday", "sun", "م", "عام", "سنة", "لعام", "لسنة", "من", "شهر", "في",
        "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد",
    )
)  # fmt: skip


def _full_year(digits: str, this_year: int | None) -> int:
    """A year as written: four digits as they are; two digits the latest such year not
    after ``this_year`` (default the current year: a birth or a registration is never in
    the future)."""
    year = int(digits)
    if len(digits) != 2:
        return year
    this_year = this_year or date.today().year
    year += this_year // 100 * 100
    return year if year <= this_year else year - 100


def _calendar(year: int, month: int, day: int) -> Ymd | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return (year, month, day)


def _numeric(value: str, this_year: int | None) -> tuple[Ymd, ...]:
    """The readings of an all-digit date; the first is the one standardisation keeps."""
    if match := _DAY_FIRST.fullmatch(value):
        first, second = int(match[1]), int(match[2])
        year = _full_year(match[3], this_year)
        if second > 12 and first <= 12:
            first, second = second, first  # month-first: 12/25/1990
        kept = _calendar(year, second, first)
        if first == second or first > 12:
            return (kept,) if kept else ()
        other = _calendar(year, first, second)  # both numbers can be the month
        return (kept, other) if kept and other else ()
    if match := _YEAR_FIRST.fullmatch(value):
        found = _calendar(int(match[1]), int(match[2]), int(match[3]))
        return (found,) if found else ()
    if _COMPACT.fullmatch(value):  # yyyymmdd, else ddmmyyyy (both cannot hold in 1900-2100)
        for y, m, d in ((value[:4], value[4:6], value[6:]), (value[4:], value[2:4], value[:2])):
            found = _calendar(int(y), int(m), int(d))
            if found and MIN_YEAR <= found[0] <= MAX_YEAR:
                return (found,)
        return ()
    if match := _YEAR.fullmatch(value):
        return ((int(match[1]), None, None),)
    if match := _SERIAL.fullmatch(value):
        when = _EXCEL_EPOCH + timedelta(days=int(match[1]))
        return ((when.year, when.month, when.day),)
    return ()


def _month_words(tokens: list[str]) -> tuple[list[int], list[str], list[int]] | None:
    """(months named, the numbers in order, the number positions around the name):
    position 0 before the (first) month name, 1 after it; None for any unknown word."""
    months: list[int] = []
    numbers: list[str] = []
    sides: list[int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            numbers.append(token)
            sides.append(1 if months else 0)
        elif token in _PAIRED:
            which = _ORDINALS.get(tokens[i + 1]) if i + 1 < len(tokens) else None
            if which is None:
                return None  # كانون or تشرين alone is two months
            months.append(_PAIRED[token][which])
            i += 1
        elif token in _MONTHS or token.removeprefix("ال") in _MONTHS:
            months.append(_MONTHS.get(token) or _MONTHS[token.removeprefix("ال")])
        elif token not in _NOISE:
            return None
        i += 1
    return months, numbers, sides


def _named(value: str, this_year: int | None) -> tuple[Ymd, ...]:
    """The reading of a date that names its month (one reading: a name is unambiguous)."""
    words = _month_words(_TOKEN.findall(value))
    if words is None:
        return ()
    months, numbers, sides = words
    if not months or len(set(months)) != 1 or not 1 <= len(numbers) <= 2:
        return ()
    month = months[0]
    if len(numbers) == 1:  # "March 1990": the year alone, as a bare year is read
        return ((int(numbers[0]), None, None),) if len(numbers[0]) == 4 else ()
    long = [len(n) == 4 for n in numbers]
    if long == [True, False]:
        year, day = numbers
    elif long == [False, True]:
        day, year = numbers
    elif long == [False, False] and sides[1] == 1:
        day, year = numbers  # 12-MAR-90, Mar 12 90; never "12 90 Mar"
    else:
        return ()
    if len(day) > 2 or len(year) not in (2, 4):
        return ()
    found = _calendar(_full_year(year, this_year), month, int(day))
    return (found,) if found else ()


@lru_cache(maxsize=1 << 16)
def _readings(text: str, this_year: int | None) -> tuple[Ymd, ...]:
    """Every calendar reading of ``text``, the one to keep first; () when it is no date.
    Years are not judged here: validation tells "implausible" and "future" from "no date"."""
    # ASCII needs no Arabic normalisation (NFKC and the letter table leave it as it is)
    value = " ".join(text.lower().split()) if text.isascii() else normalize_arabic(text).casefold()
    if ":" in value:
        value = _TIME.sub("", value).strip()
    if not value:
        return ()
    numeric = _numeric(value, this_year)
    if numeric or _HAS_LETTER.search(value) is None:
        return numeric
    bare = _TOKEN.sub(lambda m: "" if m[0] in _NOISE else m[0], value).strip(" -/.,")
    if _HAS_LETTER.search(bare) is None:  # only words that carry nothing: "1990م", "Mon 12/3/1990"
        return _numeric(bare, this_year)
    return _named(value, this_year)


def parse_date(text: str, *, this_year: int | None = None) -> Ymd | None:
    """(year, month, day) of a date string, month and day None for a year alone; None if
    it is no date or its year is outside 1900-2100. ``this_year`` (default: the current
    year) is the latest year a two-digit year may mean."""
    readings = _readings(text, this_year)
    if not readings or not MIN_YEAR <= readings[0][0] <= MAX_YEAR:
        return None
    return readings[0]


def parse_birth_date(text: str, *, this_year: int | None = None) -> Ymd | None:
    """As :func:`parse_date`, with 1 January read as the year alone: it is how registries
    write a birth date whose day and month are unknown (UNHCR registrations, civil records
    of older people), so it must neither match nor contradict a full date of that year."""
    parsed = parse_date(text, this_year=this_year)
    if parsed is not None and parsed[1] == 1 and parsed[2] == 1:
        return (parsed[0], None, None)
    return parsed


def iso_date(text: str, *, this_year: int | None = None) -> str | None:
    """ "YYYY-MM-DD" of a full date; None for a year alone or an unusable value."""
    parsed = parse_date(text, this_year=this_year)
    if parsed is None or parsed[1] is None or parsed[2] is None:
        return None
    return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}"


@lru_cache(maxsize=1 << 16)  # validation asks three rules of each distinct date of birth
def earliest_date(text: str, *, this_year: int | None = None) -> date | None:
    """The earliest calendar day ``text`` can mean (either reading of an ambiguous day and
    month; 1 January of a year alone), whatever its year; None if it is no date.

    What validation judges a date of birth by: no date, before 1900, in the future.
    """
    readings = _readings(text, this_year)
    if not readings:
        return None
    y, m, d = min(readings, key=lambda r: (r[0], r[1] or 1, r[2] or 1))
    return date(y, m or 1, d or 1) if 1 <= y <= 9999 else None
