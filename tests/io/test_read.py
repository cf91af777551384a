"""Reading partner files: encodings, delimiters, Excel quirks, Parquet, broken files."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benelink.config.model import FileFormat
from benelink.errors import ConfigError, UnreadableFileError
from benelink.io.read import cell_text, decode, file_sha256, read_file, sniff_delimiter, source_path

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


def test_lines_with_too_many_fields_are_set_aside_with_their_row_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", b'a,b\n1,2\n1,2,3\n"x\ny",5\n6,7,8,9\n10,11\n')
    raw = read_file(path, "csv", label="r.csv")
    assert raw.bad_rows == (3, 5)
    assert list(raw.frame.index) == [2, 4, 6]
    assert raw.frame["a"].tolist() == ["1", "x\ny", "10"]


def test_unterminated_quote_names_the_row_not_the_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", b'a,b\n1,2\n"Secret Name,3\n')
    with pytest.raises(UnreadableFileError, match=r"r\.csv: broken CSV \(EOF inside string") as c:
        read_file(path, "csv", label="r.csv")
    assert "Secret" not in str(c.value)


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
    with pytest.raises(ConfigError, match=r"no sheet named 'Other'.*Data"):
        read_file(path, "xlsx", label="x", sheet="Other")
    with pytest.raises(ConfigError, match="no sheet number 3"):
        read_file(path, "xlsx", label="x", sheet=3)


def test_not_a_workbook_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "naf.xlsx", b"id,name\n1,A\n")
    with pytest.raises(
        UnreadableFileError, match=r'naf\.xlsx: is a text \(CSV\) file.*format = "csv"'
    ):
        read_file(path, "xlsx", label="naf.xlsx")
    broken = _write(tmp_path, "zip.xlsx", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(UnreadableFileError, match=r"zip\.xlsx: is not a valid \.xlsx"):
        read_file(broken, "xlsx", label="zip.xlsx")


@pytest.mark.parametrize(
    ("data", "file_format", "pattern"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "xlsx",
            r"old Excel 97-2003 \.xls.*save it as \.xlsx",
        ),
        (b"<html><table><tr><td>1</td></tr></table></html>", "xlsx", r"web page"),
        (b"%PDF-1.4 ...", "xlsx", r"PDF document"),
        (b"PK\x03\x04" + b"\x00" * 40, "csv", r'\.xlsx workbook, not a CSV.*format = "xlsx"'),
        (b"PAR1" + b"\x00" * 40, "csv", r'Parquet file.*format = "parquet"'),
        (b"id,name\n1,A\n", "parquet", r'text \(CSV\) file.*format = "csv"'),
    ],
    ids=["xls", "html", "pdf", "xlsx-as-csv", "parquet-as-csv", "csv-as-parquet"],
)
def test_a_file_that_is_not_what_its_name_says(
    tmp_path: Path, data: bytes, file_format: FileFormat, pattern: str
) -> None:
    with pytest.raises(UnreadableFileError, match=pattern):
        read_file(_write(tmp_path, "f", data), file_format, label="f")


def test_utf16_without_bom_and_nul_bytes(tmp_path: Path) -> None:
    raw = read_file(_write(tmp_path, "u.csv", ARABIC_CSV.encode("utf-16-le")), "csv", label="u")
    assert raw.frame["الاسم الأول"].tolist() == ["محمد", "فاطمة"]
    raw = read_file(_write(tmp_path, "n.csv", b"id,name\n1,Ab\x00cd\n"), "csv", label="n")
    assert raw.frame["name"].tolist() == ["Ab\ufffdcd"]  # kept whole, flagged by validation


def test_csv_title_line_above_the_header(tmp_path: Path) -> None:
    text = "NAF list;;\nNovember 2026\nid;name\n1;A\n2;B\n"
    raw = read_file(
        _write(tmp_path, "t.csv", text.encode()), "csv", label="t", expected_headers=["id", "name"]
    )
    assert raw.frame["name"].tolist() == ["A", "B"]
    assert list(raw.frame.index) == [4, 5]


def test_a_configured_header_twice_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", b"id,name,other,Name,other\n1,A,x,B,y\n")
    with pytest.raises(UnreadableFileError, match=r"d\.csv: column 'name' appears 2 times.*2, 4"):
        read_file(path, "csv", label="d.csv", expected_headers=["id", "name"])
    frame = read_file(path, "csv", label="d.csv", expected_headers=["id"]).frame
    assert list(frame.columns) == ["id", "name", "other", "Name.1", "other.1"]


def test_the_data_sheet_is_found_behind_a_notes_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = book.create_sheet("Data")
    data.append(["id", "name"])
    data.append(["1", "A"])
    book.save(tmp_path / "s.xlsx")
    raw = read_file(tmp_path / "s.xlsx", "xlsx", label="s", expected_headers=["id", "name"])
    assert raw.frame["name"].tolist() == ["A"]


def test_formulas_without_saved_results_are_refused_in_mapped_columns(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "note"])
    sheet.append(["1", "A", "=1+1"])
    sheet.append(["2", "=B2", "=1+2"])
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(UnreadableFileError, match=r"f: column 'name' holds 1 formula.*rows 3-3"):
        read_file(tmp_path / "f.xlsx", "xlsx", label="f", expected_headers=["id", "name"])
    raw = read_file(tmp_path / "f.xlsx", "xlsx", label="f", expected_headers=["id"])
    assert raw.frame["id"].tolist() == ["1", "2"]


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


def test_a_source_path_may_not_lead_out_of_the_month_folder(tmp_path: Path) -> None:
    month = tmp_path / "2026-11"
    (month / "sub").mkdir(parents=True)
    outside = tmp_path / "secret.csv"
    outside.write_text("id\n1\n")
    (month / "naf.csv").write_text("id\n1\n")
    (month / "link.csv").symlink_to(outside)
    (month / "up").symlink_to(tmp_path)
    (month / "inner.csv").symlink_to(month / "naf.csv")  # a link inside the folder is fine
    assert source_path(month, "naf.csv", "sources.naf", "c.toml") == month / "naf.csv"
    assert source_path(month, "inner.csv", "sources.naf", "c.toml") == month / "inner.csv"
    assert source_path(month, "sub/x.csv", "sources.naf", "c.toml") == month / "sub" / "x.csv"
    for name in ("link.csv", "up/secret.csv"):
        with pytest.raises(
            ConfigError, match=r"leads out of the month's folder.*\[sources\.naf\] file in c\.toml"
        ):
            source_path(month, name, "sources.naf", "c.toml")
