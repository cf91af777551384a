"""Review files on disk: the restricted queue out, the reviewer's file back in.

The queue holds raw names, so it goes only under ``<out>/restricted/``, created
readable by its owner alone (0700). Spreadsheet cells that start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return are prefixed with an apostrophe
(``io.cells.defuse``), so a name crafted as a formula is shown, never executed,
when a reviewer opens the file in Excel or LibreOffice.

The file that comes back is read for what it is, not for what its name says
(``read_review_file``), and its decisions are only checked against the record
tokens the output folder's runs wrote (``known_tokens``); what counts as a
decision is ``pipelines.review.parse_decisions``'s to say.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from benelink.errors import UnreadableFileError, UsageError
from benelink.io import state
from benelink.io.cells import defuse
from benelink.io.layout import OutputLayout
from benelink.io.read import cell_text, decode, sniff_delimiter
from benelink.io.snapshot import REVIEW_ORDER, damaged
from benelink.io.staging import PRIVATE_DIR, PRIVATE_FILE, StagedWrites, make_dirs
from benelink.schemas.columns import DECISION_COLUMNS

_DECISIONS_FIX = (
    "record the decisions again with `benelink review apply` and the reviewed files "
    "(deleting it loses every reviewer decision)"
)

_RETURN: Final = (
    "return the review.xlsx or review.csv benelink wrote, with the decision column filled"
)
# leading bytes -> what the file is
_SIGNATURES: Final = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"%PDF", "pdf"),
    (b"PAR1", "parquet"),
)
# control characters no CSV text holds (tab, line feed and carriage return are text)
_BINARY_CONTROLS: Final = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
_KINDS: Final = {
    "xlsx": "an Excel .xlsx workbook (or another zip archive)",
    "xls": "an old Excel 97-2003 .xls workbook",
    "pdf": "a PDF document",
    "parquet": "a Parquet file",
    "binary": "binary data",
    "text": "a text (CSV) file",
}


def _cell(sheet: Any, value: object, **style: Any) -> WriteOnlyCell:
    """A cell whose text stays text: openpyxl would read "#N/A" as an error value."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def restricted_reviews(out_dir: Path) -> Path:
    """``restricted/review/``, each level created (or tightened) to mode 0700."""
    layout = OutputLayout(out_dir)
    for folder in (layout.restricted, layout.reviews):
        make_dirs(folder, PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
    return layout.reviews


def review_dir(out_dir: Path, month: str) -> Path:
    """Where ``month``'s review queue is written."""
    return OutputLayout(out_dir).review(month)


def stage_review_queue(
    staged: StagedWrites, out_dir: Path, month: str, queue: pd.DataFrame
) -> Path:
    """review.xlsx and review.csv for ``month`` in a staged folder that ``staged.commit()``
    moves into place; returns the final folder."""
    restricted_reviews(out_dir)
    folder = staged.folder(review_dir(out_dir, month), order=REVIEW_ORDER, mode=PRIVATE_DIR)
    safe = queue.astype(object).map(
        lambda v: None if pd.api.types.is_scalar(v) and pd.isna(v) else defuse(v)
    )
    safe.to_csv(folder / "review.csv", index=False, lineterminator="\n", encoding="utf-8-sig")

    # write-only: rows are streamed to the file instead of kept as cell objects (a
    # million-person month queues some hundred thousand records)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("review")
    sheet.freeze_panes = "D2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    sheet.append([_cell(sheet, name, font=bold) for name in safe.columns])
    decision_col = list(safe.columns).index("decision")
    for row in safe.itertuples(index=False):
        cells = [_cell(sheet, value) for value in row]
        cells[decision_col].fill = fill
        sheet.append(cells)
    book.save(folder / "review.xlsx")
    staged.seal(folder, PRIVATE_FILE)
    return review_dir(out_dir, month)


def write_review_queue(out_dir: Path, month: str, queue: pd.DataFrame) -> Path:
    """The review queue written on its own (``stage_review_queue`` committed at once)."""
    with StagedWrites() as staged:
        folder = stage_review_queue(staged, out_dir, month, queue)
        staged.commit()
    return folder


def read_review_file(path: Path) -> pd.DataFrame:
    """A returned review file as text, one row per row of the file after its header.

    The extension says what the file must be (``.xlsx``/``.xlsm``: a workbook,
    anything else: CSV text) and the bytes must agree; anything else — a CSV
    renamed .xlsx, a PDF, a zip that is no workbook, binary junk — is an
    ``UnreadableFileError`` naming what the file really is. CSV text is decoded
    and split as a partner file is (UTF-8, UTF-16, Windows-1256; comma,
    semicolon, tab or bar). A formula cell reads as its formula (``=...``), not
    its cached result, so ``parse_decisions`` can refuse decisions that are not
    typed words. Every row is kept, blank ones too, so the row numbers that
    messages give are the file's.
    """
    label = str(path)
    if path.is_dir():
        raise UnreadableFileError(f"{label}: is a folder; give the path of the review file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(
            f"{label}: cannot be opened ({exc.strerror or type(exc).__name__}); {_RETURN}"
        ) from None
    if not data.strip():
        raise UnreadableFileError(f"{label}: the file is empty; {_RETURN}")
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    found = _what_it_is(data)
    if workbook and found != "xlsx":
        raise UnreadableFileError(
            f"{label}: is {_KINDS.get(found, _KINDS['text'])}, not an .xlsx workbook "
            f"as its name says; {_RETURN}"
        )
    if not workbook and found != "text":
        raise UnreadableFileError(
            f"{label}: is {_KINDS[found]}, not CSV text as its name says; {_RETURN}"
        )
    return _read_workbook(data, label) if workbook else _read_csv(data, label)


def _what_it_is(data: bytes) -> str:
    """The kind of file the bytes are: a signature, else text unless it holds binary."""
    kind = next((k for signature, k in _SIGNATURES if data.startswith(signature)), None)
    if kind is not None:
        return kind
    sample = data[:4096]
    # NUL bytes mean binary data, unless in every other byte: UTF-16 text (decoded later)
    utf16 = max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4
    return "binary" if b"\x00" in sample and not utf16 else "text"


def _read_workbook(data: bytes, label: str) -> pd.DataFrame:
    """The review sheet (or the first sheet) as text; formula cells as their formula."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a zip that is no workbook, or a damaged one: openpyxl says it many ways
        raise UnreadableFileError(
            f"{label}: is not a readable .xlsx workbook (a damaged file, or another kind "
            f"of zip archive); {_RETURN}"
        ) from None
    try:
        sheet = book["review"] if "review" in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # a wrong saved size must not cut rows off
        rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    except Exception:
        raise UnreadableFileError(
            f"{label}: its sheet cannot be read (a damaged workbook); {_RETURN}"
        ) from None
    finally:
        book.close()
    if not rows or not any(rows[0]):
        raise UnreadableFileError(f"{label}: the sheet has no header row; {_RETURN}")
    width = max(len(r) for r in rows)
    header = rows[0] + [""] * (width - len(rows[0]))
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype="string")


def _cell_text(cell: Any) -> str:
    """A cell as text; a formula (also an array formula) as ``=...``."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return text if text.startswith("=") else "=" + text
    return cell_text(value)


def _read_csv(data: bytes, label: str) -> pd.DataFrame:
    """CSV text in any encoding and delimiter a partner file may have."""
    text = decode(data, label).lstrip("\ufeff")
    controls = sum(text.count(c) for c in _BINARY_CONTROLS)
    if controls > len(text) // 100:  # a guessed encoding of binary junk
        raise UnreadableFileError(f"{label}: is {_KINDS['binary']}; {_RETURN}")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        raise UnreadableFileError(
            f"{label}: cannot be split into columns (broken quotes or delimiters); {_RETURN}"
        ) from None
    return frame.fillna("").astype("string")


def known_tokens(out_dir: Path, tokens: Collection[str]) -> frozenset[str]:
    """Those of ``tokens`` that a run of ``out_dir`` gave to a record.

    A record token is known when an identity registry (``state/identities-*``)
    or a snapshot's ``records.parquet`` holds it. The newest files come first
    and the search stops once every token is found, so the usual review file
    costs one read of the newest registry.
    """
    wanted = pa.array(sorted(set(tokens)), type=pa.string())
    found: set[str] = set()
    snapshots = OutputLayout(out_dir).snapshots
    files = [state.registry_path(out_dir, m) for m in reversed(state.registry_months(out_dir))]
    if snapshots.is_dir():
        files += sorted(snapshots.glob("records/month=*/records.parquet"), reverse=True)
        files += sorted(snapshots.glob("month=*/records.parquet"), reverse=True)  # release 0.1
    for file in files:
        if len(found) == len(wanted):
            break
        try:
            column = pq.read_table(file, columns=["record_token"]).column(0).combine_chunks()
        except (OSError, pa.ArrowException, KeyError):
            raise UsageError(
                f"{file}: cannot be read to check the review file's record tokens; "
                "restore it from a backup or re-run its month, then apply the review again"
            ) from None
        hits = pc.filter(wanted, pc.is_in(wanted, value_set=column.cast(pa.string())))
        found.update(hits.to_pylist())
    return frozenset(found)


def decisions_path(out_dir: Path) -> Path:
    return OutputLayout(out_dir).decisions


def read_decisions(out_dir: Path) -> pd.DataFrame | None:
    """Every reviewer decision recorded so far (record tokens only), or None."""
    path = decisions_path(out_dir)
    if not path.is_file():
        return None
    try:
        decisions = pd.read_parquet(path)
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc, _DECISIONS_FIX) from None
    if not set(DECISION_COLUMNS) <= set(decisions.columns):
        raise damaged(path, ValueError("columns"), _DECISIONS_FIX)
    return decisions


def write_decisions(out_dir: Path, decisions: pd.DataFrame) -> Path:
    """Replace the decision store atomically."""
    path = decisions_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    decisions[DECISION_COLUMNS].to_parquet(staging, index=False, compression="zstd")
    staging.replace(path)
    return path
