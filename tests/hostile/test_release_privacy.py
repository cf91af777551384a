"""Hostile cases against the analyst release and the report: what goes out must not single
anyone out, whatever the configuration lists, and the report must say what is true of the
file as written.

Every case runs November on a copy of October and reads ``beneficiaries.parquet`` back from
disk: under generalise / suppress every released row that shows a quasi-identifier (in any
form: birth year, age, band, governorate, region, nationality, sex, and whatever the
configuration adds) shares its combination with at least k - 1 others; an age is never shown
without its birth year and depends on the birth year alone; the officer column holds only
staff names with at least k job seekers; no planted value reaches any output.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import Result

from tests.fixtures.bad.cases import csv_frame
from tests.helpers import document, table_file
from tests.hostile.harness import (
    ARABIC_NAME,
    MONTH,
    NAME,
    NATIONAL,
    PHONE,
    SECRETS,
    Workspace,
    assert_no_leak,
    output_texts,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

# every released form of the built-in quasi-identifiers
FORMS = ("sex", "birth_year", "age", "birth_year_band", "governorate", "region", "nationality")
K = 5  # the shipped configuration's k


def _seekers(folder: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    change(csv_frame("jobseekers")).to_csv(folder / "jobseekers.csv", index=False)


def _set(frame: pd.DataFrame, rows: list[int], **values: str) -> pd.DataFrame:
    out = frame.copy()
    for column, value in values.items():
        out.loc[rows, column.replace("_", " ")] = value
    return out


def _config(pattern: str, replacement: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
        assert changed != text, pattern
        return changed

    return edit


def people(ws: Workspace, month: str = MONTH) -> pd.DataFrame:
    """beneficiaries.parquet of ``month`` as written."""
    return pd.read_parquet(table_file(ws.out, month, "beneficiaries"))


def report(ws: Workspace, month: str = MONTH) -> dict[str, Any]:
    text = document(ws.out, month, "report.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def rows_below_k(frame: pd.DataFrame, columns: tuple[str, ...], k: int) -> int:
    """Released rows showing a quasi-identifier in a group of fewer than k (null is a value)."""
    present = [c for c in columns if c in frame.columns]
    keys = frame[present].astype("string").fillna("\x00null")
    sizes = keys.groupby(present, dropna=False)[present[0]].transform("size")
    revealing = frame[present].notna().any(axis=1)
    return int(((sizes < k) & revealing).sum())


def assert_release_holds(ws: Workspace, extra: tuple[str, ...] = (), k: int = K) -> None:
    """The promises of the release, measured on the file as written."""
    released = people(ws)
    columns = (*FORMS, *extra)
    assert rows_below_k(released, columns, k) == 0
    assert not (released["age"].notna() & released["birth_year"].isna()).any()
    known = released["birth_year"].notna()
    year = int(MONTH[:4])
    assert (released.loc[known, "age"] == year - released.loc[known, "birth_year"]).all()
    disclosure = report(ws)["disclosure"]
    assert disclosure["release_protected"] is True
    assert disclosure["after"]["rows_below_k"] == 0
    assert set(columns) <= set(disclosure["quasi_identifiers"])
    assert_officers_published_safely(ws, k)


def assert_officers_published_safely(ws: Workspace, k: int = K) -> None:
    """Officers in the release and the report: staff names, each with k job seekers or more."""
    released = people(ws)
    officers = released["officer"].dropna()
    assert officers.map(lambda v: not re.search(r"\d", v)).all()
    assert (officers.value_counts() >= k).all()
    table = report(ws)["officers"]
    assert all(row["job_seekers"] >= k for row in table)
    # the release may withhold more (officer as a quasi-identifier), never publish another
    assert set(officers) <= {row["officer"] for row in table}


def _no_text(ws: Workspace, *values: str) -> None:
    """None of ``values`` in any output outside restricted/ (values that are not planted
    secrets but must not be published either)."""
    for where, text in output_texts(ws.out):
        for value in values:
            assert value not in text, f"{value!r} published in {where}"


def _rejected(ws: Workspace, reason: str, column: str) -> pd.DataFrame:
    path = ws.out / "rejects" / f"month={MONTH}" / "rejects.csv"
    rejects = pd.read_csv(path, dtype=str, keep_default_na=False)
    found = rejects[(rejects["reason"] == reason) & (rejects["column"] == column)]
    assert not found.empty, set(zip(rejects["reason"], rejects["column"], strict=True))
    assert set(found["action"]) == {"value_dropped"}
    return found


# --- the checks each case adds to the common ones -------------------------------------------


def _check_generalised(ws: Workspace, result: Result) -> None:
    released = people(ws)
    withheld = released["birth_year"].isna() & released["birth_year_band"].notna()
    assert withheld.any()  # the generalisation did withhold years here ...
    assert released.loc[withheld, "age"].isna().all()  # ... and their ages with them


def _check_rare(ws: Workspace, result: Result) -> None:
    released = people(ws)
    assert not released["birth_year"].isin([1901, 1903, 1905]).any()
    assert not released["age"].isin([2026 - 1901, 2026 - 1903, 2026 - 1905]).any()


def _check_report_action(ws: Workspace, result: Result) -> None:
    disclosure = report(ws)["disclosure"]
    assert disclosure["release_protected"] is False
    assert disclosure["statement"].startswith("The release is NOT protected")
    measured = rows_below_k(people(ws), FORMS, K)
    assert measured > 0 and disclosure["after"]["rows_below_k"] == measured  # true of the file
    page = document(ws.out, MONTH, "report.html").read_text(encoding="utf-8")
    assert "The release is NOT protected" in page
    assert_officers_published_safely(ws)


def _check_officer_dropped(value: str) -> Callable[[Workspace, Result], None]:
    def check(ws: Workspace, result: Result) -> None:
        _rejected(ws, "officer_not_a_name", "officer")
        _no_text(ws, value)

    return check


def _check_spelling(ws: Workspace, result: Result) -> None:
    officers = set(people(ws)["officer"].dropna())
    assert "Suha Haddad" in officers
    assert not {"SUHA HADDAD", "suha haddad", "SUHA  HADDAD"} & officers
    names = {row["officer"] for row in report(ws)["officers"]}
    assert "Suha Haddad" in names and "suha haddad" not in names


def _check_ages_across_months(ws: Workspace, result: Result) -> None:
    """October, November, then December on November's files: no age moves within the year,
    also for the people whose birthday falls in November or December."""
    december = ws.folder.parent / "2026-12"
    shutil.copytree(ws.folder, december)
    again = ws.run("2026-12")
    assert again.exit_code == 0, again.output
    assert_no_leak(again, ws.out)
    frames = {m: people(ws, m).set_index("beneficiary_id") for m in ("2026-10", MONTH, "2026-12")}
    for earlier, later in (("2026-10", MONTH), (MONTH, "2026-12")):
        both = frames[earlier].join(frames[later], rsuffix="_later", how="inner")
        same = both[both["birth_year"].notna() & (both["birth_year"] == both["birth_year_later"])]
        assert len(same) > 5  # most exact years are withheld in a 300-row month
        assert (same["age"] == same["age_later"]).all(), (earlier, later)
    planted = frames["2026-12"]["birth_year"] == 1990
    assert (frames["2026-12"].loc[planted, "age"] == 36).all()


@dataclass(frozen=True)
class ReleaseCase:
    """One hostile month or configuration, and what the release must then show."""

    name: str
    build: Callable[[Path], None] = lambda folder: None
    config: tuple[Callable[[str], str], ...] = ()
    extra: tuple[str, ...] = ()  # quasi-identifying columns the configuration adds
    check: Callable[[Workspace, Result], None] | None = None
    secrets: tuple[str, ...] = field(default=SECRETS)
    protected: bool = True  # generalise / suppress: the release must be k-anonymous
    k: int = K


def _rare_people(folder: Path) -> None:
    """A handful of people unique on birth year once age is counted: very old, rare place."""
    _seekers(
        folder,
        lambda f: _set(
            _set(_set(f, [10], Date_of_Birth="1901-03-04"), [20], Date_of_Birth="1903-07-08"),
            [30, 40],
            Date_of_Birth="1905-11-30",
            Governorate="Tafilah",
            Nationality="Somali",
        ),
    )


def _birthdays_this_month(folder: Path) -> None:
    """Birthdays in November and December: an age at the month's end would tick up."""
    _seekers(
        folder,
        lambda f: _set(
            _set(f, list(range(0, 60, 2)), Date_of_Birth="1990-11-20"),
            list(range(1, 60, 2)),
            Date_of_Birth="1990-12-28",
        ),
    )


def _officer(value: str, rows: list[int] | None = None) -> Callable[[Path], None]:
    return lambda folder: _seekers(folder, lambda f: _set(f, rows or [3], Officer=value))


def _own_name(folder: Path) -> None:
    _seekers(folder, lambda f: _set(f, [3], Full_Name=NAME, Officer=f"  {NAME.upper()} "))


def _spellings(folder: Path) -> None:
    _seekers(
        folder,
        lambda f: _set(
            _set(f, list(range(0, 40, 5)), Officer="Suha Haddad"),
            [2, 7, 12],
            Officer="SUHA  HADDAD",
        ),
    )


def _column_shift(folder: Path) -> None:
    """One row shifted right from Gender on: a nationality lands in the officer column."""

    def shift(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        columns = list(frame.columns)
        at = columns.index("Gender")
        values = frame.iloc[5].tolist()
        out.iloc[5, at + 1 :] = values[at:-1]
        out.iloc[5, at] = NATIONAL
        return out

    _seekers(folder, shift)


CASES: list[ReleaseCase] = [
    ReleaseCase("shipped_configuration_is_k_anonymous_over_every_form"),
    ReleaseCase("withheld_birth_year_withholds_age", check=_check_generalised),
    ReleaseCase("rare_combinations_unique_once_age_counts", build=_rare_people, check=_check_rare),
    ReleaseCase(
        "only_sex_configured_still_checks_every_form",
        config=(_config(r"^quasi_identifiers = .*$", 'quasi_identifiers = ["sex"]'),),
    ),
    ReleaseCase(
        "empty_quasi_identifier_list",
        config=(_config(r"^quasi_identifiers = .*$", "quasi_identifiers = []"),),
    ),
    ReleaseCase(
        "officer_and_status_added_as_quasi_identifiers",
        config=(
            _config(
                r"^quasi_identifiers = .*$",
                'quasi_identifiers = ["sex", "officer", "employment_status"]',
            ),
        ),
        extra=("officer", "employment_status"),
    ),
    ReleaseCase(
        "suppress_straight_away",
        config=(_config(r'^action = "generalise"$', 'action = "suppress"'),),
    ),
    ReleaseCase(
        "large_k_with_age_configured",
        config=(
            _config(r"^k = 5$", "k = 40"),
            _config(r"^quasi_identifiers = .*$", 'quasi_identifiers = ["age"]'),
        ),
        k=40,
    ),
    ReleaseCase(
        "action_report_says_release_not_protected",
        config=(_config(r'^action = "generalise"$', 'action = "report"'),),
        check=_check_report_action,
        protected=False,
    ),
    ReleaseCase(
        "age_does_not_tick_up_mid_year",
        build=_birthdays_this_month,
        check=_check_ages_across_months,
    ),
    ReleaseCase("phone_in_officer", build=_officer(PHONE), check=_check_officer_dropped(PHONE)),
    ReleaseCase(
        "national_number_in_officer",
        build=_officer(NATIONAL),
        check=_check_officer_dropped(NATIONAL),
    ),
    ReleaseCase(
        "date_in_officer",
        build=_officer("17/05/1990", [3, 4, 5, 6, 7, 8]),
        check=_check_officer_dropped("17/05/1990"),
    ),
    ReleaseCase(
        "arabic_indic_phone_in_officer",
        build=_officer("٠٧٩٩١٨٣٧٢٦"),
        check=_check_officer_dropped("٠٧٩٩١٨٣٧٢٦"),
    ),
    ReleaseCase("own_name_in_officer", build=_own_name, check=_check_officer_dropped(NAME.upper())),
    ReleaseCase("officer_with_one_job_seeker", build=_officer(ARABIC_NAME)),
    ReleaseCase("officer_with_k_minus_one_job_seekers", build=_officer(NAME, [3, 50, 90, 140])),
    ReleaseCase("officer_spelt_as_written", build=_spellings, check=_check_spelling),
    ReleaseCase("column_shift_puts_a_nationality_in_officer", build=_column_shift),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_release(case: ReleaseCase, tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    case.build(ws.folder)
    for edit in case.config:
        ws.edit_config(edit)

    result = ws.run()

    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code == 0, output
    if case.protected:
        assert_release_holds(ws, case.extra, case.k)
    if case.check is not None:
        case.check(ws, result)
    assert_no_leak(result, ws.out, case.secrets)
