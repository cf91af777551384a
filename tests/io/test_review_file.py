"""Reading a returned review file: what it really is, in any encoding and delimiter, with
formulas seen as formulas; and which record tokens an output folder knows."""

from __future__ import annotations

import random
import re
import stat
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from benelink.errors import UnreadableFileError
from benelink.io.review import known_tokens, read_review_file
from benelink.io.state import write_registry

ROWS = pd.DataFrame(
    {
        "pair": ["1", "2"],
        "decision": ["accept", ""],
        "left_full_name": ["محمد الحريري", "Mohammad Al-Hariri"],
        "left_token": ["t1", "t3"],
        "right_token": ["t2", "t4"],
    }
)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("review.xlsx", b"pair,decision\n1,accept\n", "is a text (CSV) file, not an .xlsx"),
        ("review.xlsx", b"%PDF-1.4\n", "is a PDF document"),
        ("review.csv", b"%PDF-1.4\n", "is a PDF document, not CSV text"),
        ("review.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "97-2003 .xls"),
        ("review.csv", b"PK\x03\x04" + b"\0" * 64, "an Excel .xlsx workbook"),
        ("review.csv", random.Random(3).randbytes(2048), "binary data"),
        ("review.xlsx", b"", "the file is empty"),
        ("review.csv", b" \n\n", "the file is empty"),
    ],
)
def test_what_is_not_a_review_file_is_named(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError, match=re.escape(words)) as refused:
        read_review_file(path)
    assert "\n" not in str(refused.value)
    fix = "save it as .xlsx" if "97-2003" in words else "return the review.xlsx or review.csv"
    assert fix in str(refused.value)


@pytest.mark.parametrize(
    ("name", "opening", "words"),
    [
        ("review.ods", b"", "is an OpenDocument (.ods) spreadsheet, not CSV text; save it as"),
        ("review.xlsx", b"", "is an OpenDocument (.ods) spreadsheet, not an .xlsx workbook"),
        ("review.numbers", b"pair,decision\n", "a .numbers file is neither an .xlsx workbook"),
        ("review.xls", b"\xd0\xcf\x11\xe0" + bytes(60), "97-2003 .xls workbook, not CSV text;"),
    ],
)
def test_other_spreadsheet_files_are_named_with_how_to_save_them(
    tmp_path: Path, name: str, opening: bytes, words: str
) -> None:
    path = tmp_path / name
    if opening:
        path.write_bytes(opening)
    else:  # an OpenDocument file: a zip whose first, stored member is its mimetype
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<table/>")
    with pytest.raises(UnreadableFileError, match=re.escape(words)) as refused:
        read_review_file(path)
    assert "save it as .xlsx (Excel Workbook) or as CSV" in str(refused.value)


def test_csv_text_saved_as_txt_or_tsv_is_read(tmp_path: Path) -> None:
    for name, text in (("review.txt", "a;b\n1;2\n"), ("review.tsv", "a\tb\n1\t2\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert read_review_file(path).columns.tolist() == ["a", "b"]


def test_a_zip_that_is_no_workbook_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "review.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UnreadableFileError, match=r"not a readable \.xlsx workbook"):
        read_review_file(path)
    with pytest.raises(UnreadableFileError, match="cannot be opened"):
        read_review_file(tmp_path / "gone.csv")
    with pytest.raises(UnreadableFileError, match="is a folder"):
        read_review_file(tmp_path)


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("utf-8-sig", ","), ("utf-8", ";"), ("cp1256", ","), ("cp1256", ";"), ("utf-16", "\t")],
)
def test_csv_in_the_encodings_and_delimiters_partners_use(
    tmp_path: Path, encoding: str, sep: str
) -> None:
    path = tmp_path / "review.csv"
    ROWS.to_csv(path, index=False, sep=sep, encoding=encoding)
    read = read_review_file(path)
    assert read[ROWS.columns].astype(str).values.tolist() == ROWS.values.tolist()


def test_blank_lines_keep_the_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "review.csv"
    path.write_text("decision,left_token,right_token\naccept,a,b\n\nreject,c,d\n", encoding="utf-8")
    assert read_review_file(path)["decision"].tolist() == ["accept", "", "reject"]


def test_workbook_formulas_read_as_formulas_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "review"
    sheet.append(["decision", "left_token", "right_token"])
    sheet.append(["accept", "t1", "t2"])
    sheet.append([])  # a blank row stays a row
    sheet.append(['=IF(1,"accept","reject")', "t5", "t6"])
    sheet.append([None, 42, "t8"])
    path = tmp_path / "review.xlsx"
    book.save(path)
    read = read_review_file(path)
    assert read["decision"].tolist() == ["accept", "", '=IF(1,"accept","reject")', ""]
    assert read["left_token"].tolist() == ["t1", "", "t5", "42"]


def test_known_tokens_come_from_registries_and_snapshots(tmp_path: Path) -> None:
    registry = pd.DataFrame(
        {
            "record_token": ["t1", "t2"],
            "beneficiary_id": ["B-1", "B-1"],
            "first_seen_month": ["2026-10"] * 2,
            "last_seen_month": ["2026-10"] * 2,
            "id_since": ["2026-10"] * 2,
        }
    )
    write_registry(tmp_path, "2026-10", registry, "f" * 16)
    folder = tmp_path / "snapshots" / "month=2026-09"
    folder.mkdir(parents=True)
    pd.DataFrame({"record_token": ["t3"], "beneficiary_id": ["B-2"]}).to_parquet(
        folder / "records.parquet"
    )
    assert known_tokens(tmp_path, ["t1", "t3", "nowhere"]) == {"t1", "t3"}
    assert known_tokens(tmp_path / "empty", ["t1"]) == frozenset()


def test_an_old_decision_store_reads_with_empty_audit_columns(tmp_path: Path) -> None:
    from benelink.io.review import read_decisions, write_decisions
    from benelink.schemas.columns import DECISION_COLUMNS

    path = tmp_path / "state" / "decisions.parquet"
    path.parent.mkdir()
    old = pd.DataFrame(
        [{"left_token": "a", "right_token": "b", "decision": "accept", "month": "2026-09"}]
    )
    old.to_parquet(path, index=False)
    decisions = read_decisions(tmp_path)
    assert decisions is not None
    assert list(decisions.columns) == DECISION_COLUMNS
    assert decisions["reviewer"].isna().all()
    write_decisions(tmp_path, decisions)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = read_decisions(tmp_path)
    assert again is not None and again.loc[0, "decision"] == "accept"


def test_only_review_files_a_reviewer_changed_are_read_back(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from benelink.errors import UsageError
    from benelink.io.review import read_typed_reviews, write_review_queue
    from tests.review_cases import sample_queue

    assert read_typed_reviews(tmp_path, "2026-11") == []  # no queue yet
    folder = write_review_queue(tmp_path, "2026-11", sample_queue())
    assert read_typed_reviews(tmp_path, "2026-11") == []  # as written: not read
    book = load_workbook(folder / "review.xlsx")
    book["review"]["B2"] = "accept"
    book.save(folder / "review.xlsx")
    typed = read_typed_reviews(tmp_path, "2026-11")
    assert [t.label for t in typed] == [str(folder / "review.xlsx")]
    assert typed[0].rows.loc[0, "decision"] == "accept"
    (folder / "review.csv").write_bytes(b"\x00\x01\x02 not a csv" * 40)
    with pytest.raises(UsageError, match=r"review\.csv: changed since the last run of 2026-11"):
        read_typed_reviews(tmp_path, "2026-11")


def test_applied_files_are_kept_owner_only(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from benelink.io.review import keep_reviewed_file

    at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    kept = keep_reviewed_file(tmp_path, "2026-11", b"pair,decision\n", "review.csv", at)
    assert kept.parent == tmp_path / "restricted" / "applied" / "month=2026-11"
    assert kept.name.startswith("20261130T091500Z-") and kept.name.endswith("-review.csv")
    assert kept.read_bytes() == b"pair,decision\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    for level in (kept.parent, kept.parent.parent, tmp_path / "restricted"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700
