"""Reading an .xlsx workbook into a frame of strings, the way an officer sees it.

Workbooks arrive with a notes sheet in front of the data, a title or merged
group labels above the header, and formulas whose results were never saved
(files written by scripts and never opened in Excel). The sheets and the header
row are found by looking for the configured headers; formula cells without a
saved result are detected in the sheet's XML, because ``openpyxl`` reads them
as empty cells and the run would otherwise reject every row for a "missing"
value that is really a formula.

Which sheets (:func:`pick_sheets`): the one ``sheet`` names, else every *visible*
worksheet whose top rows hold all the configured headers, in workbook order — data
split over "Part 1" and "Part 2" is read whole, a notes or summary sheet is not.
Hidden and very hidden sheets (an old copy, a lookup table, or a planted sheet put
first) are never chosen by themselves. Before either library opens the file,
``workbook_limits`` bounds what it may unpack and allocate.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final, Protocol, cast

import numpy as np
import pandas as pd

from benelink.errors import ConfigError, UnreadableFileError
from benelink.io.workbook_limits import sheet_paths, shown_name
from benelink.schemas.columns import ROW_NUMBER, SHEET

HEADER_SEARCH_ROWS: Final = 30
_FIX: Final = "save it as UTF-8 CSV or .xlsx and try again"


def cell_text(value: Any) -> str:
    """One Excel cell as the text the officer sees (dates ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def normal_header(text: str) -> str:
    """A header as compared: NFC, no BOM, single spaces, case-folded (Arabic headers too)."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", "").split()).casefold()


def header_hits(row: list[str], wanted: set[str]) -> int:
    """How many of the wanted (normalised) headers a row holds."""
    return len(wanted & {normal_header(c) for c in row if c})


@dataclass(frozen=True)
class SheetPart:
    """One data sheet as read: its rows (index = sheet row), the column letter of each
    header, and the rows of formula cells whose result was never saved, per letter."""

    name: str
    frame: pd.DataFrame
    letters: dict[str, str]
    unsaved: dict[str, list[int]]


class _Book(Protocol):
    """What choosing the data sheets needs of a workbook, whichever library opened it."""

    names: list[str]

    def is_data_sheet(self, name: str) -> bool: ...  # a worksheet (not a chart), visible

    def is_worksheet(self, name: str) -> bool: ...

    def head(self, name: str) -> Iterable[Sequence[Any]]: ...


def read_xlsx(
    data: bytes,
    label: str,
    sheet: str | int | None,
    expected: Collection[str],
    unsaved: Mapping[str, dict[str, list[int]]],
) -> pd.DataFrame:
    """The data sheets as strings; index = the sheet's row number of each data row, or
    (sheet, row number) when the data was split over several sheets (``SHEET``).

    ``data`` has passed ``check_workbook`` (``io.read.open_file``), before any parser
    unpacks a byte; ``unsaved`` is what it returned.
    """
    wanted = {normal_header(h) for h in expected}
    parts = _read_with_calamine(data, label, sheet, wanted, unsaved)
    if parts is None:
        parts = _read_with_openpyxl(data, label, sheet, wanted, unsaved)
    for part in parts:
        where = label if len(parts) == 1 else f"{label}, sheet {shown_name(part.name)}"
        _refuse_unsaved_formulas(part.unsaved, part.letters, wanted, where)
    return joined_sheets(parts, wanted)


def joined_sheets(parts: Sequence[SheetPart], wanted: set[str]) -> pd.DataFrame:
    """One frame of the data sheets, in sheet order; headers spelled as on the first.

    Several sheets share row numbers, so their rows are told apart by the sheet's name:
    the index becomes (``SHEET``, ``row_number``).
    """
    if len(parts) == 1:
        return parts[0].frame
    spelling = {normal_header(c): c for c in parts[0].frame.columns if normal_header(c) in wanted}
    frames = [
        p.frame.rename(columns=lambda c: spelling.get(normal_header(str(c)), c)) for p in parts
    ]
    joined = pd.concat(frames, keys=[p.name for p in parts], names=[SHEET, ROW_NUMBER])
    return joined.fillna("")


def _read_with_openpyxl(
    data: bytes,
    label: str,
    sheet: str | int | None,
    wanted: set[str],
    unsaved: Mapping[str, dict[str, list[int]]],
) -> list[SheetPart]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{label}: is not a valid .xlsx workbook; {_FIX}") from exc
    try:
        for worksheet in book.worksheets:
            # the <dimension> a sheet declares is not trusted: a sheet claiming XFD1048576
            # would be padded to 16,384 columns, one claiming less would lose rows
            getattr(worksheet, "reset_dimensions", lambda: None)()
        opened = _OpenpyxlBook(book)
        parts = []
        for name in pick_sheets(opened, sheet, wanted, label):
            worksheet = book[name]
            frame, letters = _sheet_frame(
                iter(worksheet.iter_rows(values_only=True)), wanted, label
            )
            path = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")
            parts.append(SheetPart(name, frame, letters, unsaved.get(path, {})))
    finally:
        book.close()
    return parts


class _OpenpyxlBook:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.names = list(book.sheetnames)

    def is_worksheet(self, name: str) -> bool:
        return hasattr(self.book[name], "iter_rows")  # a chartsheet has no cells

    def is_data_sheet(self, name: str) -> bool:
        return self.is_worksheet(name) and self.book[name].sheet_state == "visible"

    def head(self, name: str) -> Iterable[Sequence[Any]]:
        return cast(Iterable[Sequence[Any]], self.book[name].iter_rows(values_only=True))


def _read_with_calamine(
    data: bytes,
    label: str,
    sheet: str | int | None,
    wanted: set[str],
    unsaved: Mapping[str, dict[str, list[int]]],
) -> list[SheetPart] | None:
    """The data sheets read by calamine (Rust), with their column letters and the unsaved
    formulas ``check_workbook`` found in each sheet's part, or None to fall back on openpyxl.

    openpyxl parses every cell in Python, and in read-only mode scans the whole
    sheet once more just to size it (about 25 s per 100,000 rows of NAF's eleven
    columns); calamine reads the same sheet some thirty times faster, with the
    same cell types (str, int/float, bool, date/datetime) and, with
    ``skip_empty_area=False``, the same row numbers from row 1. openpyxl stays
    the reader of record for any workbook calamine cannot open, and says what is
    wrong in its own way.
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    try:
        opened = _CalamineBook(CalamineWorkbook.from_filelike(io.BytesIO(data)))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = sheet_paths(archive)
        parts = []
        for name in pick_sheets(opened, sheet, wanted, label):
            rows = opened.sheet(name).to_python(skip_empty_area=False)
            frame, letters = _sheet_frame(iter(rows), wanted, label)
            del rows
            parts.append(SheetPart(name, frame, letters, unsaved.get(paths.get(name, ""), {})))
    except (ConfigError, UnreadableFileError):
        raise
    except Exception:  # any calamine failure: openpyxl reads (or refuses) the file instead
        return None
    except BaseException as exc:  # a panic in Rust arrives as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        return None
    return parts


class _CalamineBook:
    def __init__(self, book: Any) -> None:
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        self.book = book
        self.names = list(book.sheet_names)
        meta = {m.name: m for m in book.sheets_metadata}
        self._worksheets = {n for n, m in meta.items() if m.typ == SheetTypeEnum.WorkSheet}
        self._visible = {n for n, m in meta.items() if m.visible == SheetVisibleEnum.Visible}
        self._opened: dict[str, Any] = {}

    def is_worksheet(self, name: str) -> bool:
        return name in self._worksheets

    def is_data_sheet(self, name: str) -> bool:
        return name in self._worksheets and name in self._visible

    def sheet(self, name: str) -> Any:
        if name not in self._opened:  # parsed once, for the header search and the rows
            self._opened[name] = self.book.get_sheet_by_name(name)
        return self._opened[name]

    def head(self, name: str) -> Iterable[Sequence[Any]]:
        rows = self.sheet(name).to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
        return cast(Iterable[Sequence[Any]], rows)


def pick_sheets(book: _Book, sheet: str | int | None, wanted: set[str], label: str) -> list[str]:
    """The sheets to read: the configured one, else every visible sheet whose top rows
    hold all the expected headers (in workbook order), else the visible sheet holding most.

    A hidden (or very hidden) sheet is read only when the configuration names it: a
    partner's old copy or lookup table kept out of sight is not their data.
    """
    names = book.names
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ConfigError(
                f"{label}: has {len(names)} sheet(s), no sheet number {sheet} "
                "(0 is the first); fix `sheet` for this source"
            )
        return [names[sheet]]
    if isinstance(sheet, str):
        if sheet not in names:
            raise ConfigError(
                f"{label}: no sheet named {sheet!r} (sheets: {', '.join(names)}); "
                "fix `sheet` for this source"
            )
        return [sheet]
    shown = [n for n in names if book.is_data_sheet(n)]
    if not wanted:
        return shown[:1] or names[:1]
    hits = {name: _best_hits(book.head(name), wanted) for name in shown}
    complete = [name for name in shown if hits[name] == len(wanted)]
    if complete:
        return complete
    hidden = [n for n in names if book.is_worksheet(n) and n not in hits]
    holding = [n for n in hidden if _best_hits(book.head(n), wanted) == len(wanted)]
    if holding:
        name = holding[0]
        raise UnreadableFileError(
            f"{label}: the configured headers are only on hidden sheet {shown_name(name)}; "
            f"unhide it in Excel (right-click a sheet tab, Unhide) and save, or set "
            f"sheet = {shown_name(name).replace(chr(39), chr(34))} for this source to read "
            "it as it is"
        )
    if not shown:
        raise UnreadableFileError(
            f"{label}: every sheet of the workbook is hidden; unhide the data sheet in Excel "
            "and save, or set `sheet` for this source"
        )
    return [max(shown, key=lambda name: hits[name])]  # the first of the best


def _best_hits(rows: Iterable[Sequence[Any]], wanted: set[str]) -> int:
    """The most expected headers one of the top rows holds."""
    best = 0
    for i, row in enumerate(rows):
        best = max(best, header_hits([cell_text(v) for v in row], wanted))
        if best == len(wanted) or i + 1 >= HEADER_SEARCH_ROWS:
            break
    return best


def _sheet_frame(
    rows: Iterator[Sequence[Any]], wanted: set[str], label: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Find the header row (the first holding the expected headers), then the data below.

    Also returns the column letter of each kept header, to place formula cells.
    """
    head: list[list[str]] = []
    header_at = -1
    best_hits = 0
    for row in rows:
        head.append([cell_text(v) for v in row])
        hits = header_hits(head[-1], wanted)
        if wanted and hits == len(wanted):
            header_at = len(head) - 1
            break
        if hits > best_hits:
            best_hits, header_at = hits, len(head) - 1
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if header_at < 0:  # nothing matched: take the first non-blank row as the header
        header_at = next((i for i, r in enumerate(head) if any(c.strip() for c in r)), -1)
    if header_at < 0:
        raise UnreadableFileError(f"{label}: the sheet is empty; ask the partner to resend it")
    header = head[header_at]
    body = pd.DataFrame([*head[header_at + 1 :], *rows], dtype=object)
    width = max(len(header), body.shape[1])
    columns = unique_headers(header + [""] * (width - len(header)), wanted, label)
    body = body.reindex(columns=range(width))  # short rows and columns: None / NaN, i.e. ""
    first = header_at + 2  # 1-based sheet row of the first data row
    index = pd.RangeIndex(first, first + len(body), name="row_number")
    frame = pd.DataFrame(
        {name: _column_text(body[i].to_numpy()) for i, name in enumerate(columns)}, index=index
    )
    unnamed = [c for c in columns if c.startswith("(column ") and not frame[c].str.strip().any()]
    letters = {_column_letter(i): c for i, c in enumerate(columns)}
    return frame.drop(columns=unnamed), letters


def _column_text(cells: np.ndarray) -> np.ndarray:
    """A column's cells as text: most cells already are, so only the others (numbers,
    dates, blanks) go through ``cell_text`` — a Python call per cell took seconds per
    100,000 rows. A column of text only is recognised by pandas' type inference (C)."""
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return cells
    cells = cells.astype(object, copy=False)  # a column no row reached is all NaN floats
    other = np.fromiter((type(v) is not str for v in cells), dtype=bool, count=len(cells))
    if other.any():
        cells = cells.copy()
        cells[other] = [cell_text(v) for v in cells[other]]
    return cells


def unique_headers(header: list[str], wanted: set[str], label: str) -> list[str]:
    """Headers made unique; a configured header found twice is refused, not guessed."""
    seen: dict[str, list[int]] = {}
    out: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"(column {i + 1})"
        positions = seen.setdefault(normal_header(name), [])
        positions.append(i + 1)
        out.append(name if len(positions) == 1 else f"{name}.{len(positions) - 1}")
    for key, positions in seen.items():
        if key in wanted and len(positions) > 1:
            name = out[positions[0] - 1]
            where = ", ".join(str(p) for p in positions)
            raise UnreadableFileError(
                f"{label}: column '{name}' appears {len(positions)} times in the header "
                f"(columns {where}); rename or delete the extra one so benelink knows "
                "which to use, then try again"
            )
    return out


def _column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_unsaved_formulas(
    unsaved: dict[str, list[int]], letters: dict[str, str], wanted: set[str], label: str
) -> None:
    """Stop when a configured column holds formulas whose results were never saved."""
    found = {
        letters[letter]: rows
        for letter, rows in unsaved.items()
        if letter in letters and normal_header(letters[letter]) in wanted
    }
    if not found:
        return
    name, rows = max(found.items(), key=lambda item: len(item[1]))
    raise UnreadableFileError(
        f"{label}: column '{name}' holds {len(rows):,} formula cell(s) whose results were "
        f"never saved (rows {min(rows)}-{max(rows)}); open the file in Excel or LibreOffice, "
        "save it (or paste the column as values) and try again"
    )
