"""The JSON-lines log of a run: one line per stage with its timing and counts.

A cron job has no screen; this file is what an operator reads afterwards. It
holds stage names, seconds and counts only — never a value from a record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from benelink.pipelines.progress import StageEvent


class RunLog:
    """Appends JSON objects, one per line, to ``<out>/logs/run-<month>-<time>.jsonl``
    (or to ``filename`` in the same folder, for the look-up audit log)."""

    def __init__(
        self, out_dir: Path, month: str, now: datetime | None = None, filename: str | None = None
    ) -> None:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        folder = out_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / (filename or f"run-{month}-{stamp}.jsonl")
        self._handle: TextIO = self.path.open("a", encoding="utf-8")

    def write(self, event: str, **fields: Any) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
        record.update(fields)
        self._handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    # --- RunObserver: one line per finished stage, with its timing and counts ---
    def stage_started(self, stage: str, total: int | None, unit: str) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_sized(self, stage: str, total: int, unit: str) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_advanced(self, stage: str, amount: int) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_finished(self, event: StageEvent) -> None:
        self.write("stage", stage=event.stage, seconds=round(event.seconds, 3), **event.counts)
