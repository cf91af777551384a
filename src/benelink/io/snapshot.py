"""Writing and reading monthly snapshots.

A snapshot folder is either complete or absent: every file is written into a
hidden staged folder beside it, flushed to disk, and the folder is renamed
into place together with the month's registry and review queue
(``benelink.io.staging``). A run killed half-way leaves only a hidden folder,
which the next run removes; analysts never see half a month. Reading back
what an earlier run wrote fails with a ``DamagedStateError`` that names the
file, never with a parser's traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.errors import DamagedStateError
from benelink.io.cells import defuse
from benelink.io.layout import OutputLayout, month_of
from benelink.io.staging import (
    SHARED_DIR,
    SHARED_FILE,
    StagedWrites,
    remove_leftovers,
)
from benelink.schemas.outputs import LEVEL_DESCRIPTION

ROW_GROUP_SIZE = 256_000
# commit order of a month's pieces: the registry first, so a snapshot never exists
# without the ids it carries forward; the snapshot last, the sign that the month is done
REGISTRY_ORDER, REJECTS_ORDER, REVIEW_ORDER, SNAPSHOT_ORDER = 0, 1, 2, 3


def month_dir(out_dir: Path, month: str) -> Path:
    """The folder analysts read for ``month``."""
    return OutputLayout(out_dir).snapshot(month)


def to_table(frame: pd.DataFrame, descriptions: Mapping[str, str], title: str) -> pa.Table:
    """A pyarrow table carrying each column's description as field metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields, columns = [], []
    for f, column in zip(table.schema, table.columns, strict=True):
        text = descriptions.get(f.name, LEVEL_DESCRIPTION if f.name.startswith("level_") else "")
        if pa.types.is_large_string(f.type):  # Arrow-backed pandas strings: one string type
            f, column = f.with_type(pa.string()), column.cast(pa.string())
        fields.append(f.with_metadata({"description": text}))
        columns.append(column)
    schema = pa.schema(fields, metadata={"benelink.table": title})
    return pa.Table.from_arrays(columns, schema=schema)


def stage_snapshot(
    staged: StagedWrites,
    out_dir: Path,
    month: str,
    tables: Mapping[str, pa.Table],
    documents: Mapping[str, Any],
) -> Path:
    """Write ``tables`` (as ``<name>.parquet``) and ``documents`` into a staged folder that
    ``staged.commit()`` renames to the month's snapshot; returns the final folder.

    A document that is a string is written as it is (the HTML report); any
    other document is written as JSON.
    """
    final = month_dir(out_dir, month)
    folder = staged.folder(final, order=SNAPSHOT_ORDER, mode=SHARED_DIR)
    for name, table in tables.items():
        pq.write_table(
            table,
            folder / f"{name}.parquet",
            compression="zstd",
            row_group_size=ROW_GROUP_SIZE,
            write_statistics=True,
        )
    for name, document in documents.items():
        if isinstance(document, str):
            text = document
        else:
            text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        (folder / name).write_text(text, encoding="utf-8")
    staged.seal(folder, SHARED_FILE)
    return final


def write_snapshot(
    out_dir: Path,
    month: str,
    tables: Mapping[str, pa.Table],
    documents: Mapping[str, Any],
) -> Path:
    """A snapshot written on its own (``stage_snapshot`` committed at once)."""
    with StagedWrites() as staged:
        final = stage_snapshot(staged, out_dir, month, tables, documents)
        staged.commit()
    return final


def remove_incomplete(snapshots: Path) -> None:
    """Remove what a killed run left behind; restore a snapshot caught mid-replacement."""
    remove_leftovers(snapshots)


def snapshot_months(out_dir: Path) -> list[str]:
    """Months with a complete snapshot (its manifest is written last), oldest first."""
    folder = OutputLayout(out_dir).snapshots
    if not folder.is_dir():
        return []
    found = (month_of(p) for p in folder.iterdir() if (p / "manifest.json").is_file())
    return sorted(m for m in found if m is not None)


def previous_month_dir(out_dir: Path, month: str) -> Path | None:
    """The latest complete snapshot strictly before ``month``, if any."""
    earlier = [m for m in snapshot_months(out_dir) if m < month]
    return month_dir(out_dir, earlier[-1]) if earlier else None


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One snapshot table as a pandas frame."""
    path = folder / f"{name}.parquet"
    try:
        frame: pd.DataFrame = pq.read_table(path, columns=columns).to_pandas()
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise damaged(path, exc, f"re-run {_month_of(folder)} to write it again") from None
    return frame


def person_months(
    out_dir: Path, months: list[str], beneficiary_id: str, columns: list[str]
) -> pd.DataFrame:
    """``columns`` of one beneficiary in each of ``months``' snapshots, a row per month
    they appear in (with its ``month``); only their rows are read (a filter on the id)."""
    rows = []
    for month in months:
        path = month_dir(out_dir, month) / "beneficiaries.parquet"
        try:
            table = pq.read_table(
                path,
                columns=["beneficiary_id", *columns],
                filters=[("beneficiary_id", "=", beneficiary_id)],
            )
        except (OSError, pa.ArrowException, KeyError) as exc:
            raise damaged(path, exc, f"re-run {month} to write it again") from None
        frame: pd.DataFrame = table.to_pandas()
        if not frame.empty:
            rows.append(frame.assign(month=month)[["month", *columns]])
    if not rows:
        return pd.DataFrame(columns=["month", *columns])
    return pd.concat(rows, ignore_index=True)


def read_json(path: Path) -> dict[str, Any]:
    """A JSON document written by a run."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(path, exc, f"re-run {_month_of(path.parent)} to write it again") from None
    if not isinstance(data, dict):
        raise damaged(path, ValueError("not a JSON object"), f"re-run {_month_of(path.parent)}")
    return data


def _month_of(folder: Path) -> str:
    return month_of(folder) or "that month"


def damaged(path: Path, exc: BaseException, fix: str) -> DamagedStateError:
    """The one line for a file an earlier run wrote that cannot be read back.

    Only the kind of damage is named (the parser's own message may quote the
    file's content).
    """
    if isinstance(exc, FileNotFoundError):
        what = "is missing"
    elif isinstance(exc, PermissionError):
        what = "cannot be opened (permission denied)"
    elif isinstance(exc, OSError) and exc.strerror:
        what = f"cannot be read ({exc.strerror})"
    elif path.suffix == ".json":
        what = "is not valid JSON (truncated or edited?)"
    else:
        what = "is damaged (truncated, or not the file benelink wrote)"
    return DamagedStateError(f"{path} {what}: restore it from a backup, or {fix}")


def stage_rejects(staged: StagedWrites, out_dir: Path, month: str, rejects: pd.DataFrame) -> Path:
    """Rejected rows and dropped values (masked) for the partner to fix, one CSV per month,
    staged to be moved in with the month's other files; returns the final path.

    The partner opens it in a spreadsheet, so a cell that would start a formula
    is defused (``io.cells``).
    """
    target = OutputLayout(out_dir).rejects(month)
    staging = staged.file(target, order=REJECTS_ORDER, mode=SHARED_FILE)
    ordered = rejects.sort_values(["source", "row_number", "column"])
    text = ordered.select_dtypes(exclude="number").columns
    safe = ordered.assign(**{str(c): ordered[c].map(defuse, na_action="ignore") for c in text})
    safe.to_csv(staging, index=False, lineterminator="\n")
    staged.seal(staging, SHARED_FILE)
    return target


def write_rejects(out_dir: Path, month: str, rejects: pd.DataFrame) -> Path:
    """The rejects file written on its own: when a run stops on the reject limit, it is
    the one thing the run writes, because the officer needs it to send to the partner."""
    with StagedWrites() as staged:
        target = stage_rejects(staged, out_dir, month, rejects)
        staged.commit()
    return target
