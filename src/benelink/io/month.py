"""Writing a month: the registry, the rejects, the review queue and the snapshot, all
or nothing.

Every piece is staged beside its place and moved in by one commit
(``io.staging``), registry first and snapshot last, so a snapshot never exists
without the ids it carries forward and a failure anywhere leaves every earlier
file as it was. The pieces are staged side by side on threads; the commit alone
puts them in place, in its fixed order.
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

Piece = Callable[[], Path]  # one piece of the month, staged; returns its final path


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
    model the month used, kept in the state for the months after it.

    Every piece is staged on the run's threads, the largest table first: Arrow
    writes the Parquet files outside the GIL while the review workbook and the
    rejects (Python) are written beside them.
    """
    with StagedWrites() as staged:

        def table(name: str) -> Piece:
            return lambda: snapshot.stage_table(staged, out_dir, month, name, tables[name])

        by_size = sorted(tables, key=lambda name: -tables[name].nbytes)
        pieces: list[Piece] = [
            *(table(name) for name in by_size[:1]),
            lambda: review.stage_review_queue(staged, out_dir, month, review_queue),
            lambda: state.stage_registry(staged, out_dir, month, registry, fingerprint),
            lambda: snapshot.stage_rejects(staged, out_dir, month, rejects),
            *(table(name) for name in by_size[1:]),
        ]
        if model is not None:
            pieces.append(lambda: state.stage_model(staged, out_dir, month, model))
        if caseload_lists:
            pieces.append(
                lambda: caseloads.stage_caseload_lists(staged, out_dir, month, caseload_lists)
            )
        pieces.append(lambda: snapshot.stage_documents(staged, out_dir, month, documents, tables))
        *_, written = threaded(_call, pieces, threads)  # the documents' folder comes last
        staged.commit()
    return written


def _call(write: Piece) -> Path:
    return write()
