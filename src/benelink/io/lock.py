"""One run at a time per output folder.

The lock is an advisory ``flock`` on ``<out>/state/run.lock``. The kernel
releases it when the holding process dies, however it dies, so a lock left by
a killed run is never "stale": the next run simply gets it. The file's content
(pid, host, month, start time) only serves to tell the second run who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from benelink.errors import LockHeldError
from benelink.io.layout import OutputLayout
from benelink.io.staging import PRIVATE_DIR, PRIVATE_FILE, make_dirs


@contextmanager
def run_lock(out_dir: Path, month: str) -> Iterator[Path]:
    """Hold the output folder's lock for the duration of the block."""
    path = OutputLayout(out_dir).lock
    make_dirs(path.parent, PRIVATE_DIR)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeldError(
                f"another benelink run holds {path} ({_holder(path)}); "
                "wait for it to finish, then run again"
            ) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "month": month,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        yield path
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return (
            f"pid {info['pid']} on {info['host']}, month {info['month']}, since {info['started']}"
        )
    except (OSError, ValueError, KeyError):
        return "holder unknown"
