"""Reading the monthly snapshots a period report covers, and writing the report.

The snapshots are read through ``io.snapshot`` only (its months, folders and
tables), so the period report follows the snapshot layout wherever it goes.
The report's files are staged and moved into place together.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from benelink.io import snapshot
from benelink.io.layout import OutputLayout
from benelink.io.staging import SHARED_DIR, SHARED_FILE, StagedWrites, make_dirs
from benelink.pipelines.period import PERIOD_COLUMNS, MonthPeople, Period


def _month_people(out_dir: Path, month: str) -> MonthPeople:
    folder = snapshot.month_dir(out_dir, month)
    people = snapshot.read_table(folder, "beneficiaries", PERIOD_COLUMNS)
    merges: tuple[tuple[str, str], ...] = ()
    if (folder / "report.json").is_file():
        found = snapshot.read_json(folder / "report.json").get("beneficiaries", {}).get("merges")
        merges = tuple((str(m["absorbed"]), str(m["kept"])) for m in found or [])
    return MonthPeople(month, people, merges)


def read_period(out_dir: Path, period: Period) -> tuple[list[MonthPeople], MonthPeople | None]:
    """The snapshots inside ``period`` (oldest first), and the last one before it."""
    available = snapshot.snapshot_months(out_dir)
    inside = [m for m in available if period.first <= m <= period.last]
    earlier = [m for m in available if m < period.first]
    before = _month_people(out_dir, earlier[-1]) if earlier and inside else None
    return [_month_people(out_dir, m) for m in inside], before


def write_period_report(out_dir: Path, name: str, files: Mapping[str, str | bytes]) -> Path:
    """``files`` (file name -> content) written into the period's folder, all or nothing."""
    final = OutputLayout(out_dir).period_report(name)
    make_dirs(final.parent, SHARED_DIR)
    with StagedWrites() as staged:
        folder = staged.folder(final, order=0, mode=SHARED_DIR)
        for file_name, content in files.items():
            target = folder / file_name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        staged.seal(folder, SHARED_FILE)
        staged.commit()
    return final
