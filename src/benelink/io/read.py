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
import re
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from benelink.arrow_text import arrow_array, arrow_series, is_blank
from benelink.config.model import FileFormat
from benelink.errors import ConfigError, UnreadableFileError, UsageError
from benelink.io.excel import (
    HEADER_SEARCH_ROWS,
    cell_text,
    header_hits,
    normal_header,
    read_xlsx,
    unique_headers,
)
from benelink.io.workbook_limits import check_workbook

__all__ = [
    "OpenedFile",
    "RawFile",
    "cell_text",
    "decode",
    "file_sha256",
    "normal_header",
    "open_file",
    "parse_file",
    "read_file",
    "source_path",
]

DELIMITERS: Final = (",", ";", "\t", "|")
_SAMPLE_BYTES: Final = 1 << 20
_FIX: Final = "save it as UTF-8 CSV or .xlsx and try again"
_SKIPPED: Final = re.compile(r"Skipping line (\d+)")
# (leading bytes, what the file really is, what to do) for files named as something else
_SIGNATURES: Final = (
    (b"PK\x03\x04", "xlsx", "an Excel .xlsx workbook", 'set format = "xlsx" for this source'),
    (
        b"\xd0\xcf\x11\xe0",
        "xls",
        "an old Excel 97-2003 .xls workbook",
        "open it in Excel and save it as .xlsx (Excel Workbook)",
    ),
    (b"PAR1", "parquet", "a Parquet file", 'set format = "parquet" for this source'),
    (b"%PDF", "pdf", "a PDF document", "ask the partner for the data as .xlsx or CSV"),
)
_HTML: Final = (b"<!doctype html", b"<html", b"<table", b"<?xml")
_FORMAT_NAMES: Final[dict[str, str]] = {
    "csv": "a CSV text file",
    "xlsx": "an .xlsx workbook",
    "parquet": "a Parquet file",
}


@dataclass(frozen=True)
class RawFile:
    """A file's bytes fingerprint, its cells as strings, and the lines that could not be split.

    ``bad_rows`` are CSV lines holding more fields than the header: they are
    not in ``frame`` but are reported as rejected rows, so nothing is lost
    silently and a single stray delimiter does not stop a month.
    """

    sha256: str
    frame: pd.DataFrame  # native headers; text columns (Arrow-backed); index = row number
    bad_rows: tuple[int, ...] = field(default=())


def source_path(folder: Path, file: str, section: str, config_label: str) -> Path:
    """``folder / file``, refused when it leads out of ``folder`` once resolved.

    The configuration already refuses absolute paths and ``..`` parts; this catches what
    only the disk knows: a symlink (of the file or of a folder on its way) pointing
    outside the month's folder, so a run never reads, hashes or quotes a file the
    partner did not send.
    """
    path = folder / file
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        raise ConfigError(
            f"{file}: leads out of the month's folder {folder} (through a symbolic link); "
            f"put the partner's file itself in that folder, or fix [{section}] file in "
            f"{config_label}"
        )
    return path


@dataclass(frozen=True)
class OpenedFile:
    """A partner file's bytes, checked before any reader parses them: its kind is the one
    its name or format says, and a workbook cannot unpack or lay out far more than its
    data (``workbook_limits``, whose pass also found its ``unsaved`` formulas per sheet).

    A month's files are all opened first and parsed after (``pipelines.sources``): the
    workbook check holds Python's lock between every chunk it unpacks, so beside two
    CSV files being parsed it took 4-5 s at a million people instead of 2 s alone.
    """

    path: Path
    file_format: FileFormat
    label: str
    data: bytes
    unsaved: Mapping[str, dict[str, list[int]]] = field(default_factory=dict)


def open_file(path: Path, file_format: FileFormat, *, label: str) -> OpenedFile:
    """``path``'s bytes, refused (``UnreadableFileError``) when missing, empty, of another
    kind than ``file_format``, or a workbook beyond the limits."""
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
    refuse_wrong_kind(data, file_format, label)
    unsaved = check_workbook(data, label) if file_format == "xlsx" else {}
    return OpenedFile(path, file_format, label, data, unsaved)


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
    """Read ``path`` as ``file_format``: :func:`open_file`, then :func:`parse_file`."""
    opened = open_file(path, file_format, label=label)
    return parse_file(
        opened,
        expected_headers=expected_headers,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
    )


def parse_file(
    opened: OpenedFile,
    *,
    expected_headers: Collection[str] = (),
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> RawFile:
    """The cells of an opened file; any failure is an ``UnreadableFileError``.

    ``expected_headers`` (the native names the configuration maps) lets the
    readers skip a title row placed above the real header, pick the data sheet
    of a workbook, and refuse a configured header that appears twice.
    """
    data, file_format, label = opened.data, opened.file_format, opened.label
    wanted = {normal_header(h) for h in expected_headers}
    bad_rows: tuple[int, ...] = ()
    try:
        if file_format == "csv":
            frame, bad_rows = _read_csv(data, label, encoding, delimiter, wanted)
        elif file_format == "xlsx":
            frame = read_xlsx(data, label, sheet, expected_headers, opened.unsaved)
        else:
            frame = _read_parquet(data)
    except (UnreadableFileError, UsageError):
        raise
    except Exception as exc:  # any reader failure becomes one actionable line
        raise UnreadableFileError(
            f"{label}: cannot be read as {file_format} ({type(exc).__name__}); {_FIX}"
        ) from exc
    # Arrow-backed once, here: blank rows are found and cells trimmed on these buffers
    text = {name: arrow_series(arrow_array(frame[name]), frame.index) for name in frame.columns}
    frame = _drop_blank_rows(pd.DataFrame(text, index=frame.index, columns=frame.columns))
    if frame.empty:
        what = "no readable data rows" if bad_rows else "no data rows (only a header)"
        raise UnreadableFileError(f"{label}: has {what}; ask the partner to resend it")
    return RawFile(sha256=hashlib.sha256(data).hexdigest(), frame=frame, bad_rows=bad_rows)


def refuse_wrong_kind(data: bytes, file_format: FileFormat, label: str) -> None:
    """Stop with the real kind of a file whose name (or ``format``) says something else."""
    head = data[:512].lstrip()
    found = next((sig for sig in _SIGNATURES if head.startswith(sig[0])), None)
    if found is not None:
        if found[1] == file_format:
            return
        what, fix = found[2], found[3]
    elif head.lower().startswith(_HTML):
        what = "a web page (HTML or XML export)"
        fix = "open it in Excel and save it as .xlsx (Excel Workbook)"
    elif file_format == "csv":
        return
    else:
        what, fix = "a text (CSV) file", 'set format = "csv" for this source'
    then = (
        " in the configuration, or send the file in that format"
        if "format =" in fix
        else ", then try again"
    )
    raise UnreadableFileError(
        f"{label}: is {what}, not {_FORMAT_NAMES[file_format]} as its name or the "
        f"configuration says; {fix}{then}"
    )


# --- CSV -------------------------------------------------------------------------------


def decode(data: bytes, label: str, encoding: str | None = None) -> str:
    """The file's text: BOMs first, then UTF-16 without a BOM, strict UTF-8, a checked guess.

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
    utf16 = _utf16_without_bom(data[:_SAMPLE_BYTES])
    if utf16 is not None:
        return _decode_or_fail(data, utf16, label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data[:_SAMPLE_BYTES])
    if guess is None:
        raise UnreadableFileError(f"{label}: the text encoding is not recognised; {_FIX}")
    return _decode_or_fail(data, guess, label)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without its BOM: a NUL in most odd (LE) or even (BE) byte positions."""
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd_nuls = sample[1 : 2 * pairs : 2].count(0)
    even_nuls = sample[0 : 2 * pairs : 2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


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


def _header_line(lines: list[str], wanted: set[str], delimiter: str | None) -> int:
    """The line holding the configured headers (a title line may sit above it)."""
    best, best_hits = 0, 0
    for i, line in enumerate(lines):
        sep = delimiter or sniff_delimiter(line)
        cells = next(csv.reader([line], delimiter=sep), [])
        hits = header_hits(cells, wanted)
        if wanted and hits == len(wanted):
            return i
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _read_csv(
    data: bytes, label: str, encoding: str | None, delimiter: str | None, wanted: set[str]
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    # The C parser ends a field at NUL; U+FFFD keeps the value whole and is flagged later.
    text = decode(data, label, encoding).lstrip("\ufeff").replace("\x00", "\ufffd")
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    skip = _header_line(lines, wanted, delimiter)
    if skip:
        text = text.split("\n", skip)[-1]
    sep = delimiter or sniff_delimiter(text.split("\n", 1)[0])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            cells = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
                engine="c",
                on_bad_lines="warn",
            )
    except pd.errors.ParserError as exc:
        raise UnreadableFileError(
            f"{label}: broken CSV ({_parser_detail(exc)}); check quotes and delimiters there"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFileError(
            f"{label}: the file is empty; ask the partner to resend it"
        ) from exc
    skipped = sorted(int(n) + skip for w in caught for n in _SKIPPED.findall(str(w.message)))
    # a short row's missing cells are "" (never <NA>), filled in Arrow: pandas' fillna over
    # a file's every cell took a second and more per 600,000 rows
    header = [v if isinstance(v, str) else "" for v in cells.iloc[0].tolist()]
    body = pd.DataFrame(
        {
            i: arrow_series(pc.fill_null(arrow_array(cells[column].iloc[1:]), ""), cells.index[1:])
            for i, column in enumerate(cells.columns)
        }
    )
    body.columns = pd.Index(unique_headers(header, wanted, label))
    total = 1 + len(body) + len(skipped)
    bad = set(skipped)
    rows = [r for r in range(2 + skip, total + 1 + skip) if r not in bad]
    body.index = pd.Index(rows, dtype="int64", name="row_number")
    return body, tuple(skipped)


def _parser_detail(exc: Exception) -> str:
    """Where the parser stopped, without quoting the file (its text may be personal)."""
    last = str(exc).splitlines()[-1] if str(exc) else ""
    found = re.search(
        r"(Expected \d+ fields in line \d+, saw \d+|EOF inside string starting "
        r"at row \d+|line \d+)",
        last,
    )
    return found[0] if found else "the parser could not split it"


# --- Parquet ---------------------------------------------------------------------------


def _read_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow as pa
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
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        blank &= is_blank(frame[name])
    return frame.loc[~blank] if blank.any() else frame  # no copy of a file without them


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
