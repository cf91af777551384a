"""What an .xlsx workbook may make benelink unpack and allocate, checked before any parser
touches it.

An .xlsx file is a zip archive of XML parts. A few kilobytes can unpack to gigabytes
(a "zip bomb": deflate packs a run of repeated bytes about 1,000 to 1), and a sheet of
three cells can make a reader allocate a million rows by sixteen thousand columns (a
cell written at ``XFD1048576``: calamine lays every sheet out as a full rectangle from
``A1``; openpyxl's read-only mode pads every row to the width the sheet's
``<dimension>`` claims). Either costs minutes and gigabytes before a single row is
validated. So, in this order, and each refusal one line (exit 3):

1. **The zip directory** (free: no part is unpacked). Measured on workbooks written by
   ``benelink sample`` (openpyxl, inline strings) and on the densest sheets a real
   partner might save:

   ======================================================  =============  ==========
   workbook                                                sheet XML      packed 1 :
   ======================================================  =============  ==========
   NAF sample, 300 rows                                    0.7 MB         8.2
   NAF, 39,725 rows (``sample --people 100000``)           25 MB          8.6
   NAF, 399,066 rows (``sample --people 1000000``)         257 MB         8.8
   the same rows re-saved by openpyxl's writer             25 MB          8.6
   200,000 identical rows (shared strings)                 26 MB          9.4
   200,000 rows of eleven formatted empty cells            54 MB          12.4
   1,048,576 formatted empty rows (formatting to the end)  56 MB          20.6
   a run of ``<c/>`` (the zip bomb's shape)                40 MB          1,028
   ======================================================  =============  ==========

   A NAF sheet is about 645 bytes of XML per row, so a million-row workbook is some
   650 MB of XML in a 73 MB file. Refused: more than ``MAX_PARTS`` parts (a workbook
   has about ten, plus three or four per extra sheet or picture); any part over
   ``RATIO_FLOOR`` that unpacks more than ``MAX_RATIO`` times its packed size (ten
   times the densest real sheet measured); and parts that unpack in all to more than
   ``TOTAL_PER_BYTE`` times the file's own size (at least ``TOTAL_FLOOR``, so small
   workbooks never meet it, and at most ``TOTAL_CEILING``, some six million NAF rows).
2. **The parts themselves.** Every part is unpacked once, streamed, by Python's zip
   reader, which never gives more than the size the directory declares: a part whose
   data runs past it (a directory that lies, to slip past step 1) is refused, as is a
   part whose checksum fails. The readers then unpack the same bytes again; this pass
   (with step 3) took 2.3 s for the 257 MB sheet of 399,066 NAF rows, which then took
   16 s to read. The same pass finds the formula cells whose result was never saved
   (``UnsavedFormulas``), so the readers need not unpack a sheet a third time for them.
3. **The extent of each sheet** is found during that pass without parsing the XML: the
   last cell reference of each chunk (rows are written in order), any reference to a
   later column or with a longer row number than seen so far, and the number of cells
   written. A sheet whose rectangle from ``A1`` to its last cell exceeds
   ``MIN_AREA`` cells and ``AREA_PER_CELL`` times the cells it actually holds is
   refused with the cell to delete: real sheets fill most of their rectangle (a NAF
   sheet with a third of its cells empty fills two thirds), a stray cell a million
   rows down fills none of it. Rows written out of order can hide a row number of the
   same digit count from this estimate, so a crafted sheet may still reach ten times
   the rectangle of a real one of its size, never the sixteen billion cells of
   ``XFD1048576``.

The ``<dimension>`` a sheet declares is not trusted at all: openpyxl is told to forget
it (``reset_dimensions``), so a sheet claiming ``A1:XFD1048576`` pads nothing, and one
claiming less than it holds loses no row.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final
from xml.etree import ElementTree

from benelink.errors import UnreadableFileError

MIB: Final = 1 << 20
MAX_PARTS: Final = 1_000
MAX_RATIO: Final = 200
RATIO_FLOOR: Final = 4 * MIB
TOTAL_PER_BYTE: Final = 100
TOTAL_FLOOR: Final = 32 * MIB
TOTAL_CEILING: Final = 4 << 30
MIN_AREA: Final = 4_000_000
AREA_PER_CELL: Final = 16
CHUNK: Final = 4 * MIB
_OVERLAP: Final = 32  # a cell reference split across two chunks is seen whole in the second
_RESEND: Final = (
    "it is damaged or was not saved by a spreadsheet program: ask the partner to open it in "
    "Excel or LibreOffice, save it again as .xlsx (or as UTF-8 CSV) and resend it"
)
_LAST: Final = re.compile(rb'r="([A-Z]{0,3})([0-9]+)"')


def check_workbook(data: bytes, label: str) -> dict[str, dict[str, list[int]]]:
    """Refuse a workbook that would unpack or lay out far more than its data (see above).

    Returns, per worksheet part (its archive name), the formula cells whose result was
    never saved (``UnsavedFormulas.found``), found in the same pass.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{label}: is not a valid .xlsx workbook; {_RESEND}") from exc
    with archive:
        parts = archive.infolist()
        check_directory(parts, len(data), label)
        sheets = _worksheet_parts(archive, parts)
        unsaved: dict[str, dict[str, list[int]]] = {}
        for part in parts:
            scanned = _unpacked(archive, part, label, scan=part.filename in sheets)
            if scanned is not None:
                extent, formulas = scanned
                extent.check(sheets[part.filename], label)
                unsaved[part.filename] = formulas.found
        return unsaved


def check_directory(parts: Iterable[zipfile.ZipInfo], file_size: int, label: str) -> None:
    """The directory's own figures: how many parts, how densely packed, how big in all."""
    listed = list(parts)
    if len(listed) > MAX_PARTS:
        raise UnreadableFileError(
            f"{label}: holds {len(listed):,} parts, where a workbook holds a few dozen "
            f"(benelink allows {MAX_PARTS:,}); {_RESEND}"
        )
    for part in listed:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise UnreadableFileError(
                f"{label}: one of its parts unpacks to {_size(part.file_size)} from "
                f"{_size(part.compress_size)} ({ratio:,.0f} to 1, where real workbooks pack "
                f"at most about 20 to 1; benelink allows {MAX_RATIO}); {_RESEND}"
            )
    total = sum(p.file_size for p in listed)
    limit = total_limit(file_size)
    if total > limit:
        raise UnreadableFileError(
            f"{label}: unpacks to {_size(total)}, more than the {_size(limit)} benelink "
            f"allows a {_size(file_size)} workbook ({TOTAL_PER_BYTE} times its size); {_RESEND}"
        )


def total_limit(file_size: int) -> int:
    """How much a workbook of ``file_size`` bytes may unpack to, all parts together."""
    return min(TOTAL_CEILING, max(TOTAL_FLOOR, TOTAL_PER_BYTE * file_size))


@dataclass
class SheetExtent:
    """The rectangle a sheet's cell references span from A1, and the cells it writes."""

    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        return self.rows * self.columns

    def scan(self, chunk: bytes, tail: bytes) -> None:
        """Fold one chunk of the sheet's XML in (``tail``: the end of the previous chunk).

        Each test is one search with a literal prefix (``r="``), which Python's regular
        expressions run at about the speed of unpacking; only a chunk that holds a
        reference beyond the extent so far is searched for all its references.
        """
        seen = tail + chunk
        self.cells += seen.count(b"<c") - tail.count(b"<c")
        found = _last_reference(seen)
        if found is not None:
            self._fold(found[1], found[2])
        # one pass over the chunk for any reference beyond the extent so far: a longer row
        # number, a later column; only a chunk holding one is searched for all of them
        beyond = b'r="(?:[A-Z]{0,3}[0-9]{%d,}"|%s[0-9])' % (
            len(str(self.rows)) + 1,
            _later_columns(column_letters(self.columns) if self.columns else ""),
        )
        if re.search(beyond, seen):
            for letters, digits in _LAST.findall(seen):
                self._fold(letters, digits)

    def _fold(self, letters: bytes, digits: bytes) -> None:
        self.rows = max(self.rows, int(digits))
        if letters:
            self.columns = max(self.columns, column_number(letters.decode("ascii")))

    def check(self, sheet: str, label: str) -> None:
        """Refuse a rectangle far larger than the cells that fill it."""
        if self.area <= max(MIN_AREA, AREA_PER_CELL * self.cells):
            return
        corner = f"{column_letters(self.columns)}{self.rows}"
        raise UnreadableFileError(
            f"{label}: {sheet} reaches cell {corner} ({self.rows:,} rows by {self.columns:,} "
            f"columns) but holds only {self.cells:,} cells; delete the rows and columns after "
            "the data (Ctrl+End in Excel goes to the last cell), save and try again"
        )


# A formula cell whose <v> is absent or empty: the result was never computed and saved.
_UNSAVED_FORMULA: Final = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*'
    rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


@dataclass
class UnsavedFormulas:
    """The formula cells of a sheet whose result was never saved: column letter -> rows.

    A sheet's XML arrives in chunks; a cell never holds another ``<c`` (its formula,
    value and inline text hold no ``<``), so everything before a chunk's last ``<c`` is
    whole cells and is searched now, the rest waits for the next chunk.
    """

    found: dict[str, list[int]] = field(default_factory=dict)
    _rest: bytes = b""

    def scan(self, chunk: bytes) -> None:
        seen = self._rest + chunk
        cut = seen.rfind(b"<c")
        if cut < 0:  # no cell begins here; a "<" at the very end may begin one
            cut = len(seen) - 1 if seen.endswith(b"<") else len(seen)
        whole, self._rest = seen[:cut], seen[cut:]
        self._search(whole)

    def finish(self) -> None:
        """The sheet has ended: what was held back is whole now."""
        self._search(self._rest)
        self._rest = b""

    def _search(self, whole: bytes) -> None:
        if b"<f" in whole:
            for match in _UNSAVED_FORMULA.finditer(whole):
                self.found.setdefault(match[1].decode("ascii"), []).append(int(match[2]))


def _later_columns(letters: str) -> bytes:
    """A pattern for the column letters after ``letters`` ("K" -> ``(?:[L-Z]|[A-Z]{2,3})``)."""
    later = [f"[A-Z]{{{len(letters) + 1},3}}"] if len(letters) < 3 else []
    for i, letter in enumerate(letters):
        if letter < "Z":
            rest = f"[A-Z]{{{len(letters) - i - 1}}}" if i + 1 < len(letters) else ""
            later.append(f"{letters[:i]}[{chr(ord(letter) + 1)}-Z]{rest}")
    return ("(?:" + "|".join(later) + ")").encode() if later else b"(?!)"


def _last_reference(seen: bytes) -> re.Match[bytes] | None:
    """The chunk's last cell or row reference (other attributes end in ``r="`` too:
    ``header="0.3"``)."""
    end = len(seen)
    for _ in range(64):
        at = seen.rfind(b'r="', 0, end)
        if at < 0:
            return None
        found = _LAST.match(seen, at)
        if found is not None:
            return found
        end = at
    return None


def _unpacked(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, label: str, *, scan: bool
) -> tuple[SheetExtent, UnsavedFormulas] | None:
    """Unpack ``part`` in chunks, at most one byte past its declared size; its extent and
    unsaved formulas if it is a sheet."""
    found = (SheetExtent(), UnsavedFormulas()) if scan else None
    claimed = copy.copy(part)
    claimed.file_size = part.file_size + 1  # the reader stops there, so a lie shows
    claimed.CRC = None  # type: ignore[assignment]  # checked below: Python would check first
    size = crc = 0
    tail = b""
    try:
        with archive.open(claimed) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > part.file_size:
                    raise UnreadableFileError(
                        f"{label}: one of its parts unpacks to more than the size its zip "
                        f"directory declares ({_size(part.file_size)}); {_RESEND}"
                    )
                crc = zlib.crc32(chunk, crc)
                if found is not None:
                    found[0].scan(chunk, tail)
                    found[1].scan(chunk)
                    tail = chunk[-_OVERLAP:]
    except UnreadableFileError:
        raise
    except Exception as exc:  # a damaged deflate stream, an encrypted part
        raise UnreadableFileError(
            f"{label}: one of its parts cannot be unpacked; {_RESEND}"
        ) from exc
    if size != part.file_size or crc != part.CRC:
        raise UnreadableFileError(
            f"{label}: one of its parts is damaged (its checksum fails); {_RESEND}"
        )
    if found is not None:
        found[1].finish()
    return found


def _worksheet_parts(archive: zipfile.ZipFile, parts: Iterable[zipfile.ZipInfo]) -> dict[str, str]:
    """Archive name of each worksheet part -> how a message names it ("sheet 'Data'")."""
    try:
        named = sheet_paths(archive)
    except Exception:  # no readable workbook.xml: the parts under worksheets/ are the sheets
        named = {}
    found = {path: f"sheet {shown_name(name)}" for name, path in named.items()}
    for part in parts:
        if "worksheets/" in part.filename and part.filename not in found:
            found[part.filename] = "a sheet"
    return found


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive, from the workbook and its relationships."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): str(r.get("Target", "")) for r in rels}
    out: dict[str, str] = {}
    for node in workbook.iter(f"{main}sheet"):
        target = targets.get(node.get(rel), "")
        if target:
            out[str(node.get("name"))] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return out


def shown_name(name: str) -> str:
    """A sheet's name as a message quotes it: no control or format characters (a
    terminal escape), at most Excel's 31 characters."""
    kept = "".join(c for c in name if unicodedata.category(c)[0] != "C")[:31]
    return f"'{kept}'"


def column_number(letters: str) -> int:
    """``"A"`` -> 1, ``"XFD"`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``"A"``, 16384 -> ``"XFD"``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", MIB), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


__all__ = [
    "UnsavedFormulas",
    "check_directory",
    "check_workbook",
    "column_letters",
    "column_number",
    "sheet_paths",
    "shown_name",
    "total_limit",
]
