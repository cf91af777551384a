"""Writing and reading monthly snapshots.

A snapshot folder is either complete or absent: every file is written into a
hidden temporary folder beside it, flushed to disk, and the folder is renamed
into place in one step. A run killed half-way leaves only a hidden temporary
folder, which the next run removes; analysts never see half a month.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.io.cells import defuse
from benelink.schemas.outputs import LEVEL_DESCRIPTION

ROW_GROUP_SIZE = 256_000
_TMP_PREFIX = ".incomplete-"
_OLD_PREFIX = ".replaced-"


def month_dir(out_dir: Path, month: str) -> Path:
    """The folder analysts read for ``month``."""
    return out_dir / "snapshots" / f"month={month}"


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


def write_snapshot(
    out_dir: Path,
    month: str,
    tables: Mapping[str, pa.Table],
    documents: Mapping[str, Any],
) -> Path:
    """Write ``tables`` (as ``<name>.parquet``) and ``documents`` atomically.

    A document that is a string is written as it is (the HTML report); any
    other document is written as JSON.
    """
    final = month_dir(out_dir, month)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_incomplete(final.parent)
    staging = final.parent / f"{_TMP_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    for name, table in tables.items():
        pq.write_table(
            table,
            staging / f"{name}.parquet",
            compression="zstd",
            row_group_size=ROW_GROUP_SIZE,
            write_statistics=True,
        )
    for name, document in documents.items():
        if isinstance(document, str):
            text = document
        else:
            text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        (staging / name).write_text(text, encoding="utf-8")
    _fsync_tree(staging)
    if final.exists():
        retired = final.parent / f"{_OLD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
        final.rename(retired)
        staging.rename(final)
        shutil.rmtree(retired)
    else:
        staging.rename(final)
    _fsync_dir(final.parent)
    return final


def remove_incomplete(snapshots: Path) -> None:
    """Remove what a killed run left behind; restore a snapshot caught mid-replacement."""
    if not snapshots.is_dir():
        return
    for child in sorted(snapshots.iterdir()):
        if child.name.startswith(_TMP_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(_OLD_PREFIX):
            original = snapshots / child.name[len(_OLD_PREFIX) :].rsplit("-", 1)[0]
            if original.exists():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.rename(original)


def previous_month_dir(out_dir: Path, month: str) -> Path | None:
    """The latest complete snapshot strictly before ``month``, if any."""
    snapshots = out_dir / "snapshots"
    if not snapshots.is_dir():
        return None
    months = sorted(
        p.name.removeprefix("month=")
        for p in snapshots.iterdir()
        if p.is_dir() and p.name.startswith("month=") and (p / "manifest.json").is_file()
    )
    earlier = [m for m in months if m < month]
    return month_dir(out_dir, earlier[-1]) if earlier else None


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One snapshot table as a pandas frame."""
    frame: pd.DataFrame = pq.read_table(folder / f"{name}.parquet", columns=columns).to_pandas()
    return frame


def read_json(path: Path) -> dict[str, Any]:
    """A JSON document written by a run."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_rejects(out_dir: Path, month: str, rejects: pd.DataFrame) -> Path:
    """Rejected rows and dropped values (masked) for the partner to fix, one CSV per month.

    Written even when the run stops on the reject limit: that is exactly when
    the officer needs it to send back to the partner. The partner opens it in
    a spreadsheet, so a cell that would start a formula is defused (``io.cells``).
    """
    folder = out_dir / "rejects" / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "rejects.csv"
    staging = folder / f".{target.name}.{uuid.uuid4().hex[:8]}"
    ordered = rejects.sort_values(["source", "row_number", "column"])
    text = ordered.select_dtypes(exclude="number").columns
    safe = ordered.assign(**{str(c): ordered[c].map(defuse, na_action="ignore") for c in text})
    safe.to_csv(staging, index=False, lineterminator="\n")
    staging.replace(target)
    return target
