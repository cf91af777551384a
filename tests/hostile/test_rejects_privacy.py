"""Hostile cases against rejects.csv, the file sent back to the partner.

A column shift puts a name or a phone in the sex, governorate, nationality or status
column; those columns are not personal, but what sits in them is. Each case plants a
personal value (or a formula) in a non-personal column where validation rejects it, runs
November, and reads rejects.csv back: the reason is there, the planted value is not (its
shape is), no cell starts a spreadsheet formula, and no planted value is in any output.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.fixtures.bad.cases import csv_frame, naf_rows, write_book
from tests.hostile.harness import (
    ARABIC_NAME,
    MONTH,
    NAME,
    NATIONAL,
    PHONE,
    UNHCR_ID,
    Workspace,
    assert_no_leak,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROW = 4  # the data row planted (row_number 6 in the file: header is row 1)
LONG = 201  # over the 200 characters a value may hold


def _csv(source: str, column: str, value: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        frame = csv_frame(source)
        frame.loc[ROW, column] = value
        frame.to_csv(folder / f"{source}.csv", index=False)

    return build


def _naf(header: str, value: Any) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        rows = naf_rows()
        rows[ROW + 1][rows[0].index(header)] = value
        write_book(folder / "naf.xlsx", rows)

    return build


def _over_long(value: str) -> str:
    """``value`` repeated past the length limit (rejected as over_long_value)."""
    return " ".join([value] * (LONG // (len(value) + 1) + 1))


def _column_shift(folder: Path) -> None:
    """A job seeker's row shifted right by two from Gender: the name lands in Gender, the
    national number in the date of birth, the phone in the governorate and so on."""
    frame = csv_frame("jobseekers")
    columns = list(frame.columns)
    at = columns.index("Gender")
    row = frame.iloc[ROW].tolist()
    shifted = [*row[:at], NAME, "x", *row[at:]][: len(columns)]
    shifted[columns.index("Mobile")] = NATIONAL
    shifted[columns.index("Governorate")] = PHONE + "\x07"  # a control character: rejected
    frame.iloc[ROW] = shifted
    frame.to_csv(folder / "jobseekers.csv", index=False)


@dataclass(frozen=True)
class RejectCase:
    """One personal or formula-looking value in a non-personal column, and its reason."""

    name: str
    build: Callable[[Path], None]
    source: str
    column: str  # canonical column the reject must name
    reason: str
    planted: str  # what must not be in rejects.csv (for a formula: the bare cell)
    shown: str | None = None  # the masked value expected, when it is shown as it is


CASES: list[RejectCase] = [
    RejectCase(
        "full_name_in_sex",
        _csv("jobseekers", "Gender", NAME),
        "jobseekers",
        "sex",
        "invalid_sex",
        NAME,
    ),
    RejectCase(
        "arabic_name_in_sex", _naf("الجنس", ARABIC_NAME), "naf", "sex", "invalid_sex", ARABIC_NAME
    ),
    RejectCase("phone_in_sex", _csv("unhcr", "Sex", PHONE), "unhcr", "sex", "invalid_sex", PHONE),
    RejectCase(
        "phone_in_governorate",
        _csv("jobseekers", "Governorate", PHONE + "\x07"),
        "jobseekers",
        "governorate",
        "control_characters",
        PHONE,
    ),
    RejectCase(
        "national_number_in_nationality",
        _csv("jobseekers", "Nationality", NATIONAL + "\x1b"),
        "jobseekers",
        "nationality",
        "control_characters",
        NATIONAL,
    ),
    RejectCase(
        "unhcr_id_in_governorate",
        _csv("unhcr", "Governorate", _over_long(UNHCR_ID)),
        "unhcr",
        "governorate",
        "over_long_value",
        UNHCR_ID,
    ),
    RejectCase(
        "name_in_status",
        _csv("jobseekers", "Status", _over_long(NAME)),
        "jobseekers",
        "employment_status",
        "over_long_value",
        NAME,
    ),
    RejectCase(
        "arabic_name_in_nationality",
        _naf("الجنسية", _over_long(ARABIC_NAME)),
        "naf",
        "nationality",
        "over_long_value",
        ARABIC_NAME,
    ),
    RejectCase(
        "one_word_name_joined_in_sex",
        _csv("jobseekers", "Gender", NAME.replace(" ", "")),
        "jobseekers",
        "sex",
        "invalid_sex",
        NAME.replace(" ", ""),
    ),
    RejectCase(
        "date_of_birth_in_registration_date",
        _csv("jobseekers", "Registration Date", "17/05/1990 birth"),
        "jobseekers",
        "registration_date",
        "invalid_registration_date",
        "17/05/1990",
    ),
    RejectCase(
        "column_shift_name_in_sex",
        _column_shift,
        "jobseekers",
        "sex",
        "invalid_sex",
        NAME,
    ),
    RejectCase(
        "column_shift_phone_in_governorate",
        _column_shift,
        "jobseekers",
        "governorate",
        "control_characters",
        PHONE,
    ),
    RejectCase(
        "hyperlink_formula_in_sex",
        _csv("jobseekers", "Gender", '=HYPERLINK("http://x.example/?q=1","click")'),
        "jobseekers",
        "sex",
        "invalid_sex",
        "=HYPERLINK",
    ),
    RejectCase(
        "plus_one_in_sex", _csv("unhcr", "Sex", "+1"), "unhcr", "sex", "invalid_sex", ",+1\n", "'+1"
    ),
    RejectCase(
        "minus_in_sex",
        _csv("jobseekers", "Gender", "-"),
        "jobseekers",
        "sex",
        "invalid_sex",
        ",-\n",
        "'-",
    ),
    RejectCase(
        "at_sign_in_naf_sex", _naf("الجنس", "@x"), "naf", "sex", "invalid_sex", ",@x\n", "'@x"
    ),
    RejectCase(
        "formula_with_control_in_governorate",
        _csv("jobseekers", "Governorate", "=cmd\x07"),
        "jobseekers",
        "governorate",
        "control_characters",
        ",=cmd",
        "'=cmd\\x07",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rejects_file(case: RejectCase, tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    case.build(ws.folder)

    result = ws.run()

    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code == 0, output
    path = ws.out / "rejects" / f"month={MONTH}" / "rejects.csv"
    text = path.read_text(encoding="utf-8")
    assert case.planted not in text
    rejects = pd.read_csv(path, dtype=str, keep_default_na=False)
    mine = rejects[
        (rejects["source"] == case.source)
        & (rejects["column"] == case.column)
        & (rejects["reason"] == case.reason)
    ]
    assert len(mine) == 1, set(zip(rejects["column"], rejects["reason"], strict=True))
    masked = mine["masked_value"].iloc[0]
    if case.shown is not None:
        assert masked == case.shown
    else:
        assert masked.startswith("<") and masked.endswith(">"), masked
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert_no_leak(result, ws.out)
