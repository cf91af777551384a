"""One person's months: the graduation track, read from the snapshots alone.

This is the same question an analyst asks with DuckDB over
``snapshots/*/beneficiaries.parquet``; the command exists so an officer can
answer it without writing SQL. It reads pseudonymous snapshots only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from benelink.errors import UsageError

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
    snapshots = out_dir / "snapshots"
    folders = (
        sorted(p for p in snapshots.glob("month=*") if (p / "beneficiaries.parquet").is_file())
        if snapshots.is_dir()
        else []
    )
    if not folders:
        raise UsageError(f"no snapshots in {snapshots}: run `benelink run` first")
    rows = []
    for folder in folders:
        table = pq.read_table(
            folder / "beneficiaries.parquet",
            columns=["beneficiary_id", *HISTORY_COLUMNS],
            filters=[("beneficiary_id", "=", beneficiary_id)],
        )
        frame: pd.DataFrame = table.to_pandas()
        if not frame.empty:
            rows.append(
                frame.assign(month=folder.name.removeprefix("month="))[["month", *HISTORY_COLUMNS]]
            )
    if not rows:
        raise UsageError(
            f"{beneficiary_id} is in none of the {len(folders)} snapshots under {snapshots}; "
            "check the id (ids look like B-XXXXXXXXXXXXXXXX)"
        )
    history: pd.DataFrame = pd.concat(rows, ignore_index=True)
    return history
