"""The fast (calamine) and the fallback (openpyxl) .xlsx readers see the same sheet the same way."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.errors import UnreadableFileError
from benelink.io import excel
from benelink.io.read import read_file
from benelink.io.workbook_limits import check_workbook

HEADERS = ["رقم السجل", "الرقم الوطني", "تاريخ الميلاد", "الاسم الأول", "ملاحظة"]


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = book.create_sheet("المستفيدون")
    for row in rows:
        data.append(row)
    book.save(path)
    return path


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    expected = set(HEADERS[:3])
    fast = read_file(path, "xlsx", label="naf.xlsx", expected_headers=expected).frame
    with monkeypatch.context() as m:
        m.setattr(excel, "_read_with_calamine", lambda *args: None)
        slow = read_file(path, "xlsx", label="naf.xlsx", expected_headers=expected).frame
    return fast, slow


def test_calamine_reads_the_data_sheet_when_installed(tmp_path: Path) -> None:
    pytest.importorskip("python_calamine")
    path = _book(tmp_path / "naf.xlsx", [HEADERS, [1, 9871234567, date(1990, 5, 17), "محمد"]])
    wanted = {excel.normal_header(h) for h in HEADERS[:3]}
    data = path.read_bytes()
    read = excel._read_with_calamine(data, "naf.xlsx", None, wanted, check_workbook(data, "x"))
    assert read is not None
    (part,) = read
    assert part.name == "المستفيدون"
    assert part.frame["الرقم الوطني"].tolist() == ["9871234567"]  # the sheet behind the notes
    assert part.unsaved == {}  # the check's pass searched it for formulas never saved


def test_title_rows_blank_rows_numbers_and_dates_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[list[object]] = [
        ["كشف المنتفعين"],
        [],
        HEADERS,
        [1, 9871234567, datetime(1990, 5, 17), "محمد", True],
        [2.0, 123456789.0, date(1985, 1, 2), None, 1.5],
        [None, None, None, None, None],
        ["3", "0123456789", "17/05/1990", "علي", "note"],
    ]
    fast, slow = _both(_book(tmp_path / "naf.xlsx", rows), monkeypatch)
    pd.testing.assert_frame_equal(fast, slow)
    assert list(fast.index) == [4, 5, 7]
    assert fast["تاريخ الميلاد"].tolist() == ["1990-05-17", "1985-01-02", "17/05/1990"]
    assert fast["ملاحظة"].tolist() == ["TRUE", "1.5", "note"]


_CELL = st.one_of(
    st.none(),
    st.text(alphabet="abc محمد0123456789 -/", max_size=8),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.booleans(),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=1, max_size=6))
def test_any_cells_read_alike(
    tmp_path_factory: pytest.TempPathFactory, body: list[list[object]]
) -> None:
    rows = [[f"r{i}", *cells] for i, cells in enumerate(body)]  # every row has its record id
    path = _book(tmp_path_factory.mktemp("x") / "naf.xlsx", [HEADERS, *rows])
    expected = set(HEADERS[:3])
    fast = read_file(path, "xlsx", label="naf.xlsx", expected_headers=expected).frame
    original = excel._read_with_calamine
    excel._read_with_calamine = lambda *args: None  # type: ignore[assignment]
    try:
        slow = read_file(path, "xlsx", label="naf.xlsx", expected_headers=expected).frame
    finally:
        excel._read_with_calamine = original
    # a cell of blanks may come back as "" from one reader and " " from the other;
    # ingest trims every value (blank -> missing), so the two are the same input
    pd.testing.assert_frame_equal(_trimmed(fast), _trimmed(slow))


def _trimmed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda column: column.str.strip())


def _sheets(path: Path, sheets: list[tuple[str, list[list[object]], str]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state  # type: ignore[assignment]
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


ROW = [1, 9871234567, date(1990, 5, 17), "محمد"]
OLD = [9, 1111111111, date(1950, 1, 1), "قديم"]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_not_read_even_when_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    path = _sheets(
        tmp_path / "naf.xlsx", [("Old", [HEADERS, OLD], state), ("Data", [HEADERS, ROW], "visible")]
    )
    for frame in _both(path, monkeypatch):
        assert frame["الرقم الوطني"].tolist() == ["9871234567"]


def test_a_header_found_only_on_a_hidden_sheet_is_refused_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sheets(
        tmp_path / "naf.xlsx",
        [("Notes", [["read me"]], "visible"), ("Data", [HEADERS, ROW], "hidden")],
    )
    with pytest.raises(UnreadableFileError, match=r"only on hidden sheet 'Data'.*sheet = \"Data\""):
        _both(path, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(excel, "_read_with_calamine", lambda *args: None)
        with pytest.raises(UnreadableFileError, match="only on hidden sheet 'Data'"):
            read_file(path, "xlsx", label="naf.xlsx", expected_headers=set(HEADERS[:3]))
    named = read_file(
        path, "xlsx", label="naf.xlsx", expected_headers=set(HEADERS[:3]), sheet="Data"
    )
    assert named.frame["الرقم الوطني"].tolist() == ["9871234567"]


def test_data_split_over_sheets_is_read_whole_in_sheet_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = [["كشف"], [HEADERS[1].upper(), " " + HEADERS[0], *HEADERS[2:4]], [9871234568, 2]]
    path = _sheets(
        tmp_path / "naf.xlsx",
        [
            ("Jan", [HEADERS, ROW], "visible"),
            ("Notes", [["a sheet of notes is still ignored"]], "visible"),
            ("Feb", second, "visible"),
        ],
    )
    for frame in _both(path, monkeypatch):
        assert list(frame.index) == [("Jan", 2), ("Feb", 3)]  # each row at its sheet's row
        assert frame.index.names == [excel.SHEET, "row_number"]
        assert frame["رقم السجل"].tolist() == ["1", "2"]  # the first sheet's spelling
        assert frame["الرقم الوطني"].tolist() == ["9871234567", "9871234568"]


def test_a_lying_dimension_pads_nothing_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import zipfile

    path = _book(tmp_path / "naf.xlsx", [HEADERS, ROW, [2, 9871234568]])
    for claim in (b"A1:XFD1048576", b"A1:B2"):
        parts = {}
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                parts[info.filename] = archive.read(info)
        for name in parts:
            if name.startswith("xl/worksheets/"):
                parts[name] = re.sub(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="' + claim + b'"', parts[name]
                )
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        fast, slow = _both(path, monkeypatch)
        assert slow.shape == fast.shape == (2, 5)
