"""The review workbook's layout, read back as a spreadsheet program reads it: sheets, widths,
drop-down, frozen panes, colours, direction, print set-up, formula safety."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benelink.io.review import write_review_queue
from benelink.io.review_workbook import FILLS, MAX_WIDTH, is_rtl, text_width
from benelink.schemas.review import DROP_DOWN, QUEUE_COLUMNS
from tests.review_cases import FORMULA_NAME, LONG_ARABIC, sample_queue


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Worksheet:
    folder = write_review_queue(tmp_path_factory.mktemp("workbook"), "2026-11", sample_queue())
    book = load_workbook(folder / "review.xlsx")
    assert book.sheetnames == ["review", "instructions"]
    assert book.active.title == "review"
    return book["review"]


def _column(sheet: Worksheet, name: str) -> str:
    header = [c.value for c in sheet[1]]
    return get_column_letter(header.index(name) + 1)


def _dimension(sheet: Worksheet, name: str):  # type: ignore[no-untyped-def]
    """The <col> element covering a column: neighbours alike are stored as one range."""
    at = [c.value for c in sheet[1]].index(name) + 1
    return next(d for d in sheet.column_dimensions.values() if d.min <= at <= d.max)


def _cell(sheet: Worksheet, name: str, value: str):  # type: ignore[no-untyped-def]
    column = _column(sheet, name)
    return next(c for c in sheet[column] if c.value == value)


def test_the_columns_are_the_queue_s_in_its_order(sheet: Worksheet) -> None:
    assert tuple(c.value for c in sheet[1]) == QUEUE_COLUMNS
    assert sheet.max_row == 1 + len(sample_queue())


def test_every_column_is_as_wide_as_its_longest_value(sheet: Worksheet) -> None:
    queue = sample_queue()
    for name in QUEUE_COLUMNS:
        width = _dimension(sheet, name).width
        longest = max(
            [text_width(str(v)) for v in queue[name].dropna() if str(v)] + [text_width(name)]
        )
        assert width >= min(longest, MAX_WIDTH), name
        assert width <= max(longest, 6) + 6, name  # sized to content, not blindly wide
    # the long Arabic name: at least a digit's width per letter, half one per space (wider
    # than Arial and DejaVu Sans draw them: see test_review_spreadsheet for the page)
    name_width = _dimension(sheet, "left_full_name").width
    assert name_width >= len(LONG_ARABIC.replace(" ", "")) + LONG_ARABIC.count(" ") / 2


def test_decision_drop_down_and_date_check_cover_every_pair(sheet: Worksheet) -> None:
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    rows = len(sample_queue())
    choices = validations["list"]
    assert choices.formula1 == '"' + ",".join(DROP_DOWN) + '"'
    assert (
        str(choices.sqref)
        == f"{_column(sheet, 'decision')}2:{_column(sheet, 'decision')}{rows + 1}"
    )
    assert choices.showErrorMessage
    day = validations["date"]
    assert str(day.sqref).startswith(_column(sheet, "decided_on") + "2")


def test_headers_and_the_pair_stay_in_view_and_tokens_are_hidden(sheet: Worksheet) -> None:
    assert sheet.freeze_panes == "D2"  # pair, decision and probability, below the header
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(QUEUE_COLUMNS))}4"
    for token in ("left_token", "right_token"):
        assert _dimension(sheet, token).hidden


def test_fields_are_coloured_by_how_they_compared(sheet: Worksheet) -> None:
    green, amber = FILLS["✓"].lstrip("#"), FILLS["≈"].lstrip("#")
    same = _cell(sheet, "left_date_of_birth", "1990-06-10 (sent 10/06/1990)")
    assert same.fill.fgColor.rgb.endswith(green)
    close = _cell(sheet, "left_date_of_birth", "1985")
    assert close.fill.fgColor.rgb.endswith(amber)
    # the summary cell itself carries no colour: it is the words
    summary = sheet[f"{_column(sheet, 'fields_compared')}2"]
    assert summary.value.startswith("✓")
    assert summary.fill.fgColor.rgb in ("00000000", None)


def test_arabic_is_right_aligned_and_read_right_to_left(sheet: Worksheet) -> None:
    arabic = _cell(sheet, "left_full_name", LONG_ARABIC)
    assert arabic.alignment.horizontal == "right"
    assert arabic.alignment.readingOrder == 2
    latin = _cell(sheet, "right_full_name", "Abdulrahman Mohammad Abdulkareem Al-Hawamdeh")
    assert latin.alignment.horizontal is None
    assert is_rtl("  «عمان»") and not is_rtl("male (sent ذكر)") and not is_rtl("12345")


def test_a_formula_looking_name_is_text_without_a_visible_apostrophe(sheet: Worksheet) -> None:
    crafted = _cell(sheet, "right_full_name", FORMULA_NAME)
    assert crafted.data_type == "s"
    assert crafted.quotePrefix  # Excel keeps it text when the cell is edited
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_print_set_up(sheet: Worksheet) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_title_cols == "$A:$C"
    assert sheet.print_options.gridLines
    assert "RESTRICTED" in sheet.oddHeader.left.text


def test_instructions_in_english_and_arabic(tmp_path: Path) -> None:
    folder = write_review_queue(tmp_path, "2026-11", sample_queue())
    help_sheet = load_workbook(folder / "review.xlsx")["instructions"]
    english = [c.value for c in help_sheet["A"] if c.value]
    arabic = [c for c in help_sheet["B"] if c.value]
    assert english[0] == "How to review these pairs"
    assert "3 pairs to decide" in english[1] and "first 3" in english[1]
    assert all(c.alignment.readingOrder == 2 for c in arabic)
    for column in ("decision", "reviewer", "decided_on", "fields_compared", "left_token"):
        assert any(line.startswith(f"{column}:") for line in english), column


def test_an_empty_queue_is_a_workbook_with_its_header(tmp_path: Path) -> None:
    empty = sample_queue().iloc[:0]
    folder = write_review_queue(tmp_path, "2026-11", empty)
    sheet = load_workbook(folder / "review.xlsx")["review"]
    assert tuple(c.value for c in sheet[1]) == QUEUE_COLUMNS
    assert sheet.max_row == 1
    assert pd.read_csv(folder / "review.csv").empty


def test_latin_and_numbers_inside_arabic_are_drawn_as_typed() -> None:
    from benelink.io.review_workbook import LRM, ltr_runs

    # after an Arabic letter, a date's digits would be drawn "10-06-1990"
    marked = ltr_runs("مثلاً 1990-06-10 (sent 10/06/1990).")
    assert marked == f"مثلاً {LRM}1990-06-10 (sent 10/06/1990){LRM}."
    assert ltr_runs("شهر 2026-11: 3 أزواج") == f"شهر {LRM}2026-11{LRM}: {LRM}3{LRM} أزواج"
    assert ltr_runs("بلا أرقام") == "بلا أرقام"


def test_the_arabic_instructions_mark_their_dates_left_to_right(tmp_path: Path) -> None:
    from benelink.io.review_workbook import LRM

    folder = write_review_queue(tmp_path, "2026-11", sample_queue())
    arabic = [str(c.value) for c in load_workbook(folder / "review.xlsx")["instructions"]["B"]]
    assert any(f"{LRM}1990-06-10 (sent 10/06/1990){LRM}" in line for line in arabic)
    assert any(f"{LRM}2026-11{LRM}" in line for line in arabic)
