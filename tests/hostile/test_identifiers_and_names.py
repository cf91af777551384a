"""Identifiers in the wrong column and compound names spaced differently, through the CLI.

Each case adds job-seeker rows for people already on the November NAF or UNHCR list, the
way partners really type them — the family's case number in "UNHCR No", an individual id
in a case column, a national number in the mobile column, a phone in the national-number
column, a compound name spaced or romanised another way — runs November on the October
copy, and checks who ends up as one beneficiary: every added row is linked to its own
person's record, and no two people are merged. No value the case typed is written
anywhere outside ``restricted/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benelink.anonymize.tokens import record_token
from tests.fixtures.bad.cases import FILES, csv_frame, naf_rows, write_book
from tests.helpers import table_file
from tests.hostile.harness import MONTH, TEST_KEY, Workspace, assert_no_leak

Record = tuple[str, str]  # (source, record id as the partner typed it)


@dataclass(frozen=True)
class Planted:
    """What a case wrote: records that are one person, records that are not, the values
    typed; and, per record, the identifier it must carry as its own person's other record
    does (``shared``: record, token column, other record) and the one it must not
    (``empty``: the column the value was typed in)."""

    same: tuple[tuple[Record, Record], ...]
    different: tuple[tuple[Record, Record], ...] = ()
    secrets: tuple[str, ...] = ()
    shared: tuple[tuple[Record, str, Record], ...] = ()
    empty: tuple[tuple[Record, str], ...] = ()


@dataclass(frozen=True)
class IdNameCase:
    name: str
    build: Callable[[Path], Planted]
    columns: tuple[str, ...] = ()  # lines added to [sources.jobseekers.columns]


# --- the rows a case adds -------------------------------------------------------------------

_NAF = {c: i for i, c in enumerate(naf_rows()[0])}


def _seeker(seeker_id: str, full_name: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(csv_frame("jobseekers").columns, "")
    row.update(
        {
            "Seeker ID": seeker_id,
            "Full Name": full_name,
            "Officer": "Suha Tarawneh",
            "Registration Date": "02/11/2026",
            "Status": "Unemployed",
        }
    )
    for column, value in values.items():
        row[column.replace("_", " ")] = value
    return row


def _write_seekers(folder: Path, rows: list[dict[str, str]]) -> None:
    frame = pd.concat([csv_frame("jobseekers"), pd.DataFrame(rows)], ignore_index=True)
    frame.fillna("").to_csv(folder / FILES["jobseekers"], index=False)


def _unhcr_case_members() -> pd.DataFrame:
    """Two UNHCR rows of one family: one case number, different people."""
    frame = csv_frame("unhcr")
    case = frame["Case Number"].str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    shared = frame[case.duplicated(keep=False) & (frame["Date of Birth"].str[:5] != "01/01")]
    first_case = case[shared.index[0]]
    return shared[case[shared.index] == first_case].head(2)


_SIBLINGS = pd.DataFrame(
    {
        "Individual ID": ["945-90000001", "945-90000002"],
        "Case Number": ["945-19C90001", "945-19C90001"],
        "Given Name": ["Yazan", "Yamen"],
        "Father Name": ["Mohammad", "Mohammad"],
        "Family Name": ["Al-Khatib", "Al-Khatib"],
        "Sex": ["M", "M"],
        "Date of Birth": ["12/03/1999", "07/05/2001"],
        "Phone Number": ["0791110000", "0791110000"],  # the family's phone
        "Governorate": ["Irbid", "Irbid"],
        "Country of Origin": ["SYR", "SYR"],
        "Registration Date": ["01/02/2019", "01/02/2019"],
    }
)


def _write_siblings(folder: Path) -> pd.DataFrame:
    """Two brothers on one UNHCR case added to November's UNHCR file."""
    frame = pd.concat([csv_frame("unhcr"), _SIBLINGS], ignore_index=True)
    frame.to_csv(folder / FILES["unhcr"], index=False)
    return _SIBLINGS


def _naf_row(at: int) -> list[Any]:
    return naf_rows()[at]


def _naf_date(row: list[Any]) -> str:
    born = row[_NAF["تاريخ الميلاد"]]
    return born.strftime("%d/%m/%Y") if isinstance(born, dt.datetime) else str(born)


def _naf_full_name(row: list[Any]) -> str:
    parts = ("الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة")
    return " ".join(str(row[_NAF[p]]) for p in parts)


def _naf_first_and_family(row: list[Any]) -> str:
    return f"{row[_NAF['الاسم الأول']]} {row[_NAF['اسم العائلة']]}"


def _naf_sex(row: list[Any]) -> str:
    return "Female" if row[_NAF["الجنس"]] == "أنثى" else "Male"


# --- the cases ------------------------------------------------------------------------------


def case_numbers_in_unhcr_no(folder: Path) -> Planted:
    """Two brothers on one UNHCR case register as job seekers; "UNHCR No" holds the case
    number for both. Read as an individual id it is one "id" for two people, and it
    contradicts each brother's own individual id."""
    rows, same = [], []
    for i, (_, m) in enumerate(_write_siblings(folder).iterrows()):
        seeker = f"JS-9900{i:03d}"
        rows.append(
            _seeker(
                seeker,
                f"{m['Given Name']} {m['Father Name']} {m['Family Name']}",
                Gender=m["Sex"],
                Date_of_Birth=m["Date of Birth"],
                Mobile=m["Phone Number"],
                Nationality="Syrian",
                UNHCR_No=m["Case Number"].replace("-", " "),
            )
        )
        same.append((("jobseekers", seeker), ("unhcr", m["Individual ID"])))
    _write_seekers(folder, rows)
    return Planted(
        tuple(same),
        different=(
            (("jobseekers", "JS-9900000"), ("jobseekers", "JS-9900001")),
            (("unhcr", "945-90000001"), ("unhcr", "945-90000002")),
        ),
        secrets=("945-19C90001", "945 19C90001", "94519C90001"),
        shared=tuple((js, "unhcr_case_token", unhcr) for js, unhcr in same),
        empty=tuple((js, "unhcr_individual_token") for js, _ in same),
    )


def individual_ids_in_the_case_column(folder: Path) -> Planted:
    """A centre's "Case No" column holds each refugee's individual id, and little else."""
    members = _unhcr_case_members()
    rows, same = [], []
    for i, (_, m) in enumerate(members.iterrows()):
        seeker = f"JS-9910{i:03d}"
        rows.append(
            _seeker(seeker, f"{m['Given Name']} {m['Family Name']}", Case_No=m["Individual ID"])
        )
        same.append((("jobseekers", seeker), ("unhcr", m["Individual ID"])))
    _write_seekers(folder, rows)
    return Planted(
        tuple(same),
        secrets=tuple(members["Individual ID"]),
        shared=tuple((js, "unhcr_individual_token", unhcr) for js, unhcr in same),
        empty=tuple((js, "unhcr_case_token") for js, _ in same),
    )


def national_numbers_in_the_mobile_column(folder: Path) -> Planted:
    """Jordanians' national numbers typed in "Mobile", the national-number column empty."""
    rows, same, typed = [], [], []
    for i, at in enumerate((1, 3)):
        naf = _naf_row(at)
        number = str(naf[_NAF["الرقم الوطني"]])
        seeker = f"JS-9920{i:03d}"
        rows.append(_seeker(seeker, _naf_first_and_family(naf), Mobile=number))
        same.append((("jobseekers", seeker), ("naf", str(naf[_NAF["رقم السجل"]]))))
        typed.append(number)
    _write_seekers(folder, rows)
    return Planted(
        tuple(same),
        secrets=tuple(typed),
        shared=tuple((js, "national_number_token", naf) for js, naf in same),
        empty=tuple((js, "phone_token") for js, _ in same),
    )


def phones_in_the_national_number_column(folder: Path) -> Planted:
    """The mobile typed in "National Number"; as a national number it contradicts the
    person's own."""
    rows, same, typed = [], [], []
    for i, at in enumerate((1, 3)):
        naf = _naf_row(at)
        phone = "0" + "".join(ch for ch in str(naf[_NAF["رقم الهاتف"]]) if ch.isdigit())[-9:]
        seeker = f"JS-9930{i:03d}"
        rows.append(
            _seeker(
                seeker,
                _naf_first_and_family(naf),
                National_Number=phone,
                Gender=_naf_sex(naf),
            )
        )
        same.append((("jobseekers", seeker), ("naf", str(naf[_NAF["رقم السجل"]]))))
        typed.append(phone)
    _write_seekers(folder, rows)
    return Planted(
        tuple(same),
        secrets=tuple(typed),
        shared=tuple((js, "phone_token", naf) for js, naf in same),
        empty=tuple((js, "national_number_token") for js, _ in same),
    )


def _naf_with_names(folder: Path, at: int, names: dict[str, str]) -> list[Any]:
    """The NAF sheet with row ``at``'s name parts replaced; that row returned."""
    rows = naf_rows()
    for part, value in names.items():
        rows[at][_NAF[part]] = value
    write_book(folder / FILES["naf"], rows)
    return rows[at]


def compound_names_arabic_spaced_otherwise(folder: Path) -> Planted:
    """NAF: أم كلثوم of the family بني هاني in name columns; the registry writes her full
    name in one line, the compound and the tribe's name spaced."""
    at = next(i for i, r in enumerate(naf_rows()) if i and r[_NAF["الجنس"]] == "أنثى")
    naf = _naf_with_names(
        folder, at, {"الاسم الأول": "أم كلثوم", "اسم الجد": "عبدالحميد", "اسم العائلة": "بني هاني"}
    )
    full = f"ام كلثوم {naf[_NAF['اسم الأب']]} عبد  الحميد بني هاني"
    seeker = "JS-9940000"
    _write_seekers(
        folder,
        [_seeker(seeker, full, Gender="Female", Date_of_Birth=_naf_date(naf))],
    )
    return Planted(((("jobseekers", seeker), ("naf", str(naf[_NAF["رقم السجل"]]))),))


def compound_names_romanised_against_arabic(folder: Path) -> Planted:
    """NAF in Arabic (عبد الحميد سيف الدين علاء الدين أبو غزالة); the registry in a Latin
    romanisation the sample never writes."""
    at = next(i for i, r in enumerate(naf_rows()) if i and r[_NAF["الجنس"]] == "ذكر")
    naf = _naf_with_names(
        folder,
        at,
        {
            "الاسم الأول": "عبد الحميد",
            "اسم الأب": "سيف الدين",
            "اسم الجد": "علاء الدين",
            "اسم العائلة": "أبو غزالة",
        },
    )
    seeker = "JS-9950000"
    _write_seekers(
        folder,
        [
            _seeker(
                seeker,
                "Abdulhamid Seif-Eddine Alaeddin Abu Ghazaleh",
                Gender="Male",
                Date_of_Birth=_naf_date(naf),
            )
        ],
    )
    return Planted(((("jobseekers", seeker), ("naf", str(naf[_NAF["رقم السجل"]]))),))


CASES = [
    IdNameCase(
        "case_numbers_in_unhcr_no",
        case_numbers_in_unhcr_no,
        ('unhcr_individual_id = "UNHCR No"',),
    ),
    IdNameCase(
        "individual_ids_in_the_case_column",
        individual_ids_in_the_case_column,
        ('unhcr_case_id = "Case No"',),
    ),
    IdNameCase("national_numbers_in_the_mobile_column", national_numbers_in_the_mobile_column),
    IdNameCase("phones_in_the_national_number_column", phones_in_the_national_number_column),
    IdNameCase("compound_names_arabic_spaced_otherwise", compound_names_arabic_spaced_otherwise),
    IdNameCase("compound_names_romanised_against_arabic", compound_names_romanised_against_arabic),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_person_linked_and_nobody_merged(
    case: IdNameCase, tmp_path: Path, october: Path
) -> None:
    ws = Workspace.create(tmp_path, october)
    planted = case.build(ws.folder)
    if case.columns:
        added = "\n".join(case.columns)
        ws.edit_config(
            lambda text: text.replace(
                'full_name = "Full Name"', f'full_name = "Full Name"\n{added}'
            )
        )
    result = ws.run()
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output
    assert "Traceback" not in output
    records = pd.read_parquet(table_file(ws.out, MONTH, "records"))
    key = bytes.fromhex(TEST_KEY)
    by_token = records.set_index("record_token")

    def of(record: Record, column: str = "beneficiary_id") -> Any:
        return by_token.at[record_token(key, *record), column]

    for left, right in planted.same:
        assert of(left) == of(right), f"{left} and {right} are one person"
    for left, right in planted.different:
        assert of(left) != of(right), f"{left} and {right} are two people"
    for record, column, other in planted.shared:
        assert pd.notna(of(record, column)) and of(record, column) == of(other, column), column
    for record, column in planted.empty:
        assert pd.isna(of(record, column)), f"{record} still has a {column}"
    assert_no_leak(result, ws.out, planted.secrets)
