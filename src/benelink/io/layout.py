"""The output folder's layout: the one place where the paths under ``[run] out`` are spelled.

::

    out/
      snapshots/month=YYYY-MM/   beneficiaries, records, links (.parquet), report, manifest
      rejects/month=YYYY-MM/     rejects.csv, sent back to partners (masked values)
      reports/<period>/          period reports: report.html, report.xlsx, report.json
      state/                     identities-YYYY-MM.parquet, decisions.parquet, run.lock
      logs/                      run-YYYY-MM-<time>.jsonl, lookups.jsonl (the audit trail)
      restricted/review/month=YYYY-MM/   review.xlsx and review.csv (names: owner only)
      restricted/officers/month=YYYY-MM/ <officer>.csv caseload lists (record ids: owner only)

Analysts read ``snapshots/``; ``state/`` holds keyed tokens and is its
owner's alone; ``restricted/`` is the only place a name is ever written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_MONTH: Final = re.compile(r"month=(\d{4}-\d{2})")
_REGISTRY: Final = re.compile(r"identities-(\d{4}-\d{2})\.parquet")


@dataclass(frozen=True)
class OutputLayout:
    """Every path a run, a review or a look-up reads or writes under ``root``."""

    root: Path

    # --- what analysts read ---
    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    def snapshot(self, month: str) -> Path:
        """The folder analysts read for ``month``."""
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

    def caseload_lists(self, month: str) -> Path:
        """The folder of ``month``'s per-officer caseload lists (partner record ids: owner
        only; written when ``[reports] officer_caseload_lists`` is on)."""
        return self.restricted / "officers" / f"month={month}"

    def folders(self) -> tuple[Path, ...]:
        """Every folder a run writes into; each must be a folder, or absent."""
        return (
            self.root,
            self.snapshots,
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
