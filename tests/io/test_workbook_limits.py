"""What a workbook may make benelink unpack and allocate: refused before any parser runs."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.errors import UnreadableFileError
from benelink.io import workbook_limits
from benelink.io.workbook_limits import (
    MAX_PARTS,
    TOTAL_CEILING,
    TOTAL_FLOOR,
    SheetExtent,
    UnsavedFormulas,
    check_directory,
    check_workbook,
    column_letters,
    column_number,
    total_limit,
)
from tests.helpers import SAMPLE

WORKBOOK = b"""<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = b"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""


def _sheet(rows: int, columns: int = 3, extra: bytes = b"") -> bytes:
    letters = [column_letters(c + 1) for c in range(columns)]
    body = b"".join(
        b'<row r="%d">' % r
        + b"".join(
            b'<c r="%s%d" t="inlineStr"><is><t>v</t></is></c>' % (c.encode(), r) for c in letters
        )
        + b"</row>"
        for r in range(1, rows + 1)
    )
    return (
        b"<worksheet><sheetData>"
        + body
        + extra
        + b'</sheetData><pageMargins header="0.3"/></worksheet>'
    )


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _book(sheet: bytes) -> bytes:
    return _zip(
        {
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": RELS,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def test_the_sample_workbook_passes() -> None:
    check_workbook((SAMPLE / "2026-11" / "naf.xlsx").read_bytes(), "naf.xlsx")


def test_total_bound_scales_with_the_file_between_floor_and_ceiling() -> None:
    assert total_limit(1_000) == TOTAL_FLOOR
    assert total_limit(10 << 20) == 1000 << 20
    assert total_limit(1 << 30) == TOTAL_CEILING


def test_a_densely_packed_part_is_refused_from_the_directory_alone() -> None:
    bomb = zipfile.ZipInfo("xl/media/image1.bin")
    bomb.file_size, bomb.compress_size = 64 << 20, 64 << 10
    with pytest.raises(
        UnreadableFileError, match=r"unpacks to 64\.0 MB from 64\.0 KB \(1,024 to 1"
    ):
        check_directory([bomb], 100 << 10, "naf.xlsx")
    small = zipfile.ZipInfo("xl/styles.xml")
    small.file_size, small.compress_size = 2 << 20, 1 << 10  # tiny parts may pack any way
    check_directory([small], 100 << 10, "naf.xlsx")


def test_too_many_parts_and_too_much_in_all_are_refused() -> None:
    many = [zipfile.ZipInfo(f"p{i}") for i in range(MAX_PARTS + 1)]
    with pytest.raises(UnreadableFileError, match="holds 1,001 parts"):
        check_directory(many, 1 << 20, "naf.xlsx")
    parts = []
    for i in range(20):  # each 3 MB at 150:1: under the per-part bound, 60 MB in all
        part = zipfile.ZipInfo(f"p{i}")
        part.file_size, part.compress_size = 3 << 20, 20 << 10
        parts.append(part)
    with pytest.raises(UnreadableFileError, match=r"unpacks to 60\.0 MB, more than the 32\.0 MB"):
        check_directory(parts, 200 << 10, "naf.xlsx")


def test_a_part_longer_than_its_directory_says_is_refused() -> None:
    data = bytearray(_book(_sheet(50)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    real = zipfile.ZipFile(io.BytesIO(bytes(data))).read(info)
    claimed = len(real) // 2  # the directory and the local header both lie, the CRC agrees
    crc = zlib.crc32(real[:claimed])
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, info.header_offset + 14, crc)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, claimed)
    with pytest.raises(UnreadableFileError, match="more than the size its zip directory declares"):
        check_workbook(bytes(data), "naf.xlsx")


def test_a_damaged_part_is_refused() -> None:
    data = bytearray(_book(_sheet(50)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 80] ^= 0xFF  # a byte of the packed sheet
    with pytest.raises(UnreadableFileError, match=r"cannot be unpacked|checksum fails"):
        check_workbook(bytes(data), "naf.xlsx")


def test_a_stray_cell_far_from_the_data_is_refused_with_the_cell() -> None:
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    with pytest.raises(
        UnreadableFileError, match=r"sheet 'Data' reaches cell XFD1048576.*Ctrl\+End"
    ):
        check_workbook(_book(_sheet(300, extra=far)), "naf.xlsx")
    near = b'<row r="400"><c r="K400"><v>1</v></c></row>'  # a few empty rows: fine
    check_workbook(_book(_sheet(300, extra=near)), "naf.xlsx")


def test_extent_is_found_across_chunks_and_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook_limits, "CHUNK", 97)  # every reference may be cut in two
    hidden = b'<row r="5"><c r="AB5000000"><v>1</v></c></row>'  # a longer row number mid-sheet
    sheet = _sheet(40, 11)
    sheet = sheet.replace(b'<row r="20">', hidden + b'<row r="20">')
    with zipfile.ZipFile(io.BytesIO(_book(sheet))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        scanned = workbook_limits._unpacked(archive, info, "x", scan=True)
    assert scanned is not None
    extent, formulas = scanned
    assert formulas.found == {}
    assert (extent.rows, extent.columns) == (5_000_000, 28)
    assert extent.cells == 40 * 11 + 1


def test_a_normal_sheet_extent_is_exact() -> None:
    extent = SheetExtent()
    extent.scan(_sheet(120, 11), b"")
    assert (extent.rows, extent.columns, extent.cells) == (120, 11, 1320)


def test_column_letters_round_trip() -> None:
    for n in (1, 26, 27, 52, 702, 703, 16384):
        assert column_number(column_letters(n)) == n
    assert column_letters(16384) == "XFD"


def test_a_file_that_is_no_zip_is_unreadable() -> None:
    with pytest.raises(UnreadableFileError, match=r"is not a valid \.xlsx"):
        check_workbook(b"PK\x03\x04" + bytes(40), "naf.xlsx")


_FORMULA_SHEET = (
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="B1"><f>SUM(C1:C9)</f></c></row><row r="2"><c r="A2"><v>7</v></c>'
    b'<c r="B2"><f>A2*2</f><v>14</v></c><c r="C2"><f t="shared" si="0"/><v></v></c></row>'
    b'<row r="3"><c r="B3"><f>A3*2</f><v/></c><c r="AB3"><f>1+1</f></c></row></sheetData>'
)


@given(st.lists(st.integers(min_value=0, max_value=len(_FORMULA_SHEET)), max_size=12))
def test_unsaved_formulas_found_alike_however_the_sheet_is_cut(cuts: list[int]) -> None:
    """The safety pass sees a sheet in chunks: a cell cut anywhere is still found once."""
    bounds = [0, *sorted(cuts), len(_FORMULA_SHEET)]
    scan = UnsavedFormulas()
    for start, end in itertools.pairwise(bounds):
        scan.scan(_FORMULA_SHEET[start:end])
    scan.finish()
    # B1, C2, B3 and AB3 hold formulas with no saved result; B2 saved 14
    assert scan.found == {"B": [1, 3], "C": [2], "AB": [3]}


def test_the_check_returns_each_sheets_unsaved_formulas() -> None:
    data = _book(_sheet(3, extra=b'<row r="9"><c r="D9"><f>1/0</f></c></row>'))
    assert check_workbook(data, "naf.xlsx") == {"xl/worksheets/sheet1.xml": {"D": [9]}}
