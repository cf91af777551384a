"""Hostile workbooks and file settings, and more identical records than a block holds.

Workbooks: a hidden sheet is never read unless the configuration names it; data
split over visible sheets is read whole, each reject naming its sheet; a zip bomb,
thousands of parts, a stray cell at XFD1048576 are refused before any parser
allocates for them; a sheet's lying ``<dimension>`` costs nothing. Files: a
``file`` setting or a symlink leading out of the month's folder is refused. Linkage:
450 identical copies of one person are one beneficiary (a reviewer's reject on two
of them still holds), and a block of 500 look-alikes that blocking must skip is
counted in report.json and the run log.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import Result

from benelink.anonymize.keys import parse_key
from benelink.anonymize.tokens import record_token
from benelink.io.review import write_decisions
from tests.fixtures.bad.cases import csv_frame, naf_rows
from tests.helpers import document, month_files, table_file
from tests.hostile.harness import (
    MONTH,
    NAME,
    NATIONAL,
    PHONE,
    TEST_KEY,
    Workspace,
    assert_clean_failure,
    assert_no_leak,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

HIDDEN_NAME = "Xerbolvic Quandrel"  # planted only on hidden sheets: never read, never shown


@dataclass(frozen=True)
class Case:
    """One hostile month: what it breaks, what the run must answer, what else to check."""

    name: str
    build: Callable[[Workspace], None]
    exit_code: int
    words: tuple[str, ...] = ()
    check: Callable[[Workspace, Result], None] | None = None


# --- building workbooks --------------------------------------------------------------


def _book(path: Path, sheets: list[tuple[str, list[list[Any]], str]]) -> None:
    """A workbook of (title, rows, state) sheets, state "visible" | "hidden" | "veryHidden"."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.save(path)


def _hidden_copy() -> list[list[Any]]:
    """Last year's rows on a sheet kept out of sight, one of them planted."""
    rows = naf_rows()
    header, body = rows[0], [list(r) for r in rows[1:6]]
    body[0][header.index("الاسم الأول")] = HIDDEN_NAME
    return [header, *body]


def _rewrite(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """The workbook with one part's bytes changed, every other part as it was."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


SHEET_XML = "xl/worksheets/sheet1.xml"


def hidden_first_sheet(ws: Workspace) -> None:
    _book(
        ws.folder / "naf.xlsx",
        [("2025", _hidden_copy(), "hidden"), ("المستفيدون", naf_rows(), "visible")],
    )


def very_hidden_sheet(ws: Workspace) -> None:
    _book(
        ws.folder / "naf.xlsx",
        [("lookup", _hidden_copy(), "veryHidden"), ("المستفيدون", naf_rows(), "visible")],
    )


def only_hidden_holds_header(ws: Workspace) -> None:
    _book(
        ws.folder / "naf.xlsx",
        [("Notes", [["See the data sheet"]], "visible"), ("Data", naf_rows(), "hidden")],
    )


def hidden_sheet_named_in_config(ws: Workspace) -> None:
    only_hidden_holds_header(ws)
    ws.edit_config(lambda t: t.replace('kind = "naf"', 'kind = "naf"\nsheet = "Data"', 1))


def two_visible_sheets(ws: Workspace) -> None:
    rows = naf_rows()
    header = rows[0]
    second = [list(r) for r in rows[151:]]
    second[4][header.index("رقم السجل")] = None  # sheet row 6 of "Part 2": no record id
    _book(
        ws.folder / "naf.xlsx",
        [("Part 1", [header, *rows[1:151]], "visible"), ("Part 2", [header, *second], "visible")],
    )


def sheet_and_its_copy(ws: Workspace) -> None:
    rows = naf_rows()
    _book(ws.folder / "naf.xlsx", [("Data", rows, "visible"), ("Data (2)", rows, "visible")])


def notes_and_data_sheet(ws: Workspace) -> None:
    _book(
        ws.folder / "naf.xlsx",
        [
            ("Notes", [["Read me"], ["رقم السجل", "ملاحظة"]], "visible"),
            ("المستفيدون", naf_rows(), "visible"),
            ("Summary", [["المحافظة", "العدد"], ["عمان", 120]], "visible"),
        ],
    )


def zip_bomb(ws: Workspace) -> None:
    """64 MB of zeros packed into about 64 KB, beside a real sheet."""
    zeros = bytes(1 << 20)
    path = ws.folder / "naf.xlsx"
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w") as part,
    ):
        for _ in range(64):
            part.write(zeros)


def thousands_of_parts(ws: Workspace) -> None:
    with zipfile.ZipFile(ws.folder / "naf.xlsx", "a", zipfile.ZIP_STORED) as archive:
        for i in range(5_000):
            archive.writestr(f"xl/media/p{i}.txt", b"x")


def huge_dimension(ws: Workspace) -> None:
    _rewrite(
        ws.folder / "naf.xlsx",
        SHEET_XML,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )


def stray_far_cell(ws: Workspace) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    _rewrite(
        ws.folder / "naf.xlsx",
        SHEET_XML,
        lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"),
    )


def file_up_and_out(ws: Workspace) -> None:
    ws.edit_config(lambda t: t.replace('file = "naf.xlsx"', 'file = "../../x.csv"'))


def file_absolute(ws: Workspace) -> None:
    ws.edit_config(lambda t: t.replace('file = "unhcr.csv"', 'file = "/etc/passwd"'))


def symlink_outside(ws: Workspace) -> None:
    elsewhere = ws.root / "elsewhere"
    elsewhere.mkdir()
    shutil.move(ws.folder / "jobseekers.csv", elsewhere / "jobseekers.csv")
    (ws.folder / "jobseekers.csv").symlink_to(elsewhere / "jobseekers.csv")


# --- linkage: copies and look-alikes -------------------------------------------------

COPIES = 450
COPY_IDS = [f"JS-9{i:06d}" for i in range(COPIES)]


def _with_copies(ws: Workspace) -> None:
    """The job seekers' file with one (planted) person sent 450 times under new ids."""
    frame = csv_frame("jobseekers")
    person = frame.iloc[[0]].assign(
        **{"Full Name": NAME, "National Number": NATIONAL, "Mobile": PHONE}
    )
    copies = pd.concat([person] * COPIES, ignore_index=True).assign(**{"Seeker ID": COPY_IDS})
    pd.concat([frame, copies], ignore_index=True).to_csv(ws.folder / "jobseekers.csv", index=False)


def _beneficiaries(ws: Workspace, ids: list[str]) -> list[str]:
    """The beneficiary id of each job seeker record id, from this month's records.parquet."""
    key = parse_key(TEST_KEY, "the tests")
    records = pq.read_table(table_file(ws.out, MONTH, "records")).to_pandas()
    by_token = dict(zip(records["record_token"], records["beneficiary_id"], strict=True))
    return [by_token[record_token(key, "jobseekers", i)] for i in ids]


def _report(ws: Workspace) -> dict[str, Any]:
    path = document(ws.out, MONTH, "report.json")
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def identical_copies(ws: Workspace) -> None:
    _with_copies(ws)


def check_one_beneficiary(ws: Workspace, result: Result) -> None:
    assert set(_beneficiaries(ws, COPY_IDS)) == {_beneficiaries(ws, COPY_IDS[:1])[0]}
    assert _report(ws)["linkage"]["identical_records"] >= COPIES - 1


def identical_copies_with_reject(ws: Workspace) -> None:
    _with_copies(ws)
    key = parse_key(TEST_KEY, "the tests")
    a, b = (record_token(key, "jobseekers", i) for i in (COPY_IDS[10], COPY_IDS[20]))
    decision = {"left_token": min(a, b), "right_token": max(a, b), "decision": "reject"}
    write_decisions(ws.out, pd.DataFrame([{**decision, "month": "2026-10"}]))


def check_reject_holds(ws: Workspace, result: Result) -> None:
    ids = _beneficiaries(ws, COPY_IDS)
    assert ids[10] != ids[20]  # the reviewer said these two are different people
    others = [b for i, b in enumerate(ids) if i not in (10, 20)]
    assert len(set(others)) == 1  # and the other copies are still one


LOOKALIKES = 500


def lookalikes(ws: Workspace) -> None:
    """500 people with one name, one birth date, one sex, one governorate, each with their
    own national number and phone: every name and birth rule's block is over the cap."""
    frame = csv_frame("jobseekers")
    template = frame.iloc[[1]].assign(**{"Full Name": "سامي خالد عيسى الحربي", "Officer": ""})
    many = pd.concat([template] * LOOKALIKES, ignore_index=True).assign(
        **{
            "Seeker ID": [f"JS-8{i:06d}" for i in range(LOOKALIKES)],
            "National Number": [f"99{i:08d}" for i in range(LOOKALIKES)],
            "Mobile": [f"0791{i:06d}" for i in range(LOOKALIKES)],
        }
    )
    pd.concat([frame, many], ignore_index=True).to_csv(ws.folder / "jobseekers.csv", index=False)


def check_skipped_counted(ws: Workspace, result: Result) -> None:
    skipped = _report(ws)["linkage"]["skipped_records"]
    assert skipped["first_birth_year"] >= LOOKALIKES and skipped["birth_date"] >= LOOKALIKES
    logs = "".join(
        p.read_text(encoding="utf-8") for p in (ws.out / "logs").glob(f"run-{MONTH}-*.jsonl")
    )
    link = [json.loads(line) for line in logs.splitlines() if '"stage": "link"' in line][-1]
    assert link["skipped_records_first_birth_year"] >= LOOKALIKES
    assert link["skipped_records"] >= LOOKALIKES


# --- checks of successful readings ---------------------------------------------------


def _rows(ws: Workspace, source: str = "naf") -> int:
    manifest = json.loads(document(ws.out, MONTH, "manifest.json").read_text(encoding="utf-8"))
    rows: int = {i["source"]: i["rows"] for i in manifest["inputs"]}[source]
    return rows


def check_visible_rows_only(ws: Workspace, result: Result) -> None:
    assert _rows(ws) == len(naf_rows()) - 1  # the hidden sheet's five rows were not read
    assert_no_leak(result, ws.out, (HIDDEN_NAME,))
    restricted = ws.out / "restricted"
    texts = [p.read_bytes() for p in restricted.rglob("*") if p.is_file()]
    assert not any(HIDDEN_NAME.encode() in t for t in texts)


def check_all_rows(ws: Workspace, result: Result) -> None:
    assert _rows(ws) == len(naf_rows()) - 1


def check_both_sheets_read(ws: Workspace, result: Result) -> None:
    check_all_rows(ws, result)
    rejects = pd.read_csv(
        ws.out / "rejects" / f"month={MONTH}" / "rejects.csv", dtype=str, keep_default_na=False
    )
    mine = rejects[(rejects["source"] == "naf") & (rejects["reason"] == "missing_record_id")]
    found = mine[["sheet", "row_number"]].values.tolist()
    assert ["Part 2", "6"] in found  # the row planted on the second sheet, where it stands
    assert ["Part 1", "79"] in found  # the sample's own missing id, at its row of the first


CASES: list[Case] = [
    Case("hidden_first_sheet", hidden_first_sheet, 0, check=check_visible_rows_only),
    Case("very_hidden_sheet", very_hidden_sheet, 0, check=check_visible_rows_only),
    Case(
        "only_hidden_sheet_holds_header",
        only_hidden_holds_header,
        3,
        ("naf.xlsx", "hidden sheet 'Data'", 'sheet = "Data"'),
    ),
    Case("hidden_sheet_named_in_config", hidden_sheet_named_in_config, 0, check=check_all_rows),
    Case("two_visible_sheets_same_header", two_visible_sheets, 0, check=check_both_sheets_read),
    Case("notes_data_and_summary_sheets", notes_and_data_sheet, 0, check=check_all_rows),
    Case(
        "a_sheet_and_its_copy",
        sheet_and_its_copy,
        3,
        ("naf.xlsx", "duplicate_record_id", "Data (2)!2", "on several sheets", 'sheet = "'),
    ),
    Case("zip_bomb", zip_bomb, 3, ("naf.xlsx", "unpacks to 64.0 MB", "resend")),
    Case("thousands_of_parts", thousands_of_parts, 3, ("naf.xlsx", "5,009 parts", "resend")),
    Case("huge_declared_dimension", huge_dimension, 0, check=check_all_rows),
    Case("stray_cell_at_XFD1048576", stray_far_cell, 3, ("naf.xlsx", "XFD1048576", "delete")),
    Case("file_dot_dot", file_up_and_out, 2, ("[sources.naf] file", "'..' part")),
    Case("file_absolute", file_absolute, 2, ("[sources.unhcr] file", "absolute path")),
    Case(
        "symlink_out_of_month_folder",
        symlink_outside,
        2,
        ("jobseekers.csv", "leads out of the month's folder", "[sources.jobseekers] file"),
    ),
    Case("450_identical_copies", identical_copies, 0, check=check_one_beneficiary),
    Case("450_copies_two_rejected", identical_copies_with_reject, 0, check=check_reject_holds),
    Case("500_lookalikes_counted", lookalikes, 0, check=check_skipped_counted),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_workbooks_and_files(case: Case, tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    case.build(ws)
    before = ws.guarded()
    result = ws.run()
    if case.exit_code == 0:
        output = result.stdout + result.stderr
        assert result.exit_code == 0, output
        assert "Traceback" not in output
    else:
        assert_clean_failure(result, case.exit_code, case.words, before=before, workspace=ws)
        assert not month_files(ws.out, MONTH)
    assert_no_leak(result, ws.out)
    if case.check is not None:
        case.check(ws, result)
