"""Hostile partner files through the CLI: one clear line, the right exit code,
rejects where rows are salvageable, the earlier snapshot untouched, no
personal value anywhere. The cases live in tests/fixtures/bad/cases.py; the
``october`` output folder comes from this package's conftest.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from benelink.cli import app
from benelink.config.load import load_config
from benelink.pipelines.check import check_month
from benelink.pipelines.ingest import load_source
from benelink.pipelines.validate import validate_source
from tests.fixtures.bad.cases import CASES, MONTH, ROWS, Case, junk_100k, month_folder
from tests.helpers import TEST_KEY, config_for, month_files

pytestmark = pytest.mark.cli  # runs benelink through its command line

runner = CliRunner()
ENV = {"BENELINK_KEY": TEST_KEY}


def _digest(out: Path, month: str) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in month_files(out, month)
    }


def _setup(case: Case, root: Path, october: Path) -> tuple[Path, Path]:
    folder = month_folder(root)
    case.build(folder)
    out = root / "out"
    shutil.copytree(october, out)
    config = config_for(root / "incoming", out, root / "benelink.toml")
    if case.config is not None:
        config.write_text(case.config(config.read_text(encoding="utf-8")), encoding="utf-8")
    return config, out


def _rejected_unbroken(source: str, root: Path) -> int:
    """Rows of ``source`` rejected in the month folder before the case broke it."""
    folder = month_folder(root)
    config = load_config(config_for(root / "incoming", root / "out", root / "c.toml"))
    return validate_source(load_source(source, config.sources[source], folder)).rejected_rows


def _one_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _assert_no_secret(case: Case, *texts: str) -> None:
    for secret in case.secrets:
        for text in texts:
            assert secret not in text, f"{case.name}: a planted personal value leaked"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case: Case, tmp_path: Path, october: Path) -> None:
    config, out = _setup(case, tmp_path, october)
    before = _digest(out, "2026-10")

    result = runner.invoke(app, ["run", "--config", str(config), "--month", MONTH], env=ENV)

    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exit_code == case.exit_code, result.output
    assert _digest(out, "2026-10") == before
    written = out / "reports" / f"month={MONTH}"
    leftovers = [p.name for p in out.glob("*/.*")] + [p.name for p in out.glob("snapshots/*/.*")]
    assert not leftovers
    logs = "".join(p.read_text(encoding="utf-8") for p in (out / "logs").glob("*.jsonl"))
    rejects_path = out / "rejects" / f"month={MONTH}" / "rejects.csv"
    rejects_text = rejects_path.read_text(encoding="utf-8") if rejects_path.is_file() else ""
    _assert_no_secret(case, result.output, logs, rejects_text)
    if case.exit_code == 0:
        assert written.is_dir()
        assert result.stderr.strip() == ""
        inputs = json.loads((written / "manifest.json").read_text(encoding="utf-8"))["inputs"]
        assert {i["source"]: i["rows"] for i in inputs}[case.source] == ROWS
        if rejects_path.is_file():
            rejects = pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
            found = set(rejects.loc[rejects["source"] == case.source, "reason"])
            assert not found & set(case.forbidden), found
    else:
        assert not written.exists()
        line = _one_line(result)
        for word in case.words:
            assert word in line, f"{case.name}: {word!r} not in {line!r}"
    if case.reasons:
        rejects = pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
        mine = rejects[rejects["source"] == case.source]
        assert set(case.reasons) <= set(mine["reason"]), set(mine["reason"])
        assert mine["row_number"].str.fullmatch(r"\d+").all()
        # each line tells the partner what to fix
        assert (mine.loc[mine["reason"].isin(case.reasons), "what_to_do"] != "").all()
    if case.dropped:
        lines = mine[mine["reason"].isin(case.reasons)]
        assert (lines["action"] == "value_dropped").all()
        inputs = json.loads((written / "manifest.json").read_text(encoding="utf-8"))["inputs"]
        rejected = {i["source"]: i["rejected_rows"] for i in inputs}[case.source]
        assert rejected == _rejected_unbroken(case.source, tmp_path / "unbroken"), (
            "a dropped value rejected a row"
        )

    if case.check_validate:
        checked = runner.invoke(app, ["validate", "--config", str(config), "--month", MONTH])
        expected = case.exit_code if case.validate_exit is None else case.validate_exit
        assert checked.exit_code == expected, checked.output
        assert "Traceback" not in checked.output and "internal error" not in checked.output
        assert case.source[:5] in checked.stdout or case.exit_code == 2
        _assert_no_secret(case, checked.output)
        if case.exit_code == 0:
            assert checked.stderr.strip() == ""
        if case.exit_code == 2 or (case.exit_code == 3 and not case.reasons):
            line = _one_line(checked)
            assert case.words[-1] in line or case.name == "missing_file"
        assert _digest(out, "2026-10") == before


def test_validate_names_the_over_limit_source_in_one_line(tmp_path: Path) -> None:
    """`SourceCheck.problem` is the line `benelink run` would stop with, minus the path."""
    folder = month_folder(tmp_path)
    junk_100k(folder, 10_000)
    config = load_config(config_for(tmp_path / "incoming", tmp_path / "out", tmp_path / "c.toml"))
    checks = {c.source: c for c in check_month(config, MONTH)}
    assert checks["naf"].problem is None and checks["unhcr"].problem is None
    problem = checks["jobseekers"].problem
    assert problem is not None and "\n" not in problem
    assert problem.startswith("jobseekers.csv: ")
    assert "rows rejected" in problem and "max_reject_rate for [sources.jobseekers]" in problem
    assert not (tmp_path / "out").exists()


def test_there_are_at_least_25_cases_and_all_kinds_of_outcome() -> None:
    assert len(CASES) >= 25
    assert {c.exit_code for c in CASES} == {0, 2, 3}
    assert len({c.name for c in CASES}) == len(CASES)


def test_the_error_line_keeps_the_config_section_in_brackets(tmp_path: Path, october: Path) -> None:
    case = next(c for c in CASES if c.name == "renamed_column")
    config, _ = _setup(case, tmp_path, october)
    result = runner.invoke(app, ["run", "--config", str(config), "--month", MONTH], env=ENV)
    assert "[sources.jobseekers.columns]" in _one_line(result)
