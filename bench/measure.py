"""Running one tool in its own process and measuring it: wall time, peak memory, timeout.

Peak memory is the child's own high-water resident set size, ``VmHWM`` in
``/proc/<pid>/status``: it belongs to the process's address space, so it
starts afresh at ``exec`` and includes DuckDB's threads and allocations. (The
``ru_maxrss`` that ``wait4``/``RUSAGE_CHILDREN`` report is not usable here:
on Linux a child inherits the parent's high-water mark across fork+exec, so
every tool would show at least the harness's own memory.) The worker reports
its final ``VmHWM`` itself; the parent polls it too, for a child it has to kill.

A tool that starts worker processes of its own (benelink does, to standardise
and tokenise a large month) is measured as a whole: every poll also sums the
resident memory of all processes in the child's session, and the peak is the
larger of that sum and the main process's ``VmHWM``.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ChildRun:
    """How a child process ended and what it cost."""

    returncode: int | None
    wall_seconds: float
    peak_rss_mb: float  # polled; the worker's own final figure is exact
    timed_out: bool
    stderr_tail: str


def peak_rss_mb(pid: int | str = "self") -> float:
    """High-water resident memory of a process in MB (``ru_maxrss`` where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    if pid != "self":
        return 0.0
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def session_rss_mb(session: int) -> float:
    """Resident memory of every process in ``session`` (a tool and its workers), summed, in MB."""
    pages = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # after the name: state, ppid, pgrp, session, ...
            pages += int(fields[21])  # rss, in pages
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def run_child(args: list[str], timeout_seconds: float, cwd: Path, stderr_path: Path) -> ChildRun:
    """Run ``args`` in a new session; kill the whole session if it outlives the timeout."""
    started = time.perf_counter()
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
        timed_out = False
        polled = 0.0
        while proc.poll() is None:
            polled = max(polled, peak_rss_mb(proc.pid), session_rss_mb(proc.pid))
            if time.perf_counter() - started > timeout_seconds:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - started
    tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    return ChildRun(proc.returncode, wall, polled, timed_out, tail)
