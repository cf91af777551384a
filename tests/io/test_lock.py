from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from benelink.errors import LockHeldError
from benelink.io.lock import run_lock

HOLD = """
import sys, time
from pathlib import Path
from benelink.io.lock import run_lock
with run_lock(Path(sys.argv[1]), "2026-11"):
    print("held", flush=True)
    time.sleep(60)
"""


def _hold_in_subprocess(out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.mark.slow
def test_second_run_is_refused_naming_the_holder(tmp_path: Path) -> None:
    proc = _hold_in_subprocess(tmp_path)
    try:
        with pytest.raises(LockHeldError) as info, run_lock(tmp_path, "2026-11"):
            pass
        assert f"pid {proc.pid}" in str(info.value)
        assert info.value.exit_code == 4
    finally:
        _stop(proc)


@pytest.mark.slow
def test_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    proc = _hold_in_subprocess(tmp_path)
    _stop(proc)
    deadline = time.monotonic() + 5
    with run_lock(tmp_path, "2026-12") as path:
        assert '"month": "2026-12"' in path.read_text()
    assert time.monotonic() < deadline


def test_lock_is_released_after_the_block(tmp_path: Path) -> None:
    with run_lock(tmp_path, "2026-11"):
        pass
    with run_lock(tmp_path, "2026-11"):
        pass
