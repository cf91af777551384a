"""Hostile input to the commands around the run: text that looks like console markup or
carries terminal escapes, encoded partner files, and the audit trail of the questions only
a key holder can ask (the review files a reviewer returns: test_review_files.py).

Every case starts from a workspace (October already run, November's files at hand) and
asserts the promises of the harness: the exit code, one line on refusal, nothing written
on failure, no planted value anywhere — and no terminal escape byte on the screen.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import random
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import Result

from benelink.anonymize.keys import parse_key
from benelink.anonymize.tokens import record_token
from tests.fixtures.bad.cases import csv_frame
from tests.helpers import SAMPLE, document, table_file
from tests.hostile.harness import (
    ARABIC_NAME,
    MONTH,
    NAME,
    NATIONAL,
    PHONE,
    TEST_KEY,
    Workspace,
    assert_clean_failure,
    assert_no_leak,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

OTHER_KEY = "9c1e5b7a2f8d4036e1b9a7c5d3f2086b4e6a1c9d7f0b3e5a8c2d4f6e1a7b9c3d"
MARKUP = ("[/]", "[bold]", "[link=http://example.org]")
# what a terminal acts on: ESC (and so every CSI / OSC sequence), BEL, C1 CSI and OSC
TERMINAL_BYTES = ("\x1b", "\x07", "\x9b", "\x9d")
# a wide screen, so that table cells holding a name are not wrapped where a case reads them
WIDE = {"COLUMNS": "240"}


def assert_terminal_safe(result: Result) -> None:
    """No byte a terminal would act on reached stdout or stderr."""
    for byte in TERMINAL_BYTES:
        assert byte not in result.stdout + result.stderr, f"{byte!r} reached the terminal"


# --- markup and terminal escapes --------------------------------------------------------------


def _seeker(ws: Workspace, row: int) -> tuple[str, str]:
    """The record id of a November job seeker, and their beneficiary id after the run."""
    frame = pd.read_csv(ws.folder / "jobseekers.csv", dtype=str, keep_default_na=False)
    seeker = frame.loc[row, "Seeker ID"]
    token = record_token(parse_key(TEST_KEY, "the tests"), "jobseekers", seeker)
    records = pd.read_parquet(table_file(ws.out, MONTH, "records"))
    found = records.loc[records["record_token"] == token, "beneficiary_id"]
    assert len(found) == 1
    return seeker, str(found.iloc[0])


def _markup_in_partner_values(ws: Workspace) -> None:
    frame = csv_frame("jobseekers")
    frame.loc[0:40, "Officer"] = "[/]Rania [bold]Haddad[link=http://example.org]"
    frame.loc[0:40, "Governorate"] = "[bold]Amman[/]"
    frame.loc[3, ["Full Name", "National Number", "Mobile"]] = [NAME, NATIONAL, PHONE]
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)
    run = ws.run()
    assert run.exit_code == 0, run.output
    seeker, beneficiary = _seeker(ws, 0)
    history = ws.invoke("history", "--beneficiary", beneficiary, env=WIDE)
    assert history.exit_code == 0, history.output
    assert beneficiary in history.stdout
    # brackets are no part of a staff name: the officer is dropped (officer_not_a_name), so
    # the markup-looking text reaches neither the snapshot nor the screen
    assert "[bold]" not in history.stdout
    lookup = ws.invoke("lookup", "--source", "jobseekers", "--id", seeker, env=WIDE)
    assert lookup.exit_code == 0, lookup.output
    assert beneficiary in lookup.stdout
    for result in (run, history, lookup):
        assert "Traceback" not in result.output and result.stderr == ""
        assert_terminal_safe(result)
        assert_no_leak(result, ws.out)


def _markup_in_source_name(ws: Workspace) -> None:
    name = "[b]j[/]"
    ws.edit_config(lambda t: t.replace("[sources.jobseekers", f'[sources."{name}"'))
    run = ws.run(env=WIDE)
    assert run.exit_code == 0, run.output
    assert name in run.stdout
    checked = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert checked.exit_code == 0, checked.output
    assert name in checked.stdout
    for result in (run, checked):
        assert_terminal_safe(result)
        assert_no_leak(result, ws.out)


def _markup_in_file_name(ws: Workspace) -> None:
    name = "j[b]s[i].csv"
    (ws.folder / "jobseekers.csv").rename(ws.folder / name)
    ws.edit_config(lambda t: t.replace('file = "jobseekers.csv"', f'file = "{name}"'))
    run = ws.run(env=WIDE)
    assert run.exit_code == 0, run.output
    assert name in run.stdout
    checked = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert checked.exit_code == 0, checked.output
    assert name in checked.stdout
    for result in (run, checked):
        assert_terminal_safe(result)
        assert_no_leak(result, ws.out)


def _escape_in_header(ws: Workspace) -> None:
    """A partner header that retitles the terminal, and is also the one that is missing."""
    frame = csv_frame("jobseekers").rename(columns={"Officer": "\x1b]0;pwned\x07Officer"})
    frame.loc[3, ["Full Name", "Mobile"]] = [NAME, PHONE]
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)
    before = ws.guarded()
    result = ws.invoke("validate", "--month", MONTH, env=WIDE)
    line = assert_clean_failure(result, 3, ["'Officer'", "closest"], before=before, workspace=ws)
    assert "pwned" not in line  # the whole escape sequence is gone, not only its ESC
    assert "jobseekers" in result.stdout
    assert_terminal_safe(result)
    assert_no_leak(result, ws.out)


def _markup_in_the_error_line(ws: Workspace) -> None:
    """A missing configured header that looks like markup is named as written."""
    ws.edit_config(lambda t: t.replace('officer = "Officer"', 'officer = "[/]Officer[bold]"'))
    before = ws.guarded()
    result = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert_clean_failure(result, 3, ["'[/]Officer[bold]'"], before=before, workspace=ws)
    assert_terminal_safe(result)


# --- encoded sources --------------------------------------------------------------------------


def _encode(ws: Workspace, source: str) -> str:
    """`benelink encode` of one of November's files; returns the encoded file's name."""
    name = f"{source}.encoded.parquet"
    result = ws.invoke(
        "encode", "--source", source, "--month", MONTH, "--out", str(ws.folder / name)
    )
    assert result.exit_code == 0, result.output
    return name


def _declare_encoded(ws: Workspace, source: str, name: str) -> None:
    """The source's section of the configuration says the file is encoded."""

    def change(text: str) -> str:
        block = re.search(
            rf"(?s)\[sources\.{source}\]\n.*?(?=\n\[sources\.{source}\.columns\])", text
        )
        assert block is not None
        section = f'[sources.{source}]\nfile = "{name}"\nkind = "{source}"\nformat = "encoded"\n'
        return text.replace(block.group(0), section)

    ws.edit_config(change)


def _encoded_naf(ws: Workspace) -> None:
    _declare_encoded(ws, "naf", _encode(ws, "naf"))
    (ws.folder / "naf.xlsx").unlink()


def _validate_encoded(ws: Workspace) -> None:
    _encoded_naf(ws)
    result = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "naf.encoded.parquet" in result.stdout and "key not checked" not in result.stdout
    assert_terminal_safe(result)
    assert_no_leak(result, ws.out)


def _validate_encoded_without_key(ws: Workspace) -> None:
    _encoded_naf(ws)
    result = ws.invoke("validate", "--month", MONTH, env=WIDE, key=None)
    assert result.exit_code == 0, result.output
    assert "key not checked" in result.stdout


def _validate_encoded_other_key(ws: Workspace) -> None:
    _encoded_naf(ws)
    before = ws.guarded()
    result = ws.invoke("validate", "--month", MONTH, env=WIDE, key=OTHER_KEY)
    assert_clean_failure(
        result, 2, ["fingerprint", "naf.encoded.parquet"], before=before, workspace=ws
    )


def _validate_encoded_damaged(ws: Workspace) -> None:
    _encoded_naf(ws)
    (ws.folder / "naf.encoded.parquet").write_bytes(random.Random(14).randbytes(3000))
    before = ws.guarded()
    result = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert_clean_failure(
        result, 3, ["naf.encoded.parquet", "benelink encode"], before=before, workspace=ws
    )


def _all_sources_encoded(ws: Workspace) -> None:
    frame = csv_frame("jobseekers")
    frame.loc[3, ["Full Name", "National Number", "Mobile"]] = [NAME, NATIONAL, PHONE]
    frame.loc[5, "Full Name"] = ARABIC_NAME
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)
    for source, raw in (
        ("naf", "naf.xlsx"),
        ("unhcr", "unhcr.csv"),
        ("jobseekers", "jobseekers.csv"),
    ):
        _declare_encoded(ws, source, _encode(ws, source))
        (ws.folder / raw).unlink()  # the raw files never reach the run
    checked = ws.invoke("validate", "--month", MONTH, env=WIDE)
    assert checked.exit_code == 0, checked.output
    result = ws.run()
    assert result.exit_code == 0, result.output
    report = json.loads(document(ws.out, MONTH, "report.json").read_text(encoding="utf-8"))
    assert {i["file"] for i in report["inputs"]} == {
        "naf.encoded.parquet",
        "unhcr.encoded.parquet",
        "jobseekers.encoded.parquet",
    }
    people = pd.read_parquet(table_file(ws.out, MONTH, "beneficiaries"))
    assert people["in_naf"].any() and people["in_unhcr"].any() and people["in_jobseekers"].any()
    # everyone seen in October and again now keeps their id, though no clear file came
    october = pd.read_parquet(table_file(ws.out, "2026-10", "beneficiaries"))
    assert people["beneficiary_id"].isin(october["beneficiary_id"]).mean() > 0.5
    for run in (checked, result):
        assert_terminal_safe(run)
        assert_no_leak(run, ws.out)


# --- the audit trail --------------------------------------------------------------------------

AUDIT = Path("logs") / "lookups.jsonl"


def _october_seeker() -> str:
    frame = pd.read_csv(SAMPLE / "2026-10" / "jobseekers.csv", dtype=str, keep_default_na=False)
    return str(frame.loc[0, "Seeker ID"])


def _lookup(ws: Workspace, **kwargs: object) -> Result:
    return ws.invoke("lookup", "--source", "jobseekers", "--id", _october_seeker(), **kwargs)  # type: ignore[arg-type]


def _audit_lines(ws: Workspace) -> list[dict[str, object]]:
    text = (ws.out / AUDIT).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _symlinked_audit_file(ws: Workspace) -> None:
    elsewhere = ws.root / "someone-elses.txt"
    elsewhere.write_text("not a log\n", encoding="utf-8")
    (ws.out / "logs").mkdir(exist_ok=True)
    (ws.out / AUDIT).symlink_to(elsewhere)
    before = ws.guarded()
    result = _lookup(ws)
    assert_clean_failure(result, 2, ["lookups.jsonl", "symbolic link"], before=before, workspace=ws)
    assert elsewhere.read_text(encoding="utf-8") == "not a log\n"
    assert "B-" not in result.stdout  # no answer without its audit line


def _symlinked_logs_folder(ws: Workspace) -> None:
    elsewhere = ws.root / "elsewhere"
    shutil.move(ws.out / "logs", elsewhere)
    (ws.out / "logs").symlink_to(elsewhere, target_is_directory=True)
    listing = sorted(p.name for p in elsewhere.iterdir())
    before = ws.guarded()
    result = _lookup(ws)
    assert_clean_failure(result, 2, ["logs", "symbolic link"], before=before, workspace=ws)
    assert sorted(p.name for p in elsewhere.iterdir()) == listing


def _audit_mode_under_umask_000(ws: Workspace) -> None:
    shutil.rmtree(ws.out / "logs")
    old = os.umask(0)
    try:
        result = _lookup(ws)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((ws.out / AUDIT).stat().st_mode) == 0o600
    assert not stat.S_IMODE((ws.out / "logs").stat().st_mode) & 0o022  # nobody else writes
    (ws.out / AUDIT).chmod(0o644)  # an older file: tightened at the next look-up
    again = _lookup(ws)
    assert again.exit_code == 0, again.output
    assert stat.S_IMODE((ws.out / AUDIT).stat().st_mode) == 0o600
    assert len(_audit_lines(ws)) == 2
    assert_no_leak(again, ws.out)


def _audit_names_the_real_user(ws: Workspace) -> None:
    result = _lookup(ws, env={"USER": "mallory", "LOGNAME": "mallory", "USERNAME": "mallory"})
    assert result.exit_code == 0, result.output
    (line,) = _audit_lines(ws)
    assert line["event"] == "lookup"
    assert line["user"] == pwd.getpwuid(os.getuid()).pw_name != "mallory"
    assert line["uid"] == os.getuid()
    assert _october_seeker() not in (ws.out / AUDIT).read_text(encoding="utf-8")
    assert_terminal_safe(result)
    assert_no_leak(result, ws.out)


def _evaluate_is_audited(ws: Workspace) -> None:
    truth = SAMPLE / "truth.csv"
    result = ws.invoke("evaluate", "--month", "2026-10", "--truth", str(truth))
    assert result.exit_code == 0, result.output
    (line,) = _audit_lines(ws)
    rows = pd.read_csv(truth, dtype=str, keep_default_na=False)
    assert line["event"] == "evaluate" and line["month"] == "2026-10"
    assert line["truth_sha256"] == hashlib.sha256(truth.read_bytes()).hexdigest()
    assert line["truth_rows"] == len(rows)
    assert line["user"] == pwd.getpwuid(os.getuid()).pw_name
    text = (ws.out / AUDIT).read_text(encoding="utf-8")
    assert not any(r in text for r in rows["source_record_id"].head(50))
    assert stat.S_IMODE((ws.out / AUDIT).stat().st_mode) == 0o600
    assert_no_leak(result, ws.out)


@dataclass(frozen=True)
class Case:
    name: str
    play: Callable[[Workspace], None]


CASES: list[Case] = [
    Case("markup_in_officer_and_governorate", _markup_in_partner_values),
    Case("markup_in_source_name", _markup_in_source_name),
    Case("markup_in_file_name", _markup_in_file_name),
    Case("escape_sequence_in_missing_header", _escape_in_header),
    Case("markup_in_missing_configured_header", _markup_in_the_error_line),
    Case("validate_encoded_source", _validate_encoded),
    Case("validate_encoded_source_without_key", _validate_encoded_without_key),
    Case("validate_encoded_source_other_key", _validate_encoded_other_key),
    Case("validate_encoded_source_damaged", _validate_encoded_damaged),
    Case("run_with_every_source_encoded", _all_sources_encoded),
    Case("lookup_audit_file_symlinked", _symlinked_audit_file),
    Case("lookup_logs_folder_symlinked", _symlinked_logs_folder),
    Case("lookup_audit_mode_under_umask_000", _audit_mode_under_umask_000),
    Case("lookup_audit_ignores_user_environment", _audit_names_the_real_user),
    Case("evaluate_is_audited", _evaluate_is_audited),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_command(case: Case, tmp_path: Path, october: Path) -> None:
    case.play(Workspace.create(tmp_path, october))


def test_escape_sequence_in_missing_header_through_run(tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    frame = csv_frame("jobseekers").rename(columns={"Officer": "\x1b]0;pwned\x07Officer"})
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)
    before = ws.guarded()
    result = ws.run()
    assert_clean_failure(result, 3, ["'Officer'"], before=before, workspace=ws)
    assert_terminal_safe(result)
