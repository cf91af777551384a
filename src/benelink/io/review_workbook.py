"""The review workbook: the doubtful pairs laid out for a person comparing two records.

One row per pair (``schemas.review``), so that sorting or filtering in Excel
never separates the two records of a pair. Every column is as wide as its
longest value (``column_widths``), Arabic text is right-aligned and read right
to left, each field's two values and how they compared are coloured by the
comparison's mark (green same, amber close, red differs), the decision cell
offers the decision words in a drop-down, and the header row and the pair's
first columns stay in view. An ``instructions`` sheet says, in English and in
Arabic, what to do and what each column means; the page is set up to print
(landscape A4, header row and pair repeated on every page, marked restricted).

Written with XlsxWriter in its constant-memory mode: rows stream to disk, so a
million-person month's hundred thousand pairs need no more memory than one
row, and each cell costs half of what openpyxl's write-only cells cost. Text
is always written as text, never as a formula; a value that a spreadsheet
would evaluate once edited (``=``, ``+``, ``-``, ``@``...) is marked with
Excel's quote prefix, so it is shown as written, without a visible apostrophe.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from benelink.io.cells import FORMULA_START
from benelink.schemas.review import (
    COLUMN_HELP,
    DECIDED_ON,
    DECISION,
    DROP_DOWN,
    FIELDS_COMPARED,
    LEAD,
    MARKS,
    NAME_FIELD,
    PAIR,
    PROBABILITY,
    SHOWN_FIELDS,
    TOKENS,
    TYPED,
    compared_marks,
)

SHEET: Final = "review"
INSTRUCTIONS: Final = "instructions"
FONT: Final = {"font_name": "Arial", "font_size": 10}
ROW_PIXELS: Final = 17  # Arial 10's row height
# a column's width, in Excel's unit (the width of a "0"), never less or more than these
MIN_WIDTH: Final = 6.0
MAX_WIDTH: Final = 90.0
PADDING: Final = 2.0  # the cell's margins
FILTER_BUTTON: Final = 2.5  # the header's drop-down arrow
FROZEN_COLUMNS: Final = LEAD.index(PROBABILITY) + 1  # pair, decision and probability stay
# Excel's own palette for good / neutral / bad, then what the reviewer fills in
FILLS: Final = {"✓": "#C6EFCE", "≈": "#FFEB9C", "✗": "#FFC7CE"}
TO_FILL: Final = "#DDEBF7"
HEADER_FILL: Final = "#D9D9D9"
_LETTER: Final = re.compile(r"[^\W\d_]")
_WIDE: Final = frozenset("mwMW@%&")
_NARROW: Final = frozenset("iljtfrI.,;:'|!()[]{} ")
# a run of Latin letters, digits and the separators of dates, commands and brackets, as
# written inside Arabic text; marked left-to-right (``ltr_runs``)
_LTR_RUN: Final = re.compile(r"[0-9A-Za-z(<][0-9A-Za-z_/\-.()<> ]*[0-9A-Za-z)>]|[0-9]")
LRM: Final = "\u200e"  # LEFT-TO-RIGHT MARK


@dataclass(frozen=True)
class WorkbookFacts:
    """What the instructions sheet says of the month's queue."""

    month: str
    pairs: int
    to_settle: int


def is_rtl(text: str) -> bool:
    """Whether the text's first letter is of a right-to-left script (Arabic, Hebrew)."""
    found = _LETTER.search(text)
    return found is not None and unicodedata.bidirectional(found.group()) in ("AL", "R")


def ltr_runs(text: str) -> str:
    """Arabic text with each Latin or numeric run between left-to-right marks.

    After an Arabic letter the bidirectional algorithm reads digits as Arabic
    numbers and a hyphen or slash between them as neutral, so Excel and
    LibreOffice draw "مثلاً 1990-06-10" as "10-06-1990" and split
    "(sent 10/06/1990)." around its brackets. A mark on each side makes the run
    one left-to-right piece, drawn as typed; the marks take no width.
    """
    return _LTR_RUN.sub(lambda run: f"{LRM}{run.group()}{LRM}", text)


def text_width(text: str) -> float:
    """The text's width in Excel's unit (the width of a "0" in Arial 10), estimated.

    Latin letters by their class (narrow i/l/., wide m/W, capitals wider than
    lower case), as Arial and its metric twin Liberation Sans draw them; an
    Arabic letter as a digit, which is wider than Arial or DejaVu Sans (the
    Arabic fallback of LibreOffice) draw one, measured on a rendered page; a
    combining mark (harakat) takes none, an East Asian wide character two.
    """
    width = 0.0
    for ch in text:
        if ch in _NARROW:
            width += 0.5
        elif ch in _WIDE:
            width += 1.5
        elif "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff":
            width += 0.0 if unicodedata.category(ch) == "Mn" else 1.0
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 2.0
        elif ch.isupper():
            width += 1.25
        else:
            width += 1.0
    return width


def column_widths(queue: pd.DataFrame) -> list[float]:
    """Each column's width: its longest value's (or its header's), padded, within bounds.

    Only the longest few values of a column are measured: the estimate is
    per character, the count of characters a vectorised first cut.
    """
    widths = []
    for column in queue.columns:
        values = _shown(queue[column])
        longest = values[values.str.len() >= 0]
        top = longest.loc[longest.str.len().nlargest(40).index] if len(longest) else longest
        measured = max([text_width(v) for v in top] + [0.0]) + PADDING
        header = text_width(str(column)) + PADDING + FILTER_BUTTON
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, measured, header)))
    return widths


def write_review_workbook(path: Path, queue: pd.DataFrame, facts: WorkbookFacts) -> None:
    """review.xlsx of one month's queue (see the module)."""
    book = Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_format_properties": dict(FONT),
            "default_row_height": ROW_PIXELS,
        },
    )
    try:
        styles = _Styles(book)
        sheet = book.add_worksheet(SHEET)
        _lay_out(sheet, queue, styles, facts)
        _write_rows(sheet, queue, styles)
        _write_instructions(book.add_worksheet(INSTRUCTIONS), styles, facts)
        sheet.activate()
    finally:
        book.close()


class _Styles:
    """The workbook's cell formats, made once each: XlsxWriter keeps one per combination."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._made: dict[tuple[str, bool, bool], Format] = {}
        self.header = book.add_format({"bold": True, "bg_color": HEADER_FILL, "bottom": 1})
        self.to_fill = book.add_format(
            {"bg_color": TO_FILL, "border": 1, "border_color": "#9BC2E6"}
        )
        self.day = book.add_format(
            {
                "bg_color": TO_FILL,
                "border": 1,
                "border_color": "#9BC2E6",
                "num_format": "yyyy-mm-dd",
            }
        )
        self.percent = book.add_format({"num_format": "0.0%"})
        self.token = book.add_format({"font_color": "#808080"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.arabic = book.add_format(
            {"text_wrap": True, "valign": "top", "align": "right", "reading_order": 2}
        )
        self.arabic_bold = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "align": "right", "reading_order": 2}
        )
        self.bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def cell(self, mark: str, rtl: bool, quoted: bool) -> Format | None:
        """The format of a value cell: its field's colour, its direction, its quote prefix."""
        if not (mark or rtl or quoted):
            return None
        key = (mark, rtl, quoted)
        if key not in self._made:
            spec: dict[str, Any] = {}
            if mark in FILLS:
                spec["bg_color"] = FILLS[mark]
            if rtl:
                spec.update(align="right", reading_order=2)
            if quoted:
                spec["quote_prefix"] = True
            self._made[key] = self._book.add_format(spec)
        return self._made[key]


def _lay_out(sheet: Worksheet, queue: pd.DataFrame, styles: _Styles, facts: WorkbookFacts) -> None:
    """Widths, the frozen panes, the drop-down, the filter and the print set-up: everything
    XlsxWriter's streaming mode needs before the first row."""
    columns = list(queue.columns)
    last_row, last_col = max(len(queue), 1), len(columns) - 1
    for at, (column, width) in enumerate(zip(columns, column_widths(queue), strict=True)):
        style = styles.day if column == DECIDED_ON else styles.to_fill if column in TYPED else None
        # the tokens are for benelink, not for reading: hidden (kept, and read back)
        hidden = {"hidden": True} if column in TOKENS else {}
        sheet.set_column(at, at, width, styles.token if column in TOKENS else style, hidden)
    sheet.freeze_panes(1, FROZEN_COLUMNS)
    sheet.autofilter(0, 0, last_row, last_col)
    decision = columns.index(DECISION)
    sheet.data_validation(
        1,
        decision,
        last_row,
        decision,
        {
            "validate": "list",
            "source": list(DROP_DOWN),
            "input_title": "Decision / القرار",
            "input_message": "accept = same person, reject = two people, not sure = keep in "
            "the queue\nقبول = الشخص نفسه، رفض = شخصان، غير متأكد = يبقى في القائمة",
            "error_title": "Decision / القرار",
            "error_message": "Choose accept, reject or not sure from the list.\n"
            "اختر قبول أو رفض أو غير متأكد من القائمة.",
        },
    )
    day = columns.index(DECIDED_ON)
    sheet.data_validation(
        1,
        day,
        last_row,
        day,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": date(2000, 1, 1),
            "maximum": date(2100, 12, 31),
            "error_title": "Date / التاريخ",
            "error_message": "Type the day you decided, e.g. 2026-11-30.\n"
            + ltr_runs("اكتب يوم القرار، مثلاً 2026-11-30."),
        },
    )
    # print: landscape A4, the header row and the pair's first columns on every page
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(0)
    sheet.repeat_columns(0, FROZEN_COLUMNS - 1)
    sheet.print_across()  # a pair's pages one after the other
    sheet.set_print_scale(75)
    sheet.hide_gridlines(0)  # gridlines on screen and on paper
    sheet.set_header(
        f"&L&B RESTRICTED: personal data, do not share&C benelink review {facts.month}&R&P / &N"
    )
    sheet.set_footer("&L&F&R&D")


def _write_rows(sheet: Worksheet, queue: pd.DataFrame, styles: _Styles) -> None:
    """The header and one row per pair, in order (XlsxWriter streams them to disk)."""
    columns = list(queue.columns)
    for at, column in enumerate(columns):
        sheet.write_string(0, at, column, styles.header)
    marks = _marks(queue)
    plans: list[tuple[int, str, np.ndarray | None, list[Format | None] | None]] = []
    for at, column in enumerate(columns):
        if column in (PAIR, PROBABILITY):
            plans.append((at, column, None, None))
            continue
        values = _shown(queue[column], keep_empty=True).to_numpy(dtype=object)
        formats = _formats(values, marks.get(column), styles)
        plans.append((at, column, values, formats))
    pair = queue[PAIR].to_numpy(dtype=np.int64)
    probability = queue[PROBABILITY].to_numpy(dtype=np.float64)
    for row in range(len(queue)):
        line = row + 1
        for at, column, texts, text_formats in plans:
            if texts is None or text_formats is None:
                if column == PAIR:
                    sheet.write_number(line, at, int(pair[row]))
                elif not math.isnan(probability[row]):
                    sheet.write_number(line, at, float(probability[row]), styles.percent)
                continue
            value = texts[row]
            if value:
                sheet.write_string(line, at, value, text_formats[row])


def _marks(queue: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per column of a shown field, each row's mark ("" for none): the name's from its
    name_compared cell, the other fields' from the fields_compared cell."""
    marks: dict[str, np.ndarray] = {}
    if NAME_FIELD.compared in queue:
        first = _shown(queue[NAME_FIELD.compared], keep_empty=True).str[:1]
        mark = first.where(first.isin(MARKS), "").to_numpy(dtype=object)
        marks.update(dict.fromkeys(NAME_FIELD.columns, mark))
    if FIELDS_COMPARED in queue:
        codes, cells = pd.factorize(_shown(queue[FIELDS_COMPARED], keep_empty=True))
        found = [compared_marks(str(cell)) for cell in cells]
        for field in SHOWN_FIELDS:
            if field is NAME_FIELD:
                continue
            per_cell = np.array([f.get(field.short, "") for f in found], dtype=object)
            marks.update(dict.fromkeys(field.columns, per_cell[codes]))
    return marks


def _formats(values: np.ndarray, marks: np.ndarray | None, styles: _Styles) -> list[Format | None]:
    """Each cell's format, worked out once per distinct (mark, direction, quote prefix)."""
    codes, distinct = pd.factorize(pd.Series(values, dtype=object).fillna(""))
    rtl = np.array([is_rtl(v) for v in distinct], dtype=np.int64)
    quoted = np.array([v.startswith(FORMULA_START) for v in distinct], dtype=np.int64)
    mark = np.zeros(len(values), dtype=np.int64)
    if marks is not None:
        for at, symbol in enumerate(MARKS, start=1):
            mark[marks == symbol] = at
    key = mark * 4 + rtl[codes] * 2 + quoted[codes]
    table = [
        styles.cell(("", *MARKS)[k // 4], bool(k // 2 % 2), bool(k % 2))
        for k in range(4 * (len(MARKS) + 1))
    ]
    return [table[k] for k in key.tolist()]


def _shown(values: pd.Series, keep_empty: bool = False) -> pd.Series:
    """A column as the text its cells show ("" for an empty cell)."""
    text = values.astype("string").fillna("")
    return text.astype(object) if keep_empty else text


def _write_instructions(sheet: Worksheet, styles: _Styles, facts: WorkbookFacts) -> None:
    """What to do and what each column means, in English beside Arabic."""
    sheet.set_column(0, 0, 70)
    sheet.set_column(1, 1, 70)
    lines: list[tuple[str, str, str]] = [
        ("title", "How to review these pairs", "كيفية مراجعة هذه الأزواج"),
        (
            "text",
            f"Month {facts.month}: {facts.pairs:,} pairs to decide. Deciding the first "
            f'{facts.to_settle:,} (marked "joins 2 people") settles the month; the others '
            "repeat two people already asked about, or are one person already.",
            f"شهر {facts.month}: {facts.pairs:,} زوجاً للبت فيها. البت في أول "
            f'{facts.to_settle:,} منها (المعلَّمة "joins 2 people") يكفي لحسم الشهر؛ '
            "والباقي يكرر شخصين سبق السؤال عنهما، أو هو شخص واحد أصلاً.",
        ),
        (
            "text",
            "Each row is one pair of records. Compare the two records field by field: "
            "green = the same, amber = close (a spelling, a swapped day and month, the year "
            "only), red = different; no colour = missing or not weighed.",
            "كل صف زوج من السجلات. قارن السجلين حقلاً بحقل: الأخضر = متطابق، الأصفر = متقارب "
            "(تهجئة، تبديل اليوم والشهر، السنة فقط)، الأحمر = مختلف؛ بلا لون = غير موجود أو لم "
            "يُحتسب.",
        ),
        (
            "text",
            "Values are shown as benelink read them, with what the partner sent in brackets "
            "when it differs, e.g. 1990-06-10 (sent 10/06/1990).",
            "تظهر القيم كما قرأها benelink، وما أرسله الشريك بين قوسين إذا اختلف، مثلاً "
            "1990-06-10 (sent 10/06/1990).",
        ),
        (
            "text",
            "In the decision column choose accept (the same person), reject (two different "
            "people) or not sure (the pair stays in the queue). Write your name in reviewer "
            "and the day in decided_on.",
            "في عمود decision اختر قبول (الشخص نفسه) أو رفض (شخصان مختلفان) أو غير متأكد "
            "(يبقى الزوج في القائمة). اكتب اسمك في عمود reviewer واليوم في عمود decided_on.",
        ),
        (
            "text",
            "Do not change the tokens, sort and filter freely, then save and ask the data "
            "officer to record the file: benelink review apply <this file>. Decisions "
            "typed here are kept if the month is run again before that.",
            "لا تغيّر الرموز (tokens)، ويمكنك الفرز والتصفية بحرية، ثم احفظ الملف واطلب من "
            "مسؤول البيانات تسجيله: benelink review apply <هذا الملف>. القرارات المكتوبة هنا "
            "تبقى إذا أعيد تشغيل الشهر قبل ذلك.",
        ),
        ("bold", "The columns", "الأعمدة"),
    ]
    for field in SHOWN_FIELDS:
        left, right = field.columns[:2]
        english = f"{left}, {right}: {field.english} of the two records"
        arabic_text = f"{left}، {right}: {field.arabic} في السجلين"
        if field.worded:
            english += f"; {field.compared}: how benelink compared them, in words"
            arabic_text += f"؛ {field.compared}: نتيجة مقارنة benelink بالكلمات"
        lines.append(("text", english + ".", arabic_text + "."))
    for column, (english, in_arabic) in COLUMN_HELP.items():
        lines.append(("text", f"{column}: {english}", f"{column}: {in_arabic}"))
    formats = {"title": styles.title, "text": styles.text, "bold": styles.bold}
    arabic = {"title": styles.arabic_bold, "text": styles.arabic, "bold": styles.arabic_bold}
    for row, (kind, english, arabic_text) in enumerate(lines):
        lines_needed = max(math.ceil(text_width(t) / 66) for t in (english, arabic_text))
        sheet.set_row(
            row, max(ROW_PIXELS * 0.75, 13.5 * lines_needed + 2) if kind != "title" else 22
        )
        sheet.write_string(row, 0, english, formats[kind])
        sheet.write_string(row, 1, ltr_runs(arabic_text), arabic[kind])
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
