"""Reading partner files: encodings, delimiters, Excel quirks, Parquet, broken files."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benelink.errors import UnreadableFileError
from benelink.io.read import cell_text, decode, file_sha256, read_file, sniff_delimiter

ARABIC_CSV = "رقم السجل,الاسم الأول,الرقم الوطني\n1,محمد,0123456789\n2,فاطمة,9876543210\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoded",
    [
        ARABIC_CSV.encode("utf-8"),
        ARABIC_CSV.encode("utf-8-sig"),
        ARABIC_CSV.encode("utf-16"),  # with BOM
        ARABIC_CSV.encode("cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "cp1256"],
)
def test_csv_encodings_read_the_same_text(tmp_path: Path, encoded: bytes) -> None:
    raw = read_file(_write(tmp_path, "naf.csv", encoded), "csv", label="naf.csv")
    assert list(raw.frame.columns) == ["رقم السجل", "الاسم الأول", "الرقم الوطني"]
    assert raw.frame["الاسم الأول"].tolist() == ["محمد", "فاطمة"]
    assert raw.frame["الرقم الوطني"].tolist() == ["0123456789", "9876543210"]
    assert list(raw.frame.index) == [2, 3]
    assert raw.sha256 == hashlib.sha256(encoded).hexdigest()


def test_configured_encoding_overrides_detection(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "id,name\n1,café\n".encode("latin-1"))
    raw = read_file(path, "csv", label="a.csv", encoding="latin-1")
    assert raw.frame["name"].tolist() == ["café"]


def test_wrong_configured_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", ARABIC_CSV.encode("utf-16"))
    with pytest.raises(UnreadableFileError, match=r"a\.csv: cannot be decoded .*'ascii'"):
        read_file(path, "csv", label="a.csv", encoding="ascii")


def test_binary_bytes_are_not_taken_for_text() -> None:
    binary = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20  # an old .xls
    with pytest.raises(UnreadableFileError, match=r"x\.csv: the text encoding is not recognised"):
        decode(binary, "x.csv")


def test_non_arabic_legacy_text_keeps_the_detected_encoding() -> None:
    text = "id,name,city\n1,Barçès Dupré,Genève\n2,Hélène Loïc,Orléans\n"
    decoded = decode(text.encode("latin-1"), "x.csv")
    assert "Dupré" in decoded  # the detector may pick cp1250 over latin-1: same letters here
    assert not any("\u0600" <= c <= "\u06ff" for c in decoded)


def test_short_cp1256_arabic_is_read_as_arabic() -> None:
    assert decode("1,علي\n".encode("cp1256"), "x.csv") == "1,علي\n"


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path: Path, sep: str) -> None:
    text = sep.join(["Seeker ID", "Full Name", "Mobile"]) + "\n"
    text += sep.join(["S1", "Ahmad Ali", "0791234567"]) + "\n"
    raw = read_file(_write(tmp_path, "j.csv", text.encode()), "csv", label="j.csv")
    assert raw.frame.loc[2, "Full Name"] == "Ahmad Ali"
    assert raw.frame.loc[2, "Mobile"] == "0791234567"


def test_sniff_prefers_the_most_frequent_candidate() -> None:
    assert sniff_delimiter("a;b;c,d") == ";"
    assert sniff_delimiter("single") == ","


def test_configured_delimiter_overrides_detection(tmp_path: Path) -> None:
    path = _write(tmp_path, "j.csv", b"a;b,c\n1;2,3\n")
    assert list(read_file(path, "csv", label="j.csv", delimiter=",").frame.columns) == [
        "a;b",
        "c",
    ]


def test_quoted_newlines_stay_in_one_row_and_row_numbers_follow_records(tmp_path: Path) -> None:
    text = 'id,address,name\n1,"line one\nline two",A\n\n3,x,C\n,,\n'
    raw = read_file(_write(tmp_path, "q.csv", text.encode()), "csv", label="q.csv")
    assert raw.frame["address"].tolist() == ["line one\nline two", "x"]
    # the blank line is row 3 for the officer; the ",," row is blank too and dropped
    assert list(raw.frame.index) == [2, 4]


def test_ragged_csv_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", b"a,b\n1,2\n1,2,3\n")
    with pytest.raises(UnreadableFileError, match=r"r\.csv: broken CSV .*line 3"):
        read_file(path, "csv", label="r.csv")


def test_missing_empty_and_header_only_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match=r"m\.csv: file not found"):
        read_file(tmp_path / "m.csv", "csv", label="m.csv")
    with pytest.raises(UnreadableFileError, match=r"e\.csv: the file is empty"):
        read_file(_write(tmp_path, "e.csv", b""), "csv", label="e.csv")
    with pytest.raises(UnreadableFileError, match=r"h\.csv: has no data rows"):
        read_file(_write(tmp_path, "h.csv", b"id,name\n"), "csv", label="h.csv")
    with pytest.raises(UnreadableFileError, match=r"b\.csv: has no data rows"):
        read_file(_write(tmp_path, "b.csv", b"id,name\n,\n \n"), "csv", label="b.csv")


def _workbook(tmp_path: Path, rows: list[list[object]], title: str = "Sheet") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "naf.xlsx"
    book.save(path)
    return path


def test_xlsx_title_row_numbers_and_dates(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ["كشف المنتفعين - تشرين الثاني"],
            [],
            ["رقم السجل", "الرقم الوطني", "تاريخ الميلاد", "الاسم الأول"],
            [1, 9871234567, datetime(1990, 5, 17), "محمد"],
            [2.0, 123456789.0, date(1985, 1, 2), None],
            [None, None, None, None],
            ["3", "0123456789", "17/05/1990", "علي"],
        ],
    )
    raw = read_file(
        path,
        "xlsx",
        label="naf.xlsx",
        expected_headers={"رقم السجل", "الرقم الوطني", "تاريخ الميلاد"},
    )
    frame = raw.frame
    assert list(frame.columns) == ["رقم السجل", "الرقم الوطني", "تاريخ الميلاد", "الاسم الأول"]
    assert list(frame.index) == [4, 5, 7]  # header on sheet row 3, blank row 6 dropped
    assert frame["رقم السجل"].tolist() == ["1", "2", "3"]
    assert frame["الرقم الوطني"].tolist() == ["9871234567", "123456789", "0123456789"]
    assert frame["تاريخ الميلاد"].tolist() == ["1990-05-17", "1985-01-02", "17/05/1990"]
    assert frame["الاسم الأول"].tolist() == ["محمد", "", "علي"]


def test_xlsx_sheet_by_name_and_position(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["id", "name"], ["1", "A"]], title="Data")
    assert read_file(path, "xlsx", label="x", sheet="Data").frame["name"].tolist() == ["A"]
    assert read_file(path, "xlsx", label="x", sheet=0).frame["name"].tolist() == ["A"]
    with pytest.raises(UnreadableFileError, match=r"no sheet named 'Other'.*Data"):
        read_file(path, "xlsx", label="x", sheet="Other")
    with pytest.raises(UnreadableFileError, match="no sheet number 3"):
        read_file(path, "xlsx", label="x", sheet=3)


def test_not_a_workbook_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "naf.xlsx", b"id,name\n1,A\n")
    with pytest.raises(UnreadableFileError, match=r"naf\.xlsx: is not a valid \.xlsx"):
        read_file(path, "xlsx", label="naf.xlsx")


def test_parquet_columns_become_strings(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, None], pa.int64()),
            "nn": pa.array([9871234567.0, 1.5, None], pa.float64()),
            "dob": pa.array([date(1990, 5, 17), None, date(2001, 1, 1)], pa.date32()),
            "seen": pa.array([datetime(2026, 1, 2, 10, 30), None, None], pa.timestamp("s")),
            "name": pa.array(["A", None, "C"]),
        }
    )
    path = tmp_path / "u.parquet"
    pq.write_table(table, path)
    frame = read_file(path, "parquet", label="u.parquet").frame
    assert frame["id"].tolist() == ["1", "2", ""]
    assert frame["nn"].tolist() == ["9871234567", "1.5", ""]
    assert frame["dob"].tolist() == ["1990-05-17", "", "2001-01-01"]
    assert frame["seen"].tolist() == ["2026-01-02", "", ""]
    assert list(frame.index) == [2, 3, 4]


def test_corrupt_parquet_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.parquet", b"PAR1 not really")
    with pytest.raises(UnreadableFileError, match=r"u\.parquet: cannot be read as parquet"):
        read_file(path, "parquet", label="u.parquet")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (9871234567.0, "9871234567"),
        (0.5, "0.5"),
        (float("nan"), ""),
        (42, "42"),
        (True, "TRUE"),
        (datetime(2000, 2, 29, 13, 5), "2000-02-29"),
        (date(1999, 12, 31), "1999-12-31"),
        ("  as is ", "  as is "),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_file_sha256_matches_hashlib(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.bin", b"abc" * 1000)
    assert file_sha256(path) == hashlib.sha256(b"abc" * 1000).hexdigest()
