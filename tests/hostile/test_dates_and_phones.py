"""Dates and phones written the ways partners write them, through the CLI.

Each case rewrites the dates (of birth and of registration) or the phones of all
three files of the month in one of the forms partners send — English month names
and abbreviations, the Levantine and the Egyptian Arabic month names, two-digit
years, Arabic-Indic digits, separators mixed, Excel serials; phones with 00962,
+962, 962, spaces, dots, parentheses, an apostrophe, Arabic-Indic digits, the zero
lost by a number cell, two numbers in one cell — each the same value as the clean
file holds. The run must read every one of them: no reject for those values beyond
the clean file's own, and every record linked to exactly the beneficiary the clean
file links it to. Phones in ranges the phone library does not list are kept and
counted (``phone_not_in_known_ranges``, value kept).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from benelink.standardize.dates import parse_date
from benelink.standardize.phones import read_phone
from tests.fixtures.bad.cases import FILES, csv_frame, naf_rows, write_book
from tests.helpers import document, table_file
from tests.hostile.harness import MONTH, Workspace, assert_no_leak

ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
LEVANTINE = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول")  # fmt: skip
EGYPTIAN = ("يناير", "فبراير", "مارس", "إبريل", "مايو", "يونيه", "يوليه", "أغسطس", "سبتمبر",
            "أكتوبر", "نوفمبر", "ديسمبر")  # fmt: skip
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TODAY = date.today()
DATE_COLUMNS = {
    "naf": ("تاريخ الميلاد",),
    "unhcr": ("Date of Birth", "Registration Date"),
    "jobseekers": ("Date of Birth", "Registration Date"),
}
PHONE_COLUMN = {"naf": "رقم الهاتف", "unhcr": "Phone Number", "jobseekers": "Mobile"}
READ = ("invalid_date_of_birth", "invalid_registration_date", "invalid_phone")


def _yy(day: date) -> str:
    """Two digits when they name this year (a birth is never in the future), else four."""
    return f"{day.year % 100:02d}" if TODAY.year - 100 < day.year <= TODAY.year else str(day.year)


DATE_FORMS: dict[str, Callable[[date], str]] = {
    "english_abbreviations": lambda d: f"{d.day} {ENGLISH[d.month - 1][:3]} {d.year}",
    "english_names_month_first": lambda d: f"{ENGLISH[d.month - 1]} {d.day}, {d.year}",
    "oracle_two_digit_years": lambda d: f"{d.day:02d}-{ENGLISH[d.month - 1][:3].upper()}-{_yy(d)}",
    "levantine_month_names": lambda d: f"{d.day} {LEVANTINE[d.month - 1]} {d.year}",
    "levantine_arabic_indic": lambda d: f"{d.day} {LEVANTINE[d.month - 1]} {d.year}".translate(
        INDIC
    ),
    "egyptian_month_names": lambda d: f"{d.day} {EGYPTIAN[d.month - 1]} {d.year}م",
    "egyptian_two_digit_years": lambda d: f"{d.day} {EGYPTIAN[d.month - 1]} {_yy(d)}",
    "numeric_two_digit_years": lambda d: f"{d.day:02d}/{d.month:02d}/{_yy(d)}",
    "mixed_separators": lambda d: f"{d.year}/{d.month:02d}-{d.day:02d}",
    "eight_digits": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    "iso_with_time": lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}T00:00:00Z",
    "excel_serials_as_text": lambda d: str((d - date(1899, 12, 30)).days),
}


def _mobile_forms(national: str, row: int) -> str:
    """A rotation of the forms a clerk types a Jordanian number in."""
    forms = (
        f"00962{national}",
        f"+962 {national[:2]} {national[2:5]} {national[5:]}",
        f"962{national}",
        f"0{national[:2]}.{national[2:5]}.{national[5:]}",
        f"(0{national[:2]}) {national[2:]}",
        f"0 {national[:2]}-{national[2:5]}-{national[5:]}",
    )
    return forms[row % len(forms)]


PHONE_FORMS: dict[str, Callable[[str, int], Any]] = {
    "phones_international_and_punctuated": _mobile_forms,
    "phones_arabic_indic_digits": lambda n, row: ("0" + n).translate(INDIC),
    "phones_with_excel_apostrophe": lambda n, row: f"'0{n}",
    "phones_number_cells_lost_zero": lambda n, row: int(n),  # a number cell in the workbook
    "phones_two_in_one_cell": lambda n, row: (
        f"0{n} / 0781112233" if row % 2 else f"0{n} 0791112233"
    ),
    # a range the phone library does not list (077 3…, 078 4…): kept, counted
    "phones_unlisted_ranges": lambda n, row: ("0773" if row % 2 else "0784") + n[3:],
}


@dataclass(frozen=True)
class Case:
    """One way of writing the month's dates or phones."""

    name: str
    rewrite: Callable[[Any, int], Any]  # a cell (and its row) -> the cell as written
    columns: dict[str, tuple[str, ...]]
    same_links: bool = True  # every record linked as in the clean month
    kept: str | None = None  # the counted reason every rewritten phone must carry


def _as_date(cell: Any) -> date | None:
    """The date benelink reads in a clean cell; None where the cell is left as it is."""
    if isinstance(cell, datetime):
        return cell.date()
    if not isinstance(cell, str) or not cell:
        return None
    parsed = parse_date(cell)
    if parsed is None or parsed[1] is None or parsed[2] is None:
        return None
    return date(parsed[0], parsed[1], parsed[2])


def _date_rewrite(form: Callable[[date], str]) -> Callable[[Any, int], Any]:
    def rewrite(cell: Any, row: int) -> Any:
        day = _as_date(cell)
        if day is None or day > TODAY:  # a date in the future is refused either way
            return cell
        if form is DATE_FORMS["excel_serials_as_text"] and day < date(1927, 5, 18):
            return cell  # a five-digit serial starts in 1927
        return form(day)

    return rewrite


def _phone_rewrite(form: Callable[[str, int], Any]) -> Callable[[Any, int], Any]:
    def rewrite(cell: Any, row: int) -> Any:
        reading = read_phone(str(cell)) if cell not in (None, "") else None
        if reading is None or not reading.e164.startswith("+9627") or not reading.listed:
            return cell
        return form(reading.e164[4:], row)

    return rewrite


CASES: list[Case] = [
    *(Case(f"dates_{n}", _date_rewrite(f), DATE_COLUMNS) for n, f in DATE_FORMS.items()),
    *(
        Case(
            n,
            _phone_rewrite(f),
            {s: (c,) for s, c in PHONE_COLUMN.items()},
            same_links=n != "phones_unlisted_ranges",
            kept="phone_not_in_known_ranges" if n == "phones_unlisted_ranges" else None,
        )
        for n, f in PHONE_FORMS.items()
    ),
]


def _rewrite(folder: Path, case: Case) -> dict[str, int]:
    """Rewrite the case's columns in every file of ``folder``; the cells changed per source."""
    changed: dict[str, int] = {}
    for source, columns in case.columns.items():
        if source == "naf":
            rows = naf_rows()
            for column in columns:
                at = rows[0].index(column)
                for i, row in enumerate(rows[1:]):
                    new = case.rewrite(row[at], i)
                    changed[source] = changed.get(source, 0) + (new != row[at])
                    row[at] = new
            write_book(folder / FILES["naf"], rows)
            continue
        frame = csv_frame(source)
        for column in columns:
            old = frame[column]
            new = pd.Series([case.rewrite(v, i) for i, v in enumerate(old)], index=old.index)
            changed[source] = changed.get(source, 0) + int((new.astype(str) != old).sum())
            frame[column] = new.astype(str)
        frame.to_csv(folder / FILES[source], index=False)
    return changed


@dataclass(frozen=True)
class Outcome:
    links: dict[tuple[str, str], str]  # (source, record token) -> beneficiary id
    rejects: pd.DataFrame


def _outcome(ws: Workspace) -> Outcome:
    result = ws.run()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_no_leak(result, ws.out)
    records = pq.read_table(table_file(ws.out, MONTH, "records"))
    frame = records.select(["source", "record_token", "beneficiary_id"]).to_pandas()
    links = {
        (str(s), str(t)): str(b)
        for s, t, b in zip(
            frame["source"], frame["record_token"], frame["beneficiary_id"], strict=True
        )
    }
    rejects = pd.read_csv(
        ws.out / "rejects" / f"month={MONTH}" / "rejects.csv", dtype=str, keep_default_na=False
    )
    return Outcome(links, rejects)


@pytest.fixture(scope="module")
def clean(october: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The month as the sample writes it."""
    return _outcome(Workspace.create(tmp_path_factory.mktemp("clean-month"), october))


def _rows(rejects: pd.DataFrame, reasons: tuple[str, ...]) -> set[tuple[str, str, str]]:
    hit = rejects[rejects["reason"].isin(reasons)]
    return set(zip(hit["source"], hit["row_number"], hit["reason"], strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_dates_and_phones_as_partners_write_them(
    case: Case, tmp_path: Path, october: Path, clean: Outcome
) -> None:
    ws = Workspace.create(tmp_path, october)
    changed = _rewrite(ws.folder, case)
    assert sum(changed.values()) >= 100, changed  # the case rewrote a good share of the cells

    seen = _outcome(ws)

    assert _rows(seen.rejects, READ) == _rows(clean.rejects, READ)  # nothing lost on the way
    if case.same_links:
        assert seen.links == clean.links
    if case.kept is not None:
        counted = seen.rejects[seen.rejects["reason"] == case.kept]
        assert set(counted["action"]) == {"value_kept"}
        already = clean.rejects[clean.rejects["reason"] == case.kept]  # the sample's own
        assert len(counted) == sum(changed.values()) + len(already)
        report = json.loads(document(ws.out, MONTH, "report.json").read_text(encoding="utf-8"))
        assert sum(r.get(case.kept, 0) for r in report["rejects"].values()) == len(counted)
    if case.name == "phones_two_in_one_cell":
        several = seen.rejects[seen.rejects["reason"] == "phone_several_numbers"]
        assert len(several) == sum(changed.values())
        assert set(several["action"]) == {"value_kept"}


def test_the_rewritten_dates_read_as_the_clean_ones() -> None:
    """The forms above read back as the day they were made from (a guard on the cases)."""
    for day in (date(1990, 3, 12), date(2005, 11, 30), date(1921, 1, 2)):
        for form in DATE_FORMS.values():
            written = _date_rewrite(form)(datetime(day.year, day.month, day.day), 0)
            assert _as_date(written) == day, written
