"""The output folder's layout: the one place where the paths under ``[run] out`` are spelled.

::

    out/
      snapshots/<table>/month=YYYY-MM/<table>.parquet   beneficiaries, records, links
      snapshots/dictionary.csv, snapshots/benelink.sql  the data dictionary; DuckDB views
      reports/month=YYYY-MM/     manifest.json, report.json, report.html
      rejects/month=YYYY-MM/     rejects.csv, sent back to partners (masked values)
      reports/<period>/          period reports: report.html, report.xlsx, report.json
      state/                     identities-YYYY-MM.parquet, model-YYYY-MM.json,
                                 decisions.parquet, run.lock
      logs/                      run-YYYY-MM-<time>.jsonl, lookups.jsonl (the audit trail)
      restricted/review/month=YYYY-MM/   review.xlsx and review.csv (names: owner only)
      restricted/applied/month=YYYY-MM/  the review files `review apply` recorded, kept
      restricted/officers/month=YYYY-MM/ <officer>.csv caseload lists (record ids: owner only)

Analysts read ``snapshots/``: one folder per table, partitioned by month the
way Hive does it, so ``pd.read_parquet("out/snapshots/beneficiaries")`` (or
pyarrow, polars, DuckDB) loads every month of a table in one call, with the
month as a column. Nothing but that table's Parquet files lives under a table's
folder: what a run stages stays in hidden folders beside the tables, never inside
one, so a glob over a table never meets half a month. ``state/`` holds keyed
tokens and is its owner's alone; ``restricted/`` is the only place a name is
ever written.

Releases up to 0.1 wrote one folder per month, ``snapshots/month=YYYY-MM/``,
holding the three tables and the documents together (``legacy_snapshot``);
``io.snapshot`` reads both and a run moves the old folders to this layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_MONTH: Final = re.compile(r"month=(\d{4}-\d{2})")
_REGISTRY: Final = re.compile(r"identities-(\d{4}-\d{2})\.parquet")
_MODEL: Final = re.compile(r"model-(\d{4}-\d{2})\.json")


@dataclass(frozen=True)
class OutputLayout:
    """Every path a run, a review or a look-up reads or writes under ``root``."""

    root: Path

    # --- what analysts read ---
    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    def table_folder(self, table: str) -> Path:
        """Every month of ``table``: the folder analysts load in one call."""
        return self.snapshots / table

    def table_month(self, table: str, month: str) -> Path:
        """The partition of ``table`` for ``month`` (a folder holding one Parquet file)."""
        return self.table_folder(table) / f"month={month}"

    def table(self, table: str, month: str) -> Path:
        """``table``'s Parquet file for ``month``."""
        return self.table_month(table, month) / f"{table}.parquet"

    @property
    def dictionary(self) -> Path:
        """The data dictionary (table, column, type, description) beside the tables."""
        return self.snapshots / "dictionary.csv"

    @property
    def duckdb_views(self) -> Path:
        """DuckDB views over the tables, with every column's comment."""
        return self.snapshots / "benelink.sql"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def documents(self, month: str) -> Path:
        """The month's manifest.json, report.json and report.html (the manifest last)."""
        return self.reports / f"month={month}"

    def legacy_snapshot(self, month: str) -> Path:
        """Where releases up to 0.1 wrote the month's tables and documents together."""
        return self.snapshots / f"month={month}"

    def rejects(self, month: str) -> Path:
        """The month's rejects file, for the partners."""
        return self.root / "rejects" / f"month={month}" / "rejects.csv"

    def period_report(self, name: str) -> Path:
        """The folder of a period's report (``benelink report``): 2026-Q4, 2026, ..."""
        return self.root / "reports" / name

    # --- the identity state ---
    @property
    def state(self) -> Path:
        return self.root / "state"

    def registry(self, month: str) -> Path:
        """The identity registry as it stood after ``month``."""
        return self.state / f"identities-{month}.parquet"

    def registry_months(self) -> list[str]:
        """The months that have a registry file, oldest first."""
        if not self.state.is_dir():
            return []
        found = (_REGISTRY.fullmatch(p.name) for p in self.state.iterdir())
        return sorted(m.group(1) for m in found if m)

    def model(self, month: str) -> Path:
        """The link model ``month``'s run used, kept for the months after it."""
        return self.state / f"model-{month}.json"

    def model_months(self) -> list[str]:
        """The months that have a kept model, oldest first."""
        if not self.state.is_dir():
            return []
        found = (_MODEL.fullmatch(p.name) for p in self.state.iterdir())
        return sorted(m.group(1) for m in found if m)

    @property
    def decisions(self) -> Path:
        return self.state / "decisions.parquet"

    @property
    def lock(self) -> Path:
        return self.state / "run.lock"

    # --- logs ---
    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def audit(self) -> Path:
        """The audit trail of look-ups and evaluations."""
        return self.logs / "lookups.jsonl"

    # --- restricted ---
    @property
    def restricted(self) -> Path:
        return self.root / "restricted"

    @property
    def reviews(self) -> Path:
        return self.restricted / "review"

    def review(self, month: str) -> Path:
        """The folder of ``month``'s review queue (raw names: owner only)."""
        return self.reviews / f"month={month}"

    def applied_reviews(self, month: str) -> Path:
        """Copies of the review files ``review apply`` recorded for ``month`` (owner only)."""
        return self.restricted / "applied" / f"month={month}"

    def caseload_lists(self, month: str) -> Path:
        """The folder of ``month``'s per-officer caseload lists (partner record ids: owner
        only; written when ``[reports] officer_caseload_lists`` is on)."""
        return self.restricted / "officers" / f"month={month}"

    def folders(self) -> tuple[Path, ...]:
        """Every folder a run writes into; each must be a folder, or absent."""
        return (
            self.root,
            self.snapshots,
            self.reports,
            self.state,
            self.root / "rejects",
            self.logs,
            self.restricted,
            self.reviews,
        )

    def shown(self, path: Path) -> str:
        """``path`` as the report and messages show it: relative to the output folder."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def month_of(folder: Path) -> str | None:
    """The month of a ``month=YYYY-MM`` folder (None for any other)."""
    found = _MONTH.fullmatch(folder.name)
    return found.group(1) if found else None
