"""The scale bench's parts on tiny inputs: sizes, the generated config, the report, one run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

from bench.scale import ROOT, parse_sizes, run_scale, stage_seconds, write_config
from bench.scale_render import Measured, growth_summary, render
from benelink.config.load import load_config
from benelink.io.keys import load_key
from benelink.sample.build import Sample
from benelink.sample.jobseekers import UNHCR_NO


def test_sizes_accept_suffixes() -> None:
    assert parse_sizes("10k, 100K,1M,250") == (10_000, 100_000, 1_000_000, 250)
    with pytest.raises(SystemExit, match="not a number"):
        parse_sizes("ten")


def test_config_points_at_the_work_folder_and_keeps_the_sources(tmp_path: Path) -> None:
    path = write_config(ROOT / "config" / "benelink.toml", tmp_path, {"max_block_size": "77"})
    cfg = load_config(path)
    template = load_config(ROOT / "config" / "benelink.toml")
    assert cfg.incoming_dir("2026-11") == tmp_path / "incoming" / "2026-11"
    assert cfg.out_dir == tmp_path / "out"
    key_text = (tmp_path / "benelink.key").read_text(encoding="ascii").strip()
    assert load_key(cfg.run, {}, cfg.path.parent) == bytes.fromhex(key_text)
    assert (tmp_path / "benelink.key").stat().st_mode & 0o077 == 0
    assert cfg.linkage.max_block_size == 77
    assert cfg.linkage.match_threshold == template.linkage.match_threshold
    assert cfg.sources == template.sources
    # written twice, the key stays the same (a re-run must not change every token)
    key = (tmp_path / "benelink.key").read_text(encoding="ascii")
    write_config(ROOT / "config" / "benelink.toml", tmp_path)
    assert (tmp_path / "benelink.key").read_text(encoding="ascii") == key
    assert load_config(path).linkage == template.linkage  # the shipped settings, unchanged


def test_a_column_the_mess_adds_is_mapped_once(tmp_path: Path) -> None:
    """The job seekers' "UNHCR No" is mapped when the sample has it, and mapped once when
    the template maps the field already (a duplicate key would break the TOML)."""
    sample = Sample(
        months=("2026-11",),
        extracts={"2026-11": {"jobseekers": pd.DataFrame(columns=["Seeker ID", UNHCR_NO])}},
        truth=pd.DataFrame(),
        people=0,
    )
    cfg = load_config(write_config(ROOT / "config" / "benelink.toml", tmp_path, sample=sample))
    assert cfg.sources["jobseekers"].columns["unhcr_individual_id"] == UNHCR_NO
    template = tmp_path / "mapped.toml"
    text = (ROOT / "config" / "benelink.toml").read_text(encoding="utf-8")
    template.write_text(
        text.replace(
            "[sources.jobseekers.columns]\n",
            '[sources.jobseekers.columns]\nunhcr_individual_id = "Old header"\n',
        ),
        encoding="utf-8",
    )
    again = load_config(write_config(template, tmp_path, sample=sample))
    assert again.sources["jobseekers"].columns["unhcr_individual_id"] == UNHCR_NO


def test_stage_seconds_come_from_the_run_log(tmp_path: Path) -> None:
    lines = [
        {"event": "run_started"},
        {"event": "stage", "stage": "ingest", "seconds": 1.5},
        {"event": "stage", "stage": "write", "seconds": 0.25, "links": 3},
    ]
    (tmp_path / "run-2026-11-x.jsonl").write_text(
        "\n".join(json.dumps(x) for x in lines), encoding="utf-8"
    )
    assert stage_seconds(tmp_path) == {"ingest": 1.5, "write": 0.25}


def _rows() -> list[Measured]:
    run = Measured(1000, "benelink run", records=1300, seconds=20.0, peak_mb=900.0)
    run.stage_seconds = {"ingest": 1.0, "link": 6.0, "write": 2.0}
    run.quality = {"f1": 0.98}
    run.candidate_pairs = 5000
    prep = Measured(1000, "shared preparation", records=1300, seconds=10.0, peak_mb=500.0)
    splink = Measured(1000, "splink", records=1300, seconds=30.0, peak_mb=2000.0)
    splink.tool_seconds = 24.0
    splink.quality = {"f1": 0.5}
    failed = Measured(2000, "splink", status="failed", error="did not finish in 1 min")
    return [run, prep, splink, failed]


def test_report_compares_like_with_like() -> None:
    text = render(_rows(), "python -m bench.scale", {1000: 3.0}, 1)
    assert "## 1k people" in text and "## 2k people" in text
    assert "**0.50x** the time of Splink + the shared preparation" in text  # 20 / (10 + 30)
    assert "**0.67x** that of Splink's linkage process alone" in text  # 20 / 30
    assert "link stage takes **0.25x** Splink's linkage" in text  # 6 / 24
    assert "| 1k | 1,300 | 20.0 | 900 | 6.0 | 30.0 | 40.0 | 2,000 | 24.0 | 0.980 | 0.500 |" in text
    assert "splink: failed — `did not finish in 1 min`" in text


@pytest.mark.slow
def test_a_tiny_run_is_measured_end_to_end(tmp_path: Path) -> None:
    rows, generated = run_scale((300,), ("benelink",), tmp_path, timeout_minutes=3)
    (row,) = rows
    assert row.status == "ok", row.error
    assert generated[300] > 0
    assert row.records > 300 and row.peak_mb > 50
    assert {"ingest", "link", "write"} <= set(row.stage_seconds)
    assert 0.5 <= row.quality["f1"] <= 1.0
    # the sample is reused on a second pass
    _, again = run_scale((300,), ("benelink",), tmp_path, timeout_minutes=3)
    assert again[300] == 0.0


def test_results_md_summarises_the_recorded_scale_run() -> None:
    rows = _rows()
    figures = {"command": "python -m bench.scale", "rows": [asdict(r) for r in rows]}
    summary = "\n".join(growth_summary(figures))
    assert "Command: `python -m bench.scale`" in summary
    assert "| 1k | 1,300 | 20.0 |" in summary
    assert "At 1k people: benelink's whole run takes **0.50x**" in summary  # 2k: Splink failed
