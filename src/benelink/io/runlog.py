"""The JSON-lines log of a run: one line per stage with its timing and counts.

A cron job has no screen; this file is what an operator reads afterwards. It
holds stage names, seconds and counts only — never a value from a record.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from benelink.errors import OutputError
from benelink.io.staging import SHARED_DIR, check_output_folder, make_dirs
from benelink.pipelines.progress import StageEvent

LOG_FILE = 0o640  # counts and stage names only; readable by the operators' group


class RunLog:
    """Appends JSON objects, one per line, to ``<out>/logs/run-<month>-<time>.jsonl``
    (or to ``filename`` in the same folder, for the look-up audit log)."""

    def __init__(
        self, out_dir: Path, month: str, now: datetime | None = None, filename: str | None = None
    ) -> None:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        folder = out_dir / "logs"
        self.path = folder / (filename or f"run-{month}-{stamp}.jsonl")
        try:
            make_dirs(folder, SHARED_DIR)
            self._handle: TextIO = self.path.open("a", encoding="utf-8")
            os.chmod(self.path, LOG_FILE)
        except OSError as exc:
            check_output_folder(out_dir)  # names a file standing where a folder belongs
            raise OutputError(
                f"{exc.filename or folder}: the run log cannot be written "
                f"({exc.strerror or type(exc).__name__}); check that [run] out names a "
                "folder on a writable volume with free space, then run again"
            ) from None

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
