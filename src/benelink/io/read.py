"""Reading a partner file from disk into a frame of strings, whatever its format.

Every cell comes back as a ``str`` exactly as the partner meant it: national
numbers keep their leading zeros, an Excel number cell ``9871234567.0`` reads
``"9871234567"``, an Excel date cell reads ``"1990-05-17"``. Interpreting the
values is left to validation and standardisation; this module only gets the
text out, and says in one line what to do when it cannot.

The returned frame's index is the row number as the officer sees it when
opening the file (header row = 1, or the header's row in a sheet with a title
above it), so rejects can point at the exact row. Rows that are entirely blank
are dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

import pandas as pd

from benelink.config.model import FileFormat
from benelink.errors import UnreadableFileError

DELIMITERS: Final = (",", ";", "\t", "|")
_SAMPLE_BYTES: Final = 1 << 20
_HEADER_SEARCH_ROWS: Final = 30
_FIX: Final = "save it as UTF-8 CSV or .xlsx and try again"


@dataclass(frozen=True)
class RawFile:
    """A file's bytes fingerprint and its cells as strings."""

    sha256: str
    frame: pd.DataFrame  # native headers; object columns of str; index = row number


def read_file(
    path: Path,
    file_format: FileFormat,
    *,
    label: str,
    expected_headers: Collection[str] = (),
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> RawFile:
    """Read ``path`` as ``file_format``; any failure is an ``UnreadableFileError``.

    ``expected_headers`` (the native names the configuration maps) lets an
    Excel reader skip a title row placed above the real header.
    """
    if not path.is_file():
        raise UnreadableFileError(f"{label}: file not found at {path}; put the partner file there")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(
            f"{label}: cannot be opened ({exc.strerror}); check its permissions"
        ) from exc
    if not data.strip():
        raise UnreadableFileError(f"{label}: the file is empty; ask the partner to resend it")
    try:
        if file_format == "csv":
            frame = _read_csv(data, label, encoding, delimiter)
        elif file_format == "xlsx":
            frame = _read_xlsx(data, label, sheet, expected_headers)
        else:
            frame = _read_parquet(data)
    except UnreadableFileError:
        raise
    except Exception as exc:  # any reader failure becomes one actionable line
        raise UnreadableFileError(
            f"{label}: cannot be read as {file_format} ({type(exc).__name__}); {_FIX}"
        ) from exc
    frame = _drop_blank_rows(frame)
    if frame.empty:
        raise UnreadableFileError(
            f"{label}: has no data rows (only a header); ask the partner to resend it"
        )
    return RawFile(sha256=hashlib.sha256(data).hexdigest(), frame=frame)


# --- CSV -------------------------------------------------------------------------------


def decode(data: bytes, label: str, encoding: str | None = None) -> str:
    """The file's text: BOMs first, then strict UTF-8, then a checked guess.

    A strict UTF-8 decode comes first because charset detection on short Arabic
    files is a guess; UTF-8 that decodes cleanly is never wrong. A non-UTF-8
    guess of Windows-1256 is only trusted when it yields Arabic letters.
    """
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(
                f"{label}: cannot be decoded as the configured encoding {encoding!r}; "
                "fix `encoding` for this source or save the file as UTF-8"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_or_fail(data, "utf-16", label)
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_or_fail(data, "utf-8-sig", label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data[:_SAMPLE_BYTES])
    if guess is None:
        raise UnreadableFileError(f"{label}: the text encoding is not recognised; {_FIX}")
    return _decode_or_fail(data, guess, label)


def _guess_encoding(sample: bytes) -> str | None:
    """charset-normalizer's guess, overruled by Windows-1256 when that reads as Arabic.

    No guess at all means the bytes are not text (a binary or old .xls file).
    """
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        return None
    if _reads_as_arabic(sample.decode("cp1256", errors="replace")):
        return "cp1256"
    return None if best.encoding in ("cp1256", "windows_1256") else best.encoding


def _reads_as_arabic(text: str) -> bool:
    """Arabic letters make up most of the non-ASCII characters (French accents do not)."""
    arabic = sum(1 for c in text if "\u0621" <= c <= "\u064a")
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return arabic >= 3 and 2 * arabic >= non_ascii


def _decode_or_fail(data: bytes, name: str, label: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{label}: looks like {name} but does not decode cleanly; {_FIX}"
        ) from exc


def sniff_delimiter(header_line: str) -> str:
    """The candidate delimiter that occurs most in the header line (comma on a tie)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, label: str, encoding: str | None, delimiter: str | None) -> pd.DataFrame:
    text = decode(data, label, encoding).lstrip("\ufeff")
    sep = delimiter or sniff_delimiter(text.split("\n", 1)[0])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).splitlines()[-1].replace("C error: ", "")
        raise UnreadableFileError(
            f"{label}: broken CSV ({detail}); check quotes and delimiters on that line"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFileError(
            f"{label}: the file is empty; ask the partner to resend it"
        ) from exc
    frame = frame.fillna("")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row_number")
    return frame


# --- XLSX ------------------------------------------------------------------------------


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


def _read_xlsx(
    data: bytes, label: str, sheet: str | int | None, expected: Collection[str]
) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{label}: is not a valid .xlsx workbook; {_FIX}") from exc
    try:
        names = list(book.sheetnames)
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise UnreadableFileError(
                    f"{label}: has {len(names)} sheet(s), no sheet number {sheet} "
                    "(0 is the first); fix `sheet` for this source"
                )
            sheet_name = names[sheet]
        elif sheet in names:
            sheet_name = sheet
        else:
            raise UnreadableFileError(
                f"{label}: no sheet named {sheet!r} (sheets: {', '.join(names)}); "
                "fix `sheet` for this source"
            )
        rows: Iterator[tuple[Any, ...]] = book[sheet_name].iter_rows(values_only=True)
        return _sheet_frame(rows, expected, label)
    finally:
        book.close()


def _sheet_frame(
    rows: Iterator[tuple[Any, ...]], expected: Collection[str], label: str
) -> pd.DataFrame:
    """Find the header row (the first holding the expected headers), then the data below."""
    wanted = {normal_header(h) for h in expected}
    head: list[list[str]] = []
    header_at = -1
    best_hits = 0
    for row in rows:
        head.append([cell_text(v) for v in row])
        hits = len(wanted & {normal_header(c) for c in head[-1] if c})
        if wanted and hits == len(wanted):
            header_at = len(head) - 1
            break
        if hits > best_hits:
            best_hits, header_at = hits, len(head) - 1
        if len(head) >= _HEADER_SEARCH_ROWS:
            break
    if header_at < 0:  # nothing matched: take the first non-blank row as the header
        header_at = next((i for i, r in enumerate(head) if any(c.strip() for c in r)), -1)
    if header_at < 0:
        raise UnreadableFileError(f"{label}: the sheet is empty; ask the partner to resend it")
    header = head[header_at]
    body = head[header_at + 1 :] + [[cell_text(v) for v in row] for row in rows]
    width = max([len(header), *(len(r) for r in body)])
    columns = _unique_headers(header + [""] * (width - len(header)))
    records = [r + [""] * (width - len(r)) for r in body]
    first = header_at + 2  # 1-based sheet row of the first data row
    index = pd.RangeIndex(first, first + len(records), name="row_number")
    frame = pd.DataFrame(records, columns=columns, index=index, dtype=object)
    unnamed = [c for c in columns if c.startswith("(column ") and not frame[c].str.strip().any()]
    return frame.drop(columns=unnamed)


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"(column {i + 1})"
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out


# --- Parquet ---------------------------------------------------------------------------


def _read_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    columns: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_floating(kind):  # numbers stored as floats: no ".0", NaN = empty
            columns[str(name)] = [cell_text(v) for v in column.to_pylist()]
            continue
        if pa.types.is_timestamp(kind):
            column = pc.cast(column, pa.date32(), safe=False)
        columns[str(name)] = pc.fill_null(pc.cast(column, pa.string()), "").to_pylist()
    frame = pd.DataFrame(columns, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row_number")
    return frame


# --- common ----------------------------------------------------------------------------


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.shape[1] == 0:
        return frame
    blank = pd.Series(True, index=frame.index)
    for name in frame.columns:
        blank &= frame[name].astype(str).str.strip() == ""
    return frame.loc[~blank]


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
