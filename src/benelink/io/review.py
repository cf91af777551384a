"""Review files on disk: the restricted queue out, the reviewer's file back in.

The queue holds raw names, so it goes only under ``<out>/restricted/``, created
readable by its owner alone (0700). Spreadsheet cells that start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return are prefixed with an apostrophe
(``io.cells.defuse``), so a name crafted as a formula is shown, never executed,
when a reviewer opens the file in Excel or LibreOffice.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from benelink.errors import UnreadableFileError
from benelink.io.cells import defuse
from benelink.pipelines.review import DECISION_COLUMNS


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
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    return folder


def write_review_queue(out_dir: Path, month: str, queue: pd.DataFrame) -> Path:
    """review.xlsx and review.csv for ``month``; returns the folder."""
    folder = restricted_dir(out_dir, "review", f"month={month}")
    safe = queue.astype(object).map(
        lambda v: None if pd.api.types.is_scalar(v) and pd.isna(v) else defuse(v)
    )
    csv_tmp = folder / f".review.csv.{uuid.uuid4().hex[:8]}"
    safe.to_csv(csv_tmp, index=False, lineterminator="\n", encoding="utf-8-sig")
    os.chmod(csv_tmp, 0o600)
    csv_tmp.replace(folder / "review.csv")

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
    xlsx_tmp = folder / f".review.xlsx.{uuid.uuid4().hex[:8]}"
    book.save(xlsx_tmp)
    os.chmod(xlsx_tmp, 0o600)
    xlsx_tmp.replace(folder / "review.xlsx")
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
    return pd.read_parquet(path)


def write_decisions(out_dir: Path, decisions: pd.DataFrame) -> Path:
    """Replace the decision store atomically."""
    path = decisions_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    decisions[DECISION_COLUMNS].to_parquet(staging, index=False, compression="zstd")
    staging.replace(path)
    return path
