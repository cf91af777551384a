"""What a cron job relies on: exit codes, --month previous, --quiet, the JSON-lines log,
identical re-runs, and key rotation that keeps beneficiary ids."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from benelink.cli import app, resolve_month
from benelink.errors import UsageError
from tests.helpers import SAMPLE, TEST_KEY, config_for, document, month_files, table_file

runner = CliRunner()
ENV = {"BENELINK_KEY": TEST_KEY}


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("previous", date(2026, 11, 25), "2026-10"),
        ("previous", date(2027, 1, 3), "2026-12"),
        ("2026-11", date(2026, 11, 25), "2026-11"),
    ],
)
def test_month_resolution(text: str, today: date, expected: str) -> None:
    assert resolve_month(text, today) == expected


@pytest.mark.parametrize("text", ["2026-13", "26-11", "November", "2026-1"])
def test_bad_months_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        resolve_month(text, date(2026, 11, 25))


@pytest.mark.cli
def test_rerun_gives_byte_identical_tables_and_manifest_but_timestamps(
    two_months: tuple[Path, Path],
) -> None:
    config, out = two_months
    files = [p for p in month_files(out, "2026-11") if p.name != "manifest.json"]
    # three tables, report.json, report.html, and a page per published officer
    assert len([p for p in files if not p.name.startswith("officer-")]) == 5
    assert any(p.name.startswith("officer-") for p in files)
    before = {p: p.read_bytes() for p in files}
    manifest = json.loads(document(out, "2026-11", "manifest.json").read_text())
    result = runner.invoke(
        app, ["run", "--config", str(config), "--month", "2026-11", "--quiet"], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in files} == before
    again = json.loads(document(out, "2026-11", "manifest.json").read_text())
    for varying in ("created_at", "stage_seconds"):
        manifest.pop(varying), again.pop(varying)
    assert again == manifest


@pytest.mark.cli
def test_run_log_has_one_line_per_stage_with_counts(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    logs = sorted((out / "logs").glob("run-2026-11-*.jsonl"))
    lines = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert lines[0]["event"] == "run_started" and lines[-1]["event"] == "run_finished"
    stages = [line["stage"] for line in lines if line["event"] == "stage"]
    assert stages == [
        "ingest",
        "validate",
        "standardize",
        "pseudonymize",
        "link",
        "persist",
        "write",
    ]
    link = next(line for line in lines if line.get("stage") == "link")
    assert link["candidate_pairs"] > 0 and link["seconds"] >= 0


@pytest.mark.cli
def test_unexpected_error_exits_1_without_traceback(
    two_months: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = two_months

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Mohammad Al-Hariri 9851234567")  # a message that must not be shown

    monkeypatch.setattr("benelink.pipelines.monthly.link_records", broken)
    result = runner.invoke(app, ["run", "--config", str(config), "--month", "2026-11"], env=ENV)
    assert result.exit_code == 1
    assert "RuntimeError" in result.stderr
    assert "Mohammad" not in result.output and "9851234567" not in result.output
    assert "Traceback" not in result.output


HOLD_LOCK = """
import sys, time
from pathlib import Path
from benelink.io.lock import run_lock
with run_lock(Path(sys.argv[1]), "2026-11"):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.mark.cli
@pytest.mark.slow
def test_second_concurrent_run_exits_4_naming_the_holder(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "out")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = runner.invoke(app, ["run", "--config", str(config), "--month", "2026-11"], env=ENV)
        assert result.exit_code == 4
        assert f"pid {holder.pid}" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


@pytest.mark.cli
def test_key_rotation_keeps_beneficiary_ids(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml")
    assert (
        runner.invoke(
            app, ["run", "--config", str(config), "--month", "2026-10", "--quiet"], env=ENV
        ).exit_code
        == 0
    )
    new_key = "01af64ee1da157b179749fb4e463d9d0b1e1e03d910a2b58ecf1e033c2837a0b"
    refused = runner.invoke(
        app, ["run", "--config", str(config), "--month", "2026-11"], env={"BENELINK_KEY": new_key}
    )
    assert refused.exit_code == 2 and "rotate-key" in refused.stderr
    rotated = runner.invoke(
        app,
        ["rotate-key", "--config", str(config), "--months", "2026-10"],
        env={**ENV, "BENELINK_NEW_KEY": new_key},
    )
    assert rotated.exit_code == 0, rotated.output
    result = runner.invoke(
        app,
        ["run", "--config", str(config), "--month", "2026-11", "--quiet"],
        env={"BENELINK_KEY": new_key},
    )
    assert result.exit_code == 0, result.output
    october = pd.read_parquet(table_file(tmp_path / "out", "2026-10", "beneficiaries"))
    november = pd.read_parquet(table_file(tmp_path / "out", "2026-11", "beneficiaries"))
    kept = november["beneficiary_id"].isin(october["beneficiary_id"]).mean()
    assert kept > 0.95
    report = json.loads(document(tmp_path / "out", "2026-11", "report.json").read_text())
    assert report["beneficiaries"]["continuing"] > 0.95 * len(october)
