"""Writing the per-officer caseload lists into ``restricted/officers/month=YYYY-MM/``.

They hold the registry's own record ids, so they go where the review queue
goes: a folder of the owner's alone (0700, files 0600), moved in with the
month's other files or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from benelink.io.cells import defuse
from benelink.io.layout import OutputLayout
from benelink.io.staging import PRIVATE_DIR, PRIVATE_FILE, StagedWrites, make_dirs

CASELOAD_ORDER = 2  # with the review queue: before the snapshot that points to them


def stage_caseload_lists(
    staged: StagedWrites,
    out_dir: Path,
    month: str,
    lists: Mapping[str, tuple[str, pd.DataFrame]],
) -> Path:
    """One CSV per officer (``lists``: officer -> (file name, rows)) in a staged folder."""
    layout = OutputLayout(out_dir)
    target = layout.caseload_lists(month)
    for folder in (layout.restricted, target.parent):
        make_dirs(folder, PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
    folder = staged.folder(target, order=CASELOAD_ORDER, mode=PRIVATE_DIR)
    for file_name, rows in lists.values():
        safe = rows.astype(object).map(
            lambda v: None if pd.api.types.is_scalar(v) and pd.isna(v) else defuse(v)
        )
        safe.to_csv(folder / file_name, index=False, lineterminator="\n", encoding="utf-8-sig")
    staged.seal(folder, PRIVATE_FILE)
    return target
