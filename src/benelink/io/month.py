"""Writing a month: the registry, the rejects, the review queue and the snapshot, all
or nothing.

Every piece is staged beside its place and moved in by one commit
(``io.staging``), registry first and snapshot last, so a snapshot never exists
without the ids it carries forward and a failure anywhere leaves every earlier
file as it was. The review workbook (Python) is written while Arrow compresses
the snapshot's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from benelink.io import caseloads, review, snapshot, state
from benelink.io.staging import StagedWrites
from benelink.threads import threaded


def write_month(
    out_dir: Path,
    month: str,
    *,
    fingerprint: str,
    registry: pd.DataFrame,
    rejects: pd.DataFrame,
    tables: Mapping[str, pa.Table],
    documents: Mapping[str, Any],
    review_queue: pd.DataFrame,
    caseload_lists: Mapping[str, tuple[str, pd.DataFrame]] | None = None,
    threads: int = 0,
    model: dict[str, Any] | None = None,
) -> Path:
    """Write everything of ``month``; returns the snapshot folder. ``model`` is the link
    model the month used, kept in the state for the months after it."""
    with StagedWrites() as staged:
        state.stage_registry(staged, out_dir, month, registry, fingerprint)
        if model is not None:
            state.stage_model(staged, out_dir, month, model)
        snapshot.stage_rejects(staged, out_dir, month, rejects)
        if caseload_lists:
            caseloads.stage_caseload_lists(staged, out_dir, month, caseload_lists)

        def stage_snapshot() -> Path:
            return snapshot.stage_snapshot(staged, out_dir, month, tables, documents)

        def stage_queue() -> Path:
            return review.stage_review_queue(staged, out_dir, month, review_queue)

        written, _ = threaded(_call, [stage_snapshot, stage_queue], threads)
        staged.commit()
    return written


def _call(write: Callable[[], Path]) -> Path:
    return write()
