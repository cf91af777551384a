"""The data dictionary beside the tables, in the forms each tool shows.

Arrow field metadata (``description``) travels inside every Parquet file, but
pandas and DuckDB do not show it. So each run also writes, beside the tables:

* ``snapshots/dictionary.csv`` — table, column, type, description: a file any
  tool (or a spreadsheet, or Power BI) opens;
* ``snapshots/benelink.sql`` — DuckDB views, one per table over every month,
  with ``COMMENT ON COLUMN`` for each column, so ``duckdb_columns()`` and
  DuckDB's own tools show the descriptions.

Both are written from the tables' Arrow schemas, so they list exactly the
columns the files hold (the ``level_<comparison>`` columns follow the
configured comparisons).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Final

import pyarrow as pa

MONTH_DESCRIPTION: Final = (
    "The snapshot's month (YYYY-MM): the name of the month=YYYY-MM folder the file sits in "
    "(a Hive partition), added by the reader."
)
TABLE_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "beneficiaries": "One row per person per month.",
    "records": "One row per source record per month (tokens only).",
    "links": "One row per scored pair at or above the review threshold, and per reviewed pair.",
}


def _description(field: pa.Field) -> str:
    text: bytes = (field.metadata or {}).get(b"description", b"")
    return text.decode("utf-8")


def dictionary_csv(schemas: Mapping[str, pa.Schema]) -> str:
    """One row per column of each table (the month partition last): table, column, type,
    description."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "column", "type", "description"])
    for table, schema in schemas.items():
        for field in schema:
            writer.writerow([table, field.name, str(field.type), _description(field)])
        writer.writerow([table, "month", "string", MONTH_DESCRIPTION])
    return buffer.getvalue()


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_views(schemas: Mapping[str, pa.Schema]) -> str:
    """DuckDB statements that create a view per table over every month, with comments."""
    lines = [
        "-- benelink: one DuckDB view per snapshot table, every month, with column comments.",
        "-- In the snapshots folder:  duckdb -init benelink.sql   (or, inside duckdb: .read benelink.sql)",
        "-- From elsewhere, first:    SET file_search_path = '<out>/snapshots';",
        "-- Descriptions: SELECT table_name, column_name, comment FROM duckdb_columns();",
        "",
    ]
    for table, schema in schemas.items():
        source = (
            f"read_parquet('{table}/*/*.parquet', hive_partitioning = true, "
            "hive_types = {'month': VARCHAR})"
        )
        lines.append(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {source};")
        lines.append(f"COMMENT ON VIEW {table} IS {_quoted(TABLE_DESCRIPTIONS.get(table, ''))};")
        for field in schema:
            lines.append(
                f'COMMENT ON COLUMN {table}."{field.name}" IS {_quoted(_description(field))};'
            )
        lines.append(f"COMMENT ON COLUMN {table}.month IS {_quoted(MONTH_DESCRIPTION)};")
        lines.append("")
    return "\n".join(lines)
