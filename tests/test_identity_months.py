"""Identity across months through the CLI: a month of byte-identical files keeps every id
and every decision (the model is kept), and a month where partners re-registered people
under new record ids keeps their ids through their national numbers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from benelink.anonymize.tokens import record_token
from benelink.cli import app
from tests.helpers import SAMPLE, TEST_KEY, config_for, document, table_file

pytestmark = pytest.mark.cli

KEY = bytes.fromhex(TEST_KEY)
MONTHS = ("2026-10", "2026-11", "2026-12")
RE_REGISTERED = 25  # rows per source given a new record id in December


def _re_register(folder: Path) -> list[tuple[str, str, str]]:
    """Give some NAF and job-seeker rows with a national number a new record id; returns
    (source, old id, new id)."""
    changed: list[tuple[str, str, str]] = []
    book = openpyxl.load_workbook(folder / "naf.xlsx")
    sheet = book.active
    assert sheet is not None
    numbers = [row[1].value for row in sheet.iter_rows(min_row=2)]
    for row in sheet.iter_rows(min_row=2):
        record, number = row[0], row[1].value
        if number and numbers.count(number) == 1 and len(changed) < RE_REGISTERED:
            changed.append(("naf", str(record.value), f"9{record.value}"))
            record.value = f"9{record.value}"
    book.save(folder / "naf.xlsx")
    seekers = pd.read_csv(folder / "jobseekers.csv", dtype=str, keep_default_na=False)
    unique = seekers["National Number"].map(seekers["National Number"].value_counts()) == 1
    chosen = seekers.index[(seekers["National Number"] != "") & unique][:RE_REGISTERED]
    for i in chosen:
        old = seekers.at[i, "Seeker ID"]
        seekers.at[i, "Seeker ID"] = old.replace("JS-", "JS-9")
        changed.append(("jobseekers", old, seekers.at[i, "Seeker ID"]))
    seekers.to_csv(folder / "jobseekers.csv", index=False)
    return changed


@pytest.fixture(scope="module")
def three_months(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[tuple[str, str, str]]]:
    root = tmp_path_factory.mktemp("identity")
    incoming = root / "incoming"
    for month in MONTHS:  # November: October's files, byte for byte
        shutil.copytree(SAMPLE / "2026-10", incoming / month)
    changed = _re_register(incoming / "2026-12")
    config = config_for(incoming, root / "out", root / "benelink.toml")
    for month in MONTHS:
        result = CliRunner().invoke(
            app, ["run", "--config", str(config), "--month", month], env={"BENELINK_KEY": TEST_KEY}
        )
        assert result.exit_code == 0, result.output
    return root / "out", changed


def _snapshot(out: Path, month: str, table: str) -> pd.DataFrame:
    return pd.read_parquet(table_file(out, month, table))


def _report(out: Path, month: str) -> dict:  # type: ignore[type-arg]
    text = document(out, month, "report.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_identical_files_keep_every_id_and_every_decision(
    three_months: tuple[Path, list[tuple[str, str, str]]],
) -> None:
    out, _ = three_months
    october, november = (_snapshot(out, m, "records") for m in MONTHS[:2])
    both = october.merge(november, on="record_token", suffixes=("_oct", "_nov"))
    assert len(both) == len(october) == len(november)
    assert (both["beneficiary_id_oct"] == both["beneficiary_id_nov"]).all()
    pairs = ["left_token", "right_token"]
    links = [_snapshot(out, m, "links").set_index(pairs).sort_index() for m in MONTHS[:2]]
    assert links[0].index.equals(links[1].index)
    assert (links[0]["decision"] == links[1]["decision"]).all()  # no pair flips
    assert (links[0]["probability"] == links[1]["probability"]).all()
    people = _report(out, "2026-11")["beneficiaries"]
    assert (people["new"], people["exited"], people["returning"]) == (0, 0, 0)
    assert people["continuing"] == people["total"] and not people["merges"] and not people["splits"]
    model = _report(out, "2026-11")["linkage"]["model"]
    assert (model["status"], model["fitted_month"]) == ("kept", "2026-10")
    assert _report(out, "2026-10")["linkage"]["model"]["status"] == "fitted"


def test_re_registered_people_keep_their_ids(
    three_months: tuple[Path, list[tuple[str, str, str]]],
) -> None:
    out, changed = three_months
    november = _snapshot(out, "2026-11", "records").set_index("record_token")["beneficiary_id"]
    december = _snapshot(out, "2026-12", "records").set_index("record_token")["beneficiary_id"]
    assert len(changed) == 2 * RE_REGISTERED
    for source, old, new in changed:
        assert record_token(KEY, source, new) in december.index
        assert december[record_token(KEY, source, new)] == november[record_token(KEY, source, old)]
    assert set(december) == set(november)  # nobody new, nobody gone
    people = _report(out, "2026-12")["beneficiaries"]
    assert (people["new"], people["exited"], people["returning"]) == (0, 0, 0)
    assert people["continuing"] == people["total"]
    # people whose only record was re-registered kept their id through their national number
    assert 0 < people["re_registered"] <= len(changed)
    html = document(out, "2026-12", "report.html").read_text(encoding="utf-8")
    assert "re-registered" in html and "Link model: kept, fitted in 2026-10" in html
