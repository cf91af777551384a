"""Months are merged in order, or rebuilt in order.

Each month's ids are carried forward from the month before, so a month run
out of order builds on the wrong past: April run before March, then March,
leaves April's ids as they were without March — and nothing would say so.
A run of a month that has later snapshots is therefore refused and pointed
at ``benelink rebuild --from <month>``, which runs that month and every later
one again, in order. A month whose previous calendar month has partner files
but no snapshot is refused too, once a series has begun: that month was
skipped, and its people would count as exited and then as new.
"""

from __future__ import annotations

from collections.abc import Callable

from benelink.config.model import BenelinkConfig
from benelink.errors import UsageError
from benelink.io import snapshot
from benelink.pipelines.ingest import check_month_files


def previous_month(month: str) -> str:
    """The calendar month before ``month`` (YYYY-MM)."""
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def check_order(cfg: BenelinkConfig, month: str, *, rebuilding: bool = False) -> None:
    """Refuse to run ``month`` out of order (see the module's docstring)."""
    done = snapshot.snapshot_months(cfg.out_dir)
    later = [m for m in done if m > month]
    if later and not rebuilding:
        more = f" and {len(later) - 1} later month(s)" if len(later) > 1 else ""
        raise UsageError(
            f"the snapshot of {later[0]}{more} exists already: re-running {month} alone would "
            f"leave {later[0]} built on the old {month}. Run `benelink rebuild --from {month}` "
            f"to run {month} and every later month again, in order"
        )
    before = previous_month(month)
    if not any(m < month for m in done) or before in done or "{month}" not in cfg.run.incoming:
        return
    if cfg.incoming_dir(before).is_dir() and len(check_month_files(cfg, before)) < len(cfg.sources):
        raise UsageError(
            f"{before} has partner files in {cfg.incoming_dir(before)} but no snapshot: run "
            f"{before} first (`benelink run --month {before}`), or move that folder away if "
            "those files are not to be merged"
        )


def months_to_rebuild(cfg: BenelinkConfig, start: str) -> list[str]:
    """``start`` and every later month that has a snapshot, in order."""
    return [start, *(m for m in snapshot.snapshot_months(cfg.out_dir) if m > start)]


def rebuild(
    cfg: BenelinkConfig, start: str, run: Callable[[str], object]
) -> list[tuple[str, object]]:
    """Run ``start`` and every later month again, oldest first, with ``run(month)``.

    A failure stops the rebuild at that month: the months before it are rebuilt,
    the month and the later ones are as they were (each run writes all or
    nothing), and running the rebuild again from that month finishes it.
    """
    done = []
    for month in months_to_rebuild(cfg, start):
        done.append((month, run(month)))
    return done
