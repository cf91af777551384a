"""Dates, phones, ids, places and codes: every accepted form and the rejects."""

from __future__ import annotations

import pytest

from benelink.standardize.codes import employment_status, sex
from benelink.standardize.dates import iso_date, parse_date
from benelink.standardize.identifiers import national_number, unhcr_id
from benelink.standardize.phones import e164
from benelink.standardize.places import governorate, nationality


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-03-07", (1985, 3, 7)),
        ("1985-03-07 00:00:00", (1985, 3, 7)),
        ("1985-03-07T10:20:30", (1985, 3, 7)),
        ("7/3/1985", (1985, 3, 7)),  # day-first
        ("07-03-1985", (1985, 3, 7)),
        ("7.3.1985", (1985, 3, 7)),
        ("1985/03/07", (1985, 3, 7)),
        ("12/25/1990", (1990, 12, 25)),  # second number cannot be a month: month-first
        ("25/12/1990", (1990, 12, 25)),
        ("05/06/1990", (1990, 6, 5)),  # ambiguous: day-first kept
        ("1985", (1985, None, None)),  # bare year
        ("31245", (1985, 7, 17)),  # Excel serial as text
        ("31245.0", (1985, 7, 17)),
        ("٠٧/٠٣/١٩٨٥", (1985, 3, 7)),
        ("31/02/1990", None),  # no such day
        ("13/13/1990", None),
        ("1850", None),  # implausible year
        ("abc", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: tuple[int, int | None, int | None] | None) -> None:
    assert parse_date(raw) == expected


def test_iso_date_needs_a_full_date() -> None:
    assert iso_date("7/3/2026") == "2026-03-07"
    assert iso_date("2026") is None


@pytest.mark.parametrize(
    "raw",
    [
        "0791234567",
        "791234567",
        "+962791234567",
        "00962791234567",
        "962 79 123 4567",
        "079-123-4567",
        "079 123 4567",
        "791234567.0",
        "٠٧٩١٢٣٤٥٦٧",
    ],
)
def test_phone_forms(raw: str) -> None:
    assert e164(raw) == "+962791234567"


@pytest.mark.parametrize("raw", ["12345", "0791234", "abc", "", "+96279123456789"])
def test_invalid_phones(raw: str) -> None:
    assert e164(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9851234567", "9851234567"),
        ("9851234567.0", "9851234567"),
        ("9.851234567E9", "9851234567"),
        (" 985 123 4567 ", "9851234567"),
        ("985123456", None),
        ("98512345678", None),
        ("98512345a7", None),
        ("9851234567.5", None),
    ],
)
def test_national_number(raw: str, expected: str | None) -> None:
    assert national_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("945-12345678", "94512345678"),
        ("945-15c01234", "94515C01234"),
        (" 945 12345678 ", "94512345678"),
        ("--", None),
    ],
)
def test_unhcr_id(raw: str, expected: str | None) -> None:
    assert unhcr_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("عمان", "Amman"), ("عمّان", "Amman"), ("Amman", "Amman"), ("محافظة إربد", "Irbid"),
        ("اربد", "Irbid"), ("Irbd", "Irbid"), ("الزرقاء", "Zarqa"), ("Zarka", "Zarqa"),
        ("المفرق", "Mafraq"), ("Mafraq", "Mafraq"), ("السلط", "Balqa"), ("Balqa", "Balqa"),
        ("Kerak", "Karak"), ("الكرك", "Karak"), ("جرش", "Jerash"), ("Ajlun", "Ajloun"),
        ("مادبا", "Madaba"), ("Tafileh", "Tafilah"), ("الطفيلة", "Tafilah"), ("Ma'an", "Maan"),
        ("معان", "Maan"), ("Akaba", "Aqaba"), ("العقبة", "Aqaba"), ("Damascus", None), ("", None),
    ],
)  # fmt: skip
def test_governorate(raw: str, expected: str | None) -> None:
    assert governorate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أردني", "JOR"), ("أردنية", "JOR"), ("Jordanian", "JOR"), ("JOR", "JOR"),
        ("سوري", "SYR"), ("سورية", "SYR"), ("Syrian", "SYR"), ("SYR", "SYR"), ("IRQ", "IRQ"),
        ("Yemeni", "YEM"), ("sdn", "SDN"), ("مصري", "EGY"), ("Palestinian", "PSE"),
        ("Martian", None),
    ],
)  # fmt: skip
def test_nationality(raw: str, expected: str | None) -> None:
    assert nationality(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ذكر", "M"), ("أنثى", "F"), ("انثى", "F"), ("M", "M"), ("f", "F"), ("Male", "M"),
        ("FEMALE", "F"), ("1", "M"), ("2", "F"), ("2.0", "F"), ("3", None), ("x", None),
    ],
)  # fmt: skip
def test_sex(raw: str, expected: str | None) -> None:
    assert sex(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Employed", "employed"), ("employed", "employed"), ("Employed ", "employed"),
        ("موظف", "employed"), ("يعمل", "employed"), ("Unemployed", "unemployed"),
        ("عاطل", "unemployed"), ("باحث عن عمل", "unemployed"), ("In training", "in_training"),
        ("In Training", "in_training"), ("تدريب", "in_training"),
        ("Self-employed", "self_employed"), ("عمل حر", "self_employed"), ("Retired", None),
    ],
)  # fmt: skip
def test_employment_status(raw: str, expected: str | None) -> None:
    assert employment_status(raw) == expected


def test_phone_fast_path_agrees_with_phonenumbers() -> None:
    """Valid numbers kept; possible ones too when shaped like a mobile or a landline."""
    import re

    import numpy as np
    import phonenumbers

    rng = np.random.default_rng(3)
    for national in rng.integers(10_000_000, 999_999_999, 3000):
        digits = str(national)
        parsed = phonenumbers.parse("0" + digits, "JO")
        kept = phonenumbers.is_valid_number(parsed) or (
            phonenumbers.is_possible_number(parsed)
            and re.fullmatch(r"7[789]\d{7}|[2356]\d{7}", digits) is not None
        )
        assert e164("0" + digits) == ("+962" + digits if kept else None), digits
