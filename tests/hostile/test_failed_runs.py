"""Failed runs write nothing: a broken output folder, a failing disk, damaged state,
another key, an interrupt — one line, the right exit code, every earlier file as it was.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.helpers import document, month_files, table_file
from tests.hostile.harness import (
    MONTH,
    NAME,
    NATIONAL,
    TEST_KEY,
    Workspace,
    assert_clean_failure,
    assert_no_leak,
    digest,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

OTHER_KEY = "9c1e5b7a2f8d4036e1b9a7c5d3f2086b4e6a1c9d7f0b3e5a8c2d4f6e1a7b9c3d"


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "/mnt/full/part")


def _erofs(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EROFS, "Read-only file system", "/mnt/ro/part")


Prepare = Callable[[Workspace, pytest.MonkeyPatch], None]


def _review_fails(failure: Callable[..., None]) -> Prepare:
    """The review workbook's writer fails (a full disk, a read-only folder) while it writes."""

    def prepare(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
        mp.setattr("benelink.io.review.write_review_workbook", failure)

    return prepare


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Prepare
    exit_code: int
    words: tuple[str, ...] = ()
    month: str = MONTH
    key: str = TEST_KEY


def _file_at(part: str) -> Prepare:
    def prepare(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
        target = ws.out / part
        if target.is_dir():
            shutil.rmtree(target)
        target.write_text("not a folder\n", encoding="utf-8")

    return prepare


def _out_is_a_file(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    shutil.rmtree(ws.out)
    ws.out.write_text("a file\n", encoding="utf-8")


def _patch(target: str, failure: Callable[..., None]) -> Prepare:
    def prepare(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
        mp.setattr(target, failure)

    return prepare


def _registry(ws: Workspace) -> Path:
    return ws.out / "state" / "identities-2026-10.parquet"


def _truncate_registry(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    data = _registry(ws).read_bytes()
    _registry(ws).write_bytes(data[: len(data) // 2])


def _garbage_registry(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    _registry(ws).write_bytes(b"PAR1" + os.urandom(3000))


def _foreign_registry(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    pd.DataFrame({"name": ["x"], "number": ["y"]}).to_parquet(_registry(ws))


def _garbage_decisions(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    (ws.out / "state" / "decisions.parquet").write_bytes(b"decision,accept\n" * 20)


def _report_not_json(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    report = document(ws.out, "2026-10", "report.json")
    report.write_text(report.read_text(encoding="utf-8")[:500], encoding="utf-8")


def _beneficiaries_truncated(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    table = table_file(ws.out, "2026-10", "beneficiaries")
    table.write_bytes(table.read_bytes()[:100])


def _rebuild_under_another_key(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    _registry(ws).unlink()
    manifest = document(ws.out, "2026-10", "manifest.json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["key_fingerprint"] = "0000000000000000"
    manifest.write_text(json.dumps(data), encoding="utf-8")


def _manifest_damaged_and_registry_missing(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    _registry(ws).unlink()
    document(ws.out, "2026-10", "manifest.json").write_text("{", encoding="utf-8")


def _read_only_volume(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    real = os.statvfs

    class ReadOnly:
        def __init__(self, result: Any) -> None:
            self._result = result
            self.f_flag = result.f_flag | os.ST_RDONLY

        def __getattr__(self, name: str) -> Any:
            return getattr(self._result, name)

    mp.setattr("benelink.io.staging.os.statvfs", lambda path: ReadOnly(real(path)))


def _rename_fails_for_snapshot(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    real = Path.rename

    def rename(self: Path, target: Any) -> Any:
        if Path(target).name == f"month={MONTH}" and "reports" in Path(target).parts:
            raise OSError(errno.EIO, "Input/output error", str(target))
        return real(self, target)

    mp.setattr(Path, "rename", rename)


def _internal_error(ws: Workspace, mp: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError(f"cannot merge {NAME} {NATIONAL} " + "x" * 200)

    mp.setattr("benelink.pipelines.publish.build_links", broken)


def _raise_interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


_interrupt = _review_fails(_raise_interrupt)


CASES: tuple[Case, ...] = (
    Case("out_is_a_file", _out_is_a_file, 2, ("out", "is a file, not a folder", "[run] out")),
    Case("restricted_is_a_file", _file_at("restricted"), 2, ("restricted", "is a file")),
    Case("review_folder_is_a_file", _file_at("restricted/review"), 2, ("review", "is a file")),
    Case("snapshots_is_a_file", _file_at("snapshots"), 2, ("snapshots", "is a file")),
    Case("state_is_a_file", _file_at("state"), 2, ("state", "is a file")),
    Case("logs_is_a_file", _file_at("logs"), 2, ("logs", "is a file")),
    Case(
        "disk_full_writing_snapshot",
        _patch("benelink.io.snapshot.pq.write_table", _enospc),
        2,
        ("No space left on device", "free space", "no snapshot was written for 2026-11"),
    ),
    Case(
        "disk_full_writing_review_queue",
        _review_fails(_enospc),
        2,
        ("/mnt/full/part", "free space", "no snapshot was written"),
    ),
    Case(
        "read_only_writing_registry",
        _patch("benelink.io.state.pq.write_table", _erofs),
        2,
        ("Read-only file system", "make it writable"),
    ),
    Case(
        "disk_full_writing_rejects",
        _patch("benelink.io.snapshot.pd.DataFrame.to_csv", _enospc),
        2,
        ("No space left on device",),
    ),
    Case("read_only_volume_up_front", _read_only_volume, 2, ("read-only volume",)),
    Case("rename_fails_at_commit", _rename_fails_for_snapshot, 2, ("Input/output error",)),
    Case(
        "truncated_registry",
        _truncate_registry,
        2,
        ("identities-2026-10.parquet", "damaged", "restore it from a backup", "rebuilds"),
    ),
    Case("garbage_registry", _garbage_registry, 2, ("identities-2026-10.parquet", "damaged")),
    Case("foreign_registry", _foreign_registry, 2, ("identities-2026-10.parquet", "damaged")),
    Case(
        "unreadable_decisions",
        _garbage_decisions,
        2,
        ("decisions.parquet", "damaged", "review apply"),
    ),
    Case(
        "previous_report_not_json",
        _report_not_json,
        2,
        ("reports/month=2026-10/report.json", "not valid JSON", "re-run 2026-10"),
    ),
    Case(
        "previous_beneficiaries_truncated",
        _beneficiaries_truncated,
        2,
        ("beneficiaries.parquet", "damaged", "re-run 2026-10"),
    ),
    Case(
        "registry_missing_snapshot_under_another_key",
        _rebuild_under_another_key,
        2,
        ("cannot be rebuilt", "2026-10", "restore the state folder"),
    ),
    Case(
        "registry_missing_manifest_damaged",
        _manifest_damaged_and_registry_missing,
        2,
        ("manifest.json", "not valid JSON"),
    ),
    Case(
        "rerun_first_month_under_another_key",
        lambda ws, mp: None,
        2,
        ("identity registry of 2026-10", "rotate-key"),
        month="2026-10",
        key=OTHER_KEY,
    ),
    Case(
        "next_month_under_another_key",
        lambda ws, mp: None,
        2,
        ("not the key", "every beneficiary would get a new id"),
        key=OTHER_KEY,
    ),
    Case("internal_error", _internal_error, 1),
    Case("interrupted", _interrupt, 130, ("interrupted", "nothing was written")),
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_failed_run_writes_nothing(
    case: Case, tmp_path: Path, october: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.create(tmp_path, october)
    case.prepare(ws, monkeypatch)
    before = ws.guarded()
    out_file = ws.out.read_bytes() if ws.out.is_file() else None

    result = ws.run(case.month, key=case.key)

    line = assert_clean_failure(result, case.exit_code, case.words, before=before, workspace=ws)
    assert len(line) <= 200 or case.exit_code != 1
    if case.exit_code == 1:  # short enough for an 80-column cron mail, and names no value
        assert len(line) <= 80, line
    if out_file is not None:
        assert ws.out.read_bytes() == out_file
    else:
        leftovers = [
            str(p.relative_to(ws.out)) for p in ws.out.rglob(".incomplete-*") if p.exists()
        ]
        assert not leftovers
        assert not month_files(ws.out, case.month) or case.month != MONTH
    monkeypatch.undo()
    assert_no_leak(result, ws.out if ws.out.is_dir() else ws.root / "nothing", (NAME, NATIONAL))


def _logged_failures(out: Path) -> list[dict[str, Any]]:
    lines = [
        json.loads(line)
        for log in sorted((out / "logs").glob("run-*.jsonl"))
        for line in log.read_text(encoding="utf-8").splitlines()
    ]
    return [line for line in lines if line["event"] == "run_failed"]


def test_the_run_log_carries_the_line_that_stderr_shows(tmp_path: Path, october: Path) -> None:
    """A failed start (a missing key) still logs, with the same sentence as stderr."""
    ws = Workspace.create(tmp_path, october)
    result = ws.run(key=None)
    line = assert_clean_failure(result, 2, ("BENELINK_KEY", "benelink keygen"))
    failures = _logged_failures(ws.out)
    assert failures and failures[-1]["message"] == line and failures[-1]["exit_code"] == 2


def test_a_missing_registry_is_rebuilt_from_the_snapshots(tmp_path: Path, october: Path) -> None:
    kept = Workspace.create(tmp_path / "kept", october)
    assert kept.run().exit_code == 0
    lost = Workspace.create(tmp_path / "lost", october)
    shutil.rmtree(lost.out / "state")

    result = lost.run()

    assert result.exit_code == 0, result.output
    for ws in (kept, lost):
        assert (ws.out / "state" / f"identities-{MONTH}.parquet").is_file()
    report = json.loads(document(lost.out, MONTH, "report.json").read_text(encoding="utf-8"))
    assert report["identity_registry_rebuilt_from"] == ["2026-10"]
    # every record seen before keeps its id; the snapshots hold no person keys or record
    # digests, so only people re-registered without a known identifier may differ
    october = pd.read_parquet(table_file(kept.out, "2026-10", "records"))["record_token"]
    a, b = (
        pd.read_parquet(table_file(ws.out, MONTH, "records")).set_index("record_token")
        for ws in (kept, lost)
    )
    known = a.index.intersection(october)
    assert len(known) > 0.9 * len(a)
    assert (a.loc[known, "beneficiary_id"] == b.loc[known, "beneficiary_id"]).all()
    rebuilt, whole = (
        pd.read_parquet(ws.out / "state" / f"identities-{MONTH}.parquet").set_index("record_token")
        for ws in (lost, kept)
    )
    published = ["beneficiary_id", "first_seen_month", "last_seen_month", "id_since"]
    pd.testing.assert_frame_equal(rebuilt.loc[known, published], whole.loc[known, published])


def test_modes_are_explicit_whatever_the_umask(tmp_path: Path) -> None:
    for umask in (0o000, 0o077):
        previous = os.umask(umask)
        try:
            ws = Workspace.create(tmp_path / f"umask-{umask:o}", None)
            assert ws.run().exit_code == 0
        finally:
            os.umask(previous)
        files = month_files(ws.out, MONTH)
        assert {p.parent.stat().st_mode & 0o777 for p in files} == {0o755}
        assert {p.stat().st_mode & 0o777 for p in files} == {0o644}
        shared = (ws.out / "snapshots").iterdir()
        assert {p.stat().st_mode & 0o777 for p in shared if p.is_file()} == {0o644}
        state = ws.out / "state"
        assert state.stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in state.iterdir()} == {0o600}
        review = ws.out / "restricted" / "review" / f"month={MONTH}"
        for folder in (ws.out / "restricted", review.parent, review):
            assert folder.stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in review.iterdir()} == {0o600}
        logs = list((ws.out / "logs").iterdir())
        assert logs and all(p.stat().st_mode & 0o007 == 0 for p in logs)


@pytest.mark.slow
def test_sigterm_stops_a_run_like_ctrl_c(tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    before = ws.guarded()
    command = [sys.executable, "-m", "benelink", "run", "--config", str(ws.config)]
    proc = subprocess.Popen(
        [*command, "--month", MONTH],
        env={**os.environ, "BENELINK_KEY": TEST_KEY, "COLUMNS": "80"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any((ws.out / "logs").glob(f"run-{MONTH}-*.jsonl")):  # the run has started
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 143, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines == ["stopped by SIGTERM: nothing was written; run the command again"]
    assert ws.guarded() == before
    assert digest(ws.out, ("snapshots",)) == digest(ws.out, ("snapshots",))
    assert not list(ws.out.rglob(".incomplete-*"))
    again = subprocess.run(
        [*command, "--month", MONTH, "--quiet"],
        env={**os.environ, "BENELINK_KEY": TEST_KEY},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
