"""Review files on disk: the restricted queue out, the reviewer's file back in.

The queue holds raw names, so it goes only under ``<out>/restricted/``, created
readable by its owner alone (0700). Spreadsheet cells that start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return are prefixed with an apostrophe,
so a name crafted as a formula is shown, never executed, when a reviewer
opens the file in Excel or LibreOffice.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from benelink.errors import UnreadableFileError
from benelink.io.snapshot import REVIEW_ORDER, damaged
from benelink.io.staging import PRIVATE_DIR, PRIVATE_FILE, StagedWrites, make_dirs
from benelink.pipelines.review import DECISION_COLUMNS

_DECISIONS_FIX = (
    "record the decisions again with `benelink review apply` and the reviewed files "
    "(deleting it loses every reviewer decision)"
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """A cell value that a spreadsheet will never evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(sheet: Any, value: object, **style: Any) -> WriteOnlyCell:
    """A cell whose text stays text: openpyxl would read "#N/A" as an error value."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def restricted_dir(out_dir: Path, *parts: str) -> Path:
    """A folder under ``restricted/``, each level created (or tightened) to mode 0700."""
    folder = out_dir / "restricted"
    for part in ("", *parts):
        folder = folder / part if part else folder
        make_dirs(folder, PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
    return folder


def review_dir(out_dir: Path, month: str) -> Path:
    """Where ``month``'s review queue is written."""
    return out_dir / "restricted" / "review" / f"month={month}"


def stage_review_queue(
    staged: StagedWrites, out_dir: Path, month: str, queue: pd.DataFrame
) -> Path:
    """review.xlsx and review.csv for ``month`` in a staged folder that ``staged.commit()``
    moves into place; returns the final folder."""
    restricted_dir(out_dir, "review")
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
    """A returned review file (xlsx or csv) as strings."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = load_workbook(path, read_only=True, data_only=True)
            rows = list(book.worksheets[0].iter_rows(values_only=True))
            book.close()
            if not rows:
                raise UnreadableFileError(f"{path}: the sheet is empty")
            header = [str(h) if h is not None else "" for h in rows[0]]
            return pd.DataFrame(rows[1:], columns=header).astype("string")
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, KeyError) as exc:
        raise UnreadableFileError(
            f"{path}: cannot be read as a review file ({type(exc).__name__}); "
            "return the review.xlsx or review.csv benelink wrote"
        ) from None


def decisions_path(out_dir: Path) -> Path:
    return out_dir / "state" / "decisions.parquet"


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
