"""What the person who keeps the cron job alive reads: help, usage errors, the run log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benelink import __version__
from benelink.cli import app
from tests.helpers import SAMPLE, TEST_KEY, config_for

runner = CliRunner()
RUN = [sys.executable, "-m", "benelink"]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [*RUN, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", **(env or {})},
        timeout=120,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"benelink {__version__}"


def test_run_help_keeps_its_install_hint_and_shows_no_bool_metavars() -> None:
    result = runner.invoke(app, ["run", "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert "benelink[spark]" in " ".join(result.output.split())
    assert "<bool>" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize(
    "args",
    [["run", "--bogus"], ["run", "--engine", "foo"], ["nosuch"], ["run", "--quiet=3"]],
)
def test_a_usage_error_is_one_line_without_python_words(args: list[str]) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "--help" in lines[0]
    for word in ("Value error", "Traceback", "╭", "Input should", "type="):
        assert word not in lines[0]


def test_a_configuration_error_speaks_no_pydantic(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "benelink.toml")
    text = config.read_text().replace("match_threshold = 0.9", 'match_threshold = "high"')
    config.write_text(text)
    result = runner.invoke(app, ["validate", "--config", str(config), "--month", "2026-11"])
    assert result.exit_code == 2
    assert "linkage.match_threshold: must be a valid number (found 'high')" in result.output
    assert "Input should" not in result.output and "unable to parse" not in result.output


@pytest.mark.parametrize(
    ("month", "key"),
    [("2026-13", TEST_KEY), ("2026-11", ""), ("2026-11", "abc")],
    ids=["not_a_month", "empty_key", "weak_key"],
)
def test_a_run_that_fails_to_start_logs_the_same_line_as_stderr(
    month: str, key: str, tmp_path: Path
) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "benelink.toml")
    done = _cli(
        "run", "--config", str(config), "--month", month, "--quiet", env={"BENELINK_KEY": key}
    )
    assert done.returncode == 2
    [log] = (tmp_path / "out" / "logs").glob("run-*.jsonl")
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in events] == ["run_started", "run_failed"]
    assert events[-1]["message"] == done.stderr.strip()
    assert events[-1]["exit_code"] == 2


def test_validate_reads_at_80_columns_and_names_the_real_rejects_file(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "benelink.toml")
    config.write_text(
        config.read_text().replace("max_reject_rate = 0.05", "max_reject_rate = 0.0001")
    )
    done = _cli("validate", "--config", str(config), "--month", "2026-11")
    assert done.returncode == 3
    assert all(len(line) <= 80 for line in done.stdout.splitlines())
    words = done.stdout.split()
    for code in ("missing_record_id", "phone_not_in_known_ranges"):  # reason codes whole
        assert any(w.startswith(code) for w in words), done.stdout
    rejects = str(tmp_path / "out" / "rejects" / "month=2026-11" / "rejects.csv")
    assert "<month>" not in done.stdout + done.stderr
    assert rejects in done.stderr


def test_the_stage_timer_shows_each_stage_s_own_time() -> None:
    """Stages of a small month take under a second, and a bar can fill before its stage
    ends: the timer shows the stage's own time in tenths, never 0:00:00."""
    from rich.progress import Progress

    from benelink.cli.run import StageTime

    progress = Progress()
    short = progress.add_task("link", total=1, seconds=None)
    progress.update(short, completed=1, seconds=1.26)
    long = progress.add_task("write", total=1, seconds=None)
    progress.update(long, completed=1, seconds=75.0)
    column = StageTime()
    assert column.render(progress.tasks[short]).plain == "1.3 s"
    assert column.render(progress.tasks[long]).plain == "1 min 15 s"
