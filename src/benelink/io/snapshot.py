"""Writing and reading monthly snapshots.

A month of each table (``snapshots/<table>/month=YYYY-MM/``) and the month's
documents (``reports/month=YYYY-MM/``) are either complete or absent: every
file is written into a hidden staged folder, flushed to disk, and the folders
are renamed into place together with the month's registry and review queue
(``benelink.io.staging``), the manifest last. A run killed half-way leaves only a hidden folder,
which the next run removes; analysts never see half a month. Reading back
what an earlier run wrote fails with a ``DamagedStateError`` that names the
file, never with a parser's traceback.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.errors import DamagedStateError
from benelink.io.cells import defused
from benelink.io.dictionary import dictionary_csv, duckdb_views
from benelink.io.layout import OutputLayout, month_of
from benelink.io.staging import (
    SHARED_DIR,
    SHARED_FILE,
    StagedWrites,
    make_dirs,
    remove_leftovers,
)
from benelink.schemas.outputs import level_description

ROW_GROUP_SIZE = 256_000
TABLES: Final = ("beneficiaries", "records", "links")
# commit order of a month's pieces: the registry first, so a snapshot never exists
# without the ids it carries forward; the tables next; the documents (with the manifest,
# the sign that the month is done) last
REGISTRY_ORDER, REJECTS_ORDER, REVIEW_ORDER, SNAPSHOT_ORDER, DOCUMENTS_ORDER = 0, 1, 2, 3, 4


def month_dir(out_dir: Path, month: str) -> Path:
    """The folder of ``month``'s documents (manifest.json, report.json, report.html); also
    what ``read_table`` takes to find the month's tables. An output folder of release 0.1
    that no run has moved yet gives its old ``snapshots/month=YYYY-MM/``."""
    layout = OutputLayout(out_dir)
    legacy = layout.legacy_snapshot(month)
    if (legacy / "manifest.json").is_file() and not layout.documents(month).is_dir():
        return legacy
    return layout.documents(month)


def table_path(out_dir: Path, month: str, name: str) -> Path:
    """Where ``name``'s file of ``month`` is: this layout's, or release 0.1's."""
    layout = OutputLayout(out_dir)
    legacy = layout.legacy_snapshot(month) / f"{name}.parquet"
    return legacy if legacy.is_file() else layout.table(name, month)


def to_table(frame: pd.DataFrame, descriptions: Mapping[str, str], title: str) -> pa.Table:
    """A pyarrow table carrying each column's description as field metadata.

    The pandas metadata stays in the schema, so pandas reads a nullable integer
    (``birth_year``, ``age``) back as ``Int64``, not as floats.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields, columns = [], []
    for f, column in zip(table.schema, table.columns, strict=True):
        text = descriptions.get(
            f.name, level_description(f.name) if f.name.startswith("level_") else ""
        )
        if pa.types.is_large_string(f.type):  # Arrow-backed pandas strings: one string type
            f, column = f.with_type(pa.string()), column.cast(pa.string())
        fields.append(f.with_metadata({"description": text}))
        columns.append(column)
    metadata = {b"benelink.table": title.encode(), **_pandas_metadata(table.schema)}
    schema = pa.schema(fields, metadata=metadata)
    return pa.Table.from_arrays(columns, schema=schema)


def _pandas_metadata(schema: pa.Schema) -> dict[bytes, bytes]:
    """The pandas metadata of ``schema`` with only what makes a nullable integer load as
    ``Int64``: every other column loads as pandas makes it of its Arrow type."""
    raw = (schema.metadata or {}).get(b"pandas")
    if raw is None:
        return {}
    meta = json.loads(raw)
    kept = [c for c in meta.get("columns", []) if str(c.get("numpy_type", "")) in _NULLABLE]
    if not kept:
        return {}
    meta.update(columns=kept, index_columns=[], column_indexes=[])
    return {b"pandas": json.dumps(meta).encode()}


_NULLABLE: Final = frozenset({"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32"})


def stage_snapshot(
    staged: StagedWrites,
    out_dir: Path,
    month: str,
    tables: Mapping[str, pa.Table],
    documents: Mapping[str, Any],
) -> Path:
    """Write each of ``tables`` into its month partition (``snapshots/<name>/month=M/``)
    and ``documents`` into the month's reports folder, staged for ``staged.commit()``;
    returns the documents' final folder. ``io.month`` stages the same pieces side by
    side on threads (``stage_table``, ``stage_documents``)."""
    for name, table in tables.items():
        stage_table(staged, out_dir, month, name, table)
    return stage_documents(staged, out_dir, month, documents, tables)


def stage_table(
    staged: StagedWrites, out_dir: Path, month: str, name: str, table: pa.Table
) -> Path:
    """One table's month partition, staged in a hidden folder beside the tables, never
    inside the table's own folder, where a reader's glob would meet it; returns its
    final folder."""
    layout = OutputLayout(out_dir)
    final = layout.table_month(name, month)
    folder = staged.folder(final, order=SNAPSHOT_ORDER, mode=SHARED_DIR, home=layout.snapshots)
    pq.write_table(
        table,
        folder / f"{name}.parquet",
        compression="zstd",
        row_group_size=ROW_GROUP_SIZE,
        write_statistics=True,
    )
    staged.seal(folder, SHARED_FILE)
    return final


def stage_documents(
    staged: StagedWrites,
    out_dir: Path,
    month: str,
    documents: Mapping[str, Any],
    tables: Mapping[str, pa.Table],
) -> Path:
    """The month's documents into its reports folder, and the data dictionary and the
    DuckDB views of ``tables`` written again; returns the documents' final folder.

    A document that is a string is written as it is (the HTML report); any other
    document is written as JSON.
    """
    layout = OutputLayout(out_dir)
    final = layout.documents(month)
    folder = staged.folder(final, order=DOCUMENTS_ORDER, mode=SHARED_DIR)
    for name, document in documents.items():
        if isinstance(document, str):
            text = document
        else:
            text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        (folder / name).write_text(text, encoding="utf-8")
    staged.seal(folder, SHARED_FILE)
    if tables:
        schemas = {name: table.schema for name, table in tables.items()}
        for target, text in (
            (layout.dictionary, dictionary_csv(schemas)),
            (layout.duckdb_views, duckdb_views(schemas)),
        ):
            staging = staged.file(target, order=DOCUMENTS_ORDER, mode=SHARED_FILE)
            staging.write_text(text, encoding="utf-8")
            staged.seal(staging, SHARED_FILE)
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
    """Months with a complete snapshot (its manifest is written last), oldest first, in
    this layout or release 0.1's."""
    layout = OutputLayout(out_dir)
    found: set[str] = set()
    for folder in (layout.reports, layout.snapshots):
        if folder.is_dir():
            months = (month_of(p) for p in folder.iterdir() if (p / "manifest.json").is_file())
            found.update(m for m in months if m is not None)
    return sorted(found)


def previous_month_dir(out_dir: Path, month: str) -> Path | None:
    """The latest complete snapshot strictly before ``month``, if any."""
    earlier = [m for m in snapshot_months(out_dir) if m < month]
    return month_dir(out_dir, earlier[-1]) if earlier else None


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One snapshot table as a pandas frame; ``folder`` is the month's, as ``month_dir``
    gives it."""
    month = _month_of(folder)
    legacy = folder / f"{name}.parquet"
    root = folder.parent.parent
    path = legacy if legacy.is_file() else OutputLayout(root).table(name, month)
    try:
        frame: pd.DataFrame = pq.read_table(path, columns=columns).to_pandas()
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise damaged(path, exc, f"re-run {month} to write it again") from None
    return frame


def person_months(
    out_dir: Path, months: list[str], beneficiary_id: str, columns: list[str]
) -> pd.DataFrame:
    """``columns`` of one beneficiary in each of ``months``' snapshots, a row per month
    they appear in (with its ``month``); only their rows are read (a filter on the id)."""
    rows = []
    for month in months:
        path = table_path(out_dir, month, "beneficiaries")
        try:
            table = pq.read_table(
                path,
                columns=["beneficiary_id", *columns],
                filters=[("beneficiary_id", "=", beneficiary_id)],
                partitioning=None,
            )
        except (OSError, pa.ArrowException, KeyError) as exc:
            raise damaged(path, exc, f"re-run {month} to write it again") from None
        frame: pd.DataFrame = table.to_pandas()
        if not frame.empty:
            rows.append(frame.assign(month=month)[["month", *columns]])
    if not rows:
        return pd.DataFrame(columns=["month", *columns])
    return pd.concat(rows, ignore_index=True)


def migrate_layout(out_dir: Path) -> list[str]:
    """Move release 0.1's ``snapshots/month=YYYY-MM/`` folders to this layout; returns the
    months moved.

    Each table file is renamed into its partition, then the folder, holding only the
    documents now, is renamed to the month's reports folder in one step. Stopped half
    way, every file is still where a reader (``table_path``, ``month_dir``) finds it,
    and the next run goes on.
    """
    layout = OutputLayout(out_dir)
    if not layout.snapshots.is_dir():
        return []
    moved = []
    for old in sorted(layout.snapshots.glob("month=*")):
        month = month_of(old)
        if month is None or not old.is_dir() or not (old / "manifest.json").is_file():
            continue
        for name in TABLES:
            source, target = old / f"{name}.parquet", layout.table(name, month)
            if source.is_file():
                make_dirs(target.parent, SHARED_DIR)
                source.replace(target)
        if layout.documents(month).exists():  # written by this release: the old copy goes
            shutil.rmtree(old)
        else:
            make_dirs(layout.reports, SHARED_DIR)
            old.rename(layout.documents(month))
        moved.append(month)
    if moved and not layout.dictionary.is_file():
        _write_dictionary(layout, moved[-1])
    return moved


def _write_dictionary(layout: OutputLayout, month: str) -> None:
    """The dictionary and the views, from ``month``'s tables (for a migrated folder)."""
    schemas = {
        name: pq.read_schema(layout.table(name, month))
        for name in TABLES
        if layout.table(name, month).is_file()
    }
    with StagedWrites() as staged:
        for target, text in (
            (layout.dictionary, dictionary_csv(schemas)),
            (layout.duckdb_views, duckdb_views(schemas)),
        ):
            staging = staged.file(target, order=DOCUMENTS_ORDER, mode=SHARED_FILE)
            staging.write_text(text, encoding="utf-8")
            staged.seal(staging, SHARED_FILE)
        staged.commit()


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
    safe = ordered.assign(**{str(c): defused(ordered[c]) for c in text})
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
