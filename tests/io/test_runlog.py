"""The logs folder: run logs and the audit trail, which no link can send elsewhere."""

from __future__ import annotations

import json
import os
import pwd
import stat
from pathlib import Path

import pytest

from benelink.errors import UsageError
from benelink.io.runlog import RunLog, audit, os_user

AUDIT_FILE = "lookups.jsonl"


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_audit_lines_name_the_account_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(variable, "mallory")
    path = audit(tmp_path, "lookup", source="naf", record_token="R-x")
    audit(tmp_path, "evaluate", month="2026-11", truth_rows=3)
    assert path == tmp_path / "logs" / AUDIT_FILE
    first, second = _lines(path)
    assert first["user"] == second["user"] == pwd.getpwuid(os.getuid()).pw_name == os_user()
    assert first["uid"] == os.getuid()
    assert (first["event"], first["record_token"]) == ("lookup", "R-x")
    assert (second["event"], second["truth_rows"]) == ("evaluate", 3)


def test_audit_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = audit(tmp_path, "lookup")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755
    path.chmod(0o666)
    audit(tmp_path, "lookup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlinked_audit_file_or_logs_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("kept\n", encoding="utf-8")
    logs = tmp_path / "out" / "logs"
    logs.mkdir(parents=True)
    (logs / AUDIT_FILE).symlink_to(target)
    with pytest.raises(UsageError, match="is a symbolic link") as refused:
        audit(tmp_path / "out", "lookup")
    assert "\n" not in str(refused.value)
    assert target.read_text(encoding="utf-8") == "kept\n"

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = tmp_path / "other"
    (other).mkdir()
    (other / "logs").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UsageError, match="logs is a symbolic link"):
        audit(other, "lookup")
    assert list(elsewhere.iterdir()) == []


def test_a_pipe_or_hard_link_is_not_an_audit_file(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    os.mkfifo(logs / AUDIT_FILE)
    with pytest.raises(UsageError, match="not a regular file"):
        audit(tmp_path, "lookup")  # and never blocks waiting for a reader
    (logs / AUDIT_FILE).unlink()
    (tmp_path / "kept.txt").write_text("", encoding="utf-8")
    os.link(tmp_path / "kept.txt", logs / AUDIT_FILE)
    with pytest.raises(UsageError, match="hard link"):
        audit(tmp_path, "lookup")


def test_logs_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "logs").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        audit(tmp_path, "lookup")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        RunLog(tmp_path, "2026-11")


def test_a_run_log_is_never_written_through_a_link(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 1, tzinfo=UTC)
    logs = tmp_path / "logs"
    logs.mkdir()
    target = tmp_path / "target"
    target.write_text("", encoding="utf-8")
    (logs / "run-2026-11-20261201T000000Z.jsonl").symlink_to(target)
    with pytest.raises(UsageError, match="symbolic link"):
        RunLog(tmp_path, "2026-11", now=now)
    assert target.read_text(encoding="utf-8") == ""
    log = RunLog(tmp_path, "2026-12", now=now)
    log.write("run_started", month="2026-12")
    log.close()
    assert _lines(log.path)[0]["event"] == "run_started"
