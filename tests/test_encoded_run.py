"""A partner sends its file encoded (`benelink encode`); `benelink run` links it with the
clear sources, and the result stays as good as linking everything in the clear."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from benelink.cli import app
from tests.helpers import (
    SAMPLE,
    TEST_KEY,
    check_snapshot,
    config_for,
    document,
    evaluate_through_cli,
    table_file,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

runner = CliRunner()
ENV = {"BENELINK_KEY": TEST_KEY}


def test_run_with_an_encoded_naf_file(tmp_path: Path) -> None:
    incoming = tmp_path / "in"
    shutil.copytree(SAMPLE / "2026-11", incoming / "2026-11")
    partner = config_for(incoming, tmp_path / "partner-out", tmp_path / "partner.toml")
    encoded = incoming / "2026-11" / "naf.encoded.parquet"
    result = runner.invoke(
        app,
        [
            "encode",
            "--config",
            str(partner),
            "--source",
            "naf",
            "--month",
            "2026-11",
            "--out",
            str(encoded),
        ],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    (incoming / "2026-11" / "naf.xlsx").unlink()  # the raw file never reaches the run

    text = partner.read_text(encoding="utf-8")
    block = re.search(r"(?s)\[sources\.naf\].*?(?=\n# UNHCR)", text)
    assert block is not None
    text = text.replace(
        block.group(0),
        '[sources.naf]\nfile = "naf.encoded.parquet"\nkind = "naf"\nformat = "encoded"\n',
    )
    config = tmp_path / "b.toml"
    config.write_text(
        text.replace(str(tmp_path / "partner-out"), str(tmp_path / "out")), encoding="utf-8"
    )
    run = runner.invoke(
        app, ["run", "--config", str(config), "--month", "2026-11", "--quiet"], env=ENV
    )
    assert run.exit_code == 0, run.output

    figures = evaluate_through_cli(config, "2026-11", tmp_path / "quality.json")
    assert figures["f1"] >= 0.99
    assert figures["by_source_pair"]["jobseekers~naf"]["f1"] >= 0.99
    report = json.loads(document(tmp_path / "out", "2026-11", "report.json").read_text())
    assert {i["file"] for i in report["inputs"]} >= {"naf.encoded.parquet"}
    check_snapshot(
        tmp_path / "out", "2026-11"
    )  # the output models hold for a run with an encoded source


def test_run_where_every_partner_sent_an_encoded_file(tmp_path: Path) -> None:
    """No clear file at all: the run links three encoded files, as well as in the clear."""
    incoming = tmp_path / "in"
    shutil.copytree(SAMPLE / "2026-11", incoming / "2026-11")
    partner = config_for(incoming, tmp_path / "partner-out", tmp_path / "partner.toml")
    text = partner.read_text(encoding="utf-8")
    for source, raw in (
        ("naf", "naf.xlsx"),
        ("unhcr", "unhcr.csv"),
        ("jobseekers", "jobseekers.csv"),
    ):
        encoded = incoming / "2026-11" / f"{source}.encoded.parquet"
        args = ["encode", "--config", str(partner), "--source", source, "--month", "2026-11"]
        result = runner.invoke(app, [*args, "--out", str(encoded)], env=ENV)
        assert result.exit_code == 0, result.output
        (incoming / "2026-11" / raw).unlink()
        block = re.search(
            rf"(?s)\[sources\.{source}\]\n.*?(?=\n\[sources\.{source}\.columns\])", text
        )
        assert block is not None
        text = text.replace(
            block.group(0),
            f'[sources.{source}]\nfile = "{encoded.name}"\nkind = "{source}"\nformat = "encoded"\n',
        )
    config = tmp_path / "b.toml"
    config.write_text(
        text.replace(str(tmp_path / "partner-out"), str(tmp_path / "out")), encoding="utf-8"
    )
    checked = runner.invoke(
        app, ["validate", "--config", str(config), "--month", "2026-11"], env=ENV
    )
    assert checked.exit_code == 0, checked.output
    run = runner.invoke(app, ["run", "--config", str(config), "--month", "2026-11"], env=ENV)
    assert run.exit_code == 0, run.output
    assert "internal error" not in run.output

    figures = evaluate_through_cli(config, "2026-11", tmp_path / "quality.json")
    assert figures["f1"] >= 0.99
    people = pd.read_parquet(table_file(tmp_path / "out", "2026-11", "beneficiaries"))
    assert people[["in_naf", "in_unhcr", "in_jobseekers"]].all(axis=1).any()
    assert people["birth_year"].isna().all()  # encoded records carry birth codes, no year
    check_snapshot(
        tmp_path / "out", "2026-11"
    )  # and the output models hold with no clear source at all
