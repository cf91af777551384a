"""Per-officer caseload lists by the registry's record ids: restricted/ only, when asked."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benelink.cli import app
from tests.helpers import SAMPLE, TEST_KEY, config_for, document

pytestmark = pytest.mark.cli


def test_lists_go_to_restricted_only_and_hold_the_registry_ids(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "benelink.toml")
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "officer_caseload_lists = false", "officer_caseload_lists = true"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["run", "--config", str(config), "--month", "2026-11"], env={"BENELINK_KEY": TEST_KEY}
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    report = json.loads(document(out, "2026-11", "report.json").read_text())
    folder = out / report["caseload_lists"]
    assert folder.relative_to(out).parts[0] == "restricted"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    lists = sorted(folder.glob("*.csv"))
    assert len(lists) == len(report["officers"]) > 0
    pages = {p.stem for p in document(out, "2026-11", "report.html").parent.glob("officer-*.html")}
    assert {p.stem for p in lists} == pages
    people = {}
    for path in lists:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all(r["source_record_id"].startswith("JS-") for r in rows)
        assert all(r["beneficiary_id"].startswith("B-") for r in rows)
        people[path.stem] = len({r["beneficiary_id"] for r in rows})
    by_officer = {o["officer"]: o["job_seekers"] for o in report["officers"]}
    assert sorted(people.values()) == sorted(by_officer.values())
