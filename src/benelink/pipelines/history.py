"""One person's months: the graduation track, read from the snapshots alone.

This is the same question an analyst asks with DuckDB over
``snapshots/beneficiaries/`` (docs/recipes.md); the command exists so an officer can
answer it without writing SQL. It reads pseudonymous snapshots only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benelink.errors import UsageError
from benelink.io import snapshot
from benelink.io.layout import OutputLayout

HISTORY_COLUMNS = [
    "in_naf",
    "in_unhcr",
    "in_jobseekers",
    "employment_status",
    "officer",
    "governorate",
    "n_records",
]


def beneficiary_history(out_dir: Path, beneficiary_id: str) -> pd.DataFrame:
    """One row per month in which ``beneficiary_id`` appears, oldest first."""
    months = snapshot.snapshot_months(out_dir)
    where = OutputLayout(out_dir).snapshots
    if not months:
        raise UsageError(f"no snapshots in {where}: run `benelink run` first")
    found = snapshot.person_months(out_dir, months, beneficiary_id, HISTORY_COLUMNS)
    if found.empty:
        raise UsageError(
            f"{beneficiary_id} is in none of the {len(months)} snapshots under {where}; "
            "check the id (ids look like B-XXXXXXXXXXXXXXXX)"
        )
    return found
