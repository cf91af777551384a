"""Weaker records through the CLI: a row that lacks some fields is kept, linked on what it
has and counted; only a row that cannot be a record is rejected.

Non-Jordanian NAF beneficiaries have no national number, UNHCR extracts hold rows with a
case number and no individual id, a job seeker may be listed by national number alone.
Each case writes such rows into November's files, runs the month and checks that every
row is in the snapshot (the rejected-row count is the unbroken month's), linked where the
person is known elsewhere, counted by ``pipelines.weaker`` as the report counts it, and
that no planted value leaks. The last cases score a month with rejected rows: over every
record of the month and over the kept ones, the figures differ as they should.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from benelink.anonymize.keys import parse_key
from benelink.anonymize.tokens import record_tokens
from benelink.config.load import load_config
from benelink.pipelines.ingest import load_source
from benelink.pipelines.sources import prepare_month
from benelink.pipelines.validate import validate_source
from benelink.pipelines.weaker import weaker_records
from tests.fixtures.bad.cases import ROWS, csv_frame, month_folder, naf_rows, write_book
from tests.helpers import SAMPLE, config_for, document, table_file
from tests.hostile.harness import (
    ARABIC_NAME,
    MONTH,
    NAME,
    NATIONAL,
    TEST_KEY,
    Workspace,
    assert_no_leak,
)

CASES = (
    "naf_without_national_numbers_linked_to_unhcr",
    "naf_fifth_without_national_numbers",
    "naf_source_mapping_no_national_number",
    "unhcr_case_number_without_individual_id",
    "name_and_birth_date_only",
    "identifier_without_name_linked_on_it",
    "nameless_row_with_an_invalid_identifier_rejected",
    "evaluate_over_all_records_and_kept_only",
    "evaluate_without_the_month_files",
)
KEY = parse_key(TEST_KEY, "the tests")
NN, NAF_ID = "الرقم الوطني", "رقم السجل"
NAF_NAMES = ("الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة")
NATIONALITY = "الجنسية"


# --- building the month ------------------------------------------------------------------


def _full_naf() -> list[list[Any]]:
    book = openpyxl.load_workbook(SAMPLE / MONTH / "naf.xlsx", read_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _truth() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "truth.csv", dtype=str, keep_default_na=False)


def _people(source: str, ids: Iterable[str]) -> dict[str, str]:
    truth = _truth()
    mine = truth[truth["source"] == source].set_index("source_record_id")["person_id"]
    return {i: mine[i] for i in ids if i in mine.index}


def _naf_unhcr_overlap() -> tuple[list[list[Any]], pd.DataFrame]:
    """NAF rows and UNHCR rows of the people on both lists in November (all of them)."""
    rows = _full_naf()
    unhcr = pd.read_csv(SAMPLE / MONTH / "unhcr.csv", dtype=str, keep_default_na=False)
    naf_people = _people("naf", (str(r[rows[0].index(NAF_ID)]) for r in rows[1:]))
    unhcr_people = _people("unhcr", unhcr["Individual ID"])
    both = set(naf_people.values()) & set(unhcr_people.values())
    at = rows[0].index(NAF_ID)
    naf = [r for r in rows[1:] if naf_people.get(str(r[at])) in both]
    return naf, unhcr[unhcr["Individual ID"].map(unhcr_people).isin(both)]


def _write_naf(folder: Path, rows: list[list[Any]]) -> None:
    write_book(folder / "naf.xlsx", rows)


def _ids(rows: Sequence[Sequence[Any]], header: str, header_row: Sequence[Any]) -> list[str]:
    at = list(header_row).index(header)
    return [str(r[at]) for r in rows]


# --- reading the result ------------------------------------------------------------------


def _beneficiaries(ws: Workspace, source: str, ids: Iterable[str]) -> list[str | None]:
    """The beneficiary id of each record (None: not in the snapshot)."""
    records = pd.read_parquet(table_file(ws.out, MONTH, "records"))
    by_token = dict(zip(records["record_token"], records["beneficiary_id"], strict=True))
    ids = list(ids)
    tokens = record_tokens(pd.Series([source] * len(ids)), pd.Series(ids), KEY)
    return [by_token.get(t) for t in tokens]


def _rejected(ws: Workspace) -> dict[str, int]:
    manifest = document(ws.out, MONTH, "manifest.json")
    inputs = json.loads(manifest.read_text(encoding="utf-8"))["inputs"]
    return {i["source"]: int(i["rejected_rows"]) for i in inputs}


def _unbroken_rejected(root: Path) -> dict[str, int]:
    """Rows of each source rejected in the cut month before a case changed it."""
    folder = month_folder(root)
    config = load_config(config_for(root / "incoming", root / "out", root / "c.toml"))
    return {
        name: validate_source(load_source(name, config.sources[name], folder)).rejected_rows
        for name in config.sources
    }


def _without(ws: Workspace, source: str) -> dict[str, int]:
    """What the report counts for ``source``: its records linked without each field."""
    cfg = load_config(ws.config)
    records = prepare_month(cfg, MONTH, None).records
    return weaker_records(records, cfg.sources)[source]["without"]


def _ok(ws: Workspace, *secrets: str) -> None:
    result = ws.run()
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ""
    assert_no_leak(result, ws.out, secrets)


@pytest.fixture
def ws(tmp_path: Path, october: Path) -> Workspace:
    return Workspace.create(tmp_path, october)


# --- the cases -----------------------------------------------------------------------------


def test_naf_without_national_numbers_linked_to_unhcr(ws: Workspace, tmp_path: Path) -> None:
    """The people on NAF and UNHCR lists, their NAF rows without a national number (as a
    Syrian household's are): kept, each linked to its UNHCR record, and counted."""
    naf, unhcr = _naf_unhcr_overlap()
    assert len(naf) >= 5, "the sample has people on both lists"
    rows = naf_rows()
    header = rows[0]
    at_id, at_nn, at_nat = header.index(NAF_ID), header.index(NN), header.index(NATIONALITY)
    present = set(_ids(rows[1:], NAF_ID, header))
    rows += [r for r in naf if str(r[at_id]) not in present]
    overlap = {str(r[at_id]) for r in naf}
    for row in rows[1:]:
        if str(row[at_id]) in overlap:
            row[at_nn], row[at_nat] = None, "سوري"
    rows[1][header.index("الاسم الأول")] = ARABIC_NAME  # planted: must not leak
    _write_naf(ws.folder, rows)
    cut = csv_frame("unhcr")
    extra = unhcr[~unhcr["Individual ID"].isin(cut["Individual ID"])]
    pd.concat([cut, extra]).to_csv(ws.folder / "unhcr.csv", index=False)

    _ok(ws, ARABIC_NAME)
    assert _rejected(ws)["naf"] == _unbroken_rejected(tmp_path / "unbroken")["naf"]
    naf_ids = [str(r[at_id]) for r in naf]
    naf_people = _people("naf", naf_ids)
    unhcr_of = {p: i for i, p in _people("unhcr", unhcr["Individual ID"]).items()}
    in_naf = _beneficiaries(ws, "naf", naf_ids)
    in_unhcr = _beneficiaries(ws, "unhcr", [unhcr_of[naf_people[i]] for i in naf_ids])
    assert None not in in_naf, "a NAF record without a national number was lost"
    assert in_naf == in_unhcr, "a NAF record without a national number is not linked to UNHCR"
    assert _without(ws, "naf")["national_number"] >= len(naf)


def test_naf_fifth_without_national_numbers(ws: Workspace, tmp_path: Path) -> None:
    """A fifth of the NAF list without national numbers (four times the default reject
    limit): the run succeeds, every row kept, each counted."""
    rows = naf_rows()
    at = rows[0].index(NN)
    before = sum(1 for r in rows[1:] if r[at] in (None, ""))
    blanked = 0
    for i, row in enumerate(rows[1:]):
        if i % 5 == 2:
            blanked += row[at] not in (None, "")
            row[at] = None
    rows[7][at] = NATIONAL  # a planted national number on a kept row: must not leak
    _write_naf(ws.folder, rows)

    _ok(ws, NATIONAL)
    assert _rejected(ws)["naf"] == _unbroken_rejected(tmp_path / "unbroken")["naf"]
    records = pd.read_parquet(table_file(ws.out, MONTH, "records"))
    assert (records["source"] == "naf").sum() == ROWS - _rejected(ws)["naf"]
    assert _without(ws, "naf")["national_number"] >= blanked + before
    assert blanked >= ROWS // 5 - 1


def test_naf_source_mapping_no_national_number(ws: Workspace) -> None:
    """A NAF list that has no national-number column at all: the configuration leaves it
    out, and the records are linked on names, birth dates and phones."""
    rows = naf_rows()
    at = rows[0].index(NN)
    _write_naf(ws.folder, [r[:at] + r[at + 1 :] for r in rows])
    ws.edit_config(lambda text: text.replace('national_number = "الرقم الوطني"\n', "", 1))

    _ok(ws)
    assert "national_number" not in _without(ws, "naf")
    checked = ws.invoke("validate", "--month", MONTH)
    assert checked.exit_code == 0, checked.output


def test_unhcr_case_number_without_individual_id(ws: Workspace, tmp_path: Path) -> None:
    """UNHCR rows with a case number and a name but no individual id (the record id is a
    column of its own): kept and counted, not rejected as before."""
    frame = csv_frame("unhcr")
    frame.insert(0, "Record No", [f"U-{i:05d}" for i in range(len(frame))])
    blank = frame.index % 10 == 3
    frame.loc[blank, "Individual ID"] = ""
    frame.loc[frame.index[blank][0], "Given Name"] = NAME
    frame.to_csv(ws.folder / "unhcr.csv", index=False)
    ws.edit_config(
        lambda text: text.replace(
            'source_record_id = "Individual ID"', 'source_record_id = "Record No"', 1
        )
    )

    _ok(ws, NAME)
    assert _rejected(ws)["unhcr"] == 0
    got = _beneficiaries(ws, "unhcr", frame.loc[blank, "Record No"])
    assert None not in got
    assert _without(ws, "unhcr")["unhcr_individual_id"] >= int(blank.sum())


def test_name_and_birth_date_only(ws: Workspace, tmp_path: Path) -> None:
    """Job seekers with nothing but a name and a birth date (no national number, phone,
    sex, governorate, nationality): kept, and linked where the name and date agree."""
    frame = csv_frame("jobseekers")
    bare = frame.index % 4 == 1
    for column in ("National Number", "Mobile", "Gender", "Governorate", "Nationality"):
        frame.loc[bare, column] = ""
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)

    _ok(ws)
    unbroken = _unbroken_rejected(tmp_path / "unbroken")["jobseekers"]
    assert _rejected(ws)["jobseekers"] == unbroken
    ids = frame.loc[bare, "Seeker ID"]
    ids = ids[ids.str.strip() != ""]
    kept = _beneficiaries(ws, "jobseekers", ids)
    assert sum(b is None for b in kept) <= unbroken
    without = _without(ws, "jobseekers")
    assert without["national_number"] >= int(bare.sum()) - unbroken
    assert without["phone"] >= int(bare.sum()) - unbroken


def test_identifier_without_name_linked_on_it(ws: Workspace) -> None:
    """Job seekers listed by national number with no name, who are on the NAF list: kept
    and linked to their NAF record on the national number alone."""
    frame = csv_frame("jobseekers")
    rows = naf_rows()
    at_nn, at_id = rows[0].index(NN), rows[0].index(NAF_ID)
    naf_of = {str(r[at_nn]): str(r[at_id]) for r in rows[1:] if r[at_nn]}
    shared = frame.index[frame["National Number"].isin(list(naf_of))][:6]
    assert len(shared) >= 4
    frame.loc[shared, "Full Name"] = ""
    frame.to_csv(ws.folder / "jobseekers.csv", index=False)

    _ok(ws)
    seekers = _beneficiaries(ws, "jobseekers", frame.loc[shared, "Seeker ID"])
    naf = _beneficiaries(ws, "naf", [naf_of[n] for n in frame.loc[shared, "National Number"]])
    assert None not in seekers, "a record with an identifier but no name was lost"
    assert seekers == naf, "a nameless record is not linked on its national number"
    assert _without(ws, "jobseekers")["name"] >= len(shared)


def test_nameless_row_with_an_invalid_identifier_rejected(ws: Workspace) -> None:
    """No name, and a national number that lost its leading zero: nothing names the person;
    the row is rejected with both reasons, and what to do, for the partner."""
    rows = naf_rows()
    header = rows[0]
    target = rows[5]
    for part in NAF_NAMES:
        target[header.index(part)] = None
    target[header.index(NN)] = "991287346"  # nine digits
    _write_naf(ws.folder, rows)

    _ok(ws)
    rejects = pd.read_csv(
        ws.out / "rejects" / f"month={MONTH}" / "rejects.csv", dtype=str, keep_default_na=False
    )
    mine = rejects[(rejects["source"] == "naf") & (rejects["row_number"] == "6")]
    assert set(zip(mine["reason"], mine["action"], strict=True)) == {
        ("missing_name", "row_rejected"),
        ("invalid_national_number", "value_dropped"),
    }
    assert (mine["what_to_do"] != "").all()
    assert "991287346" not in rejects.to_csv()
    assert _beneficiaries(ws, "naf", [str(target[header.index(NAF_ID)])]) == [None]


def _reject_linked_naf_rows(ws: Workspace, n: int) -> list[str]:
    """``n`` NAF rows of people also in the job-seeker file, stripped of their name and
    national number (rejected: nothing names them); their record ids."""
    rows = naf_rows()
    header = rows[0]
    seekers = set(_people("jobseekers", csv_frame("jobseekers")["Seeker ID"]).values())
    naf_people = _people("naf", _ids(rows[1:], NAF_ID, header))
    chosen = [r for r in rows[1:] if naf_people.get(str(r[header.index(NAF_ID)])) in seekers][:n]
    for row in chosen:
        for part in (*NAF_NAMES, NN):
            row[header.index(part)] = None
    _write_naf(ws.folder, rows)
    return [str(r[header.index(NAF_ID)]) for r in chosen]


def _evaluate(ws: Workspace, target: Path) -> tuple[str, dict[str, Any]]:
    result = ws.invoke(
        "evaluate", "--month", MONTH, "--truth", str(SAMPLE / "truth.csv"), "--json", str(target)
    )
    assert result.exit_code == 0, result.output
    return result.stdout, json.loads(target.read_text(encoding="utf-8"))


def test_evaluate_over_all_records_and_kept_only(ws: Workspace, tmp_path: Path) -> None:
    """A month whose rejected NAF rows belong to job seekers: over every record of the
    month those pairs are missed; kept only, they are not counted at all."""
    lost = _reject_linked_naf_rows(ws, 8)
    _ok(ws)
    assert _rejected(ws)["naf"] == _unbroken_rejected(tmp_path / "unbroken")["naf"] + len(lost)

    shown, figures = _evaluate(ws, tmp_path / "quality.json")
    assert set(figures) >= {"precision", "recall", "f1", "by_source_pair", "kept_only"}
    assert figures["records_missing"]["naf"] == len(lost)
    assert figures["records_missing"]["jobseekers"] == 0
    kept, everyone = figures["kept_only"], figures
    pair = "jobseekers~naf"
    assert everyone["by_source_pair"][pair]["truth_pairs"] >= (
        kept["by_source_pair"][pair]["truth_pairs"] + len(lost)
    )
    assert everyone["recall"] < kept["recall"] and everyone["f1"] < kept["f1"]
    assert everyone["precision"] == kept["precision"]
    assert everyone["by_source_pair"][pair]["recall"] < kept["by_source_pair"][pair]["recall"]
    assert set(figures["truth_scope"].values()) == {"month_files"}
    # the month's other records of the two-month truth file are not counted as missing
    assert sum(figures["records_missing"].values()) == len(lost)
    assert "naf 8 of" in shown and "kept only" in shown
    assert_no_leak(None, ws.out, (NAME, NATIONAL), json.dumps(figures))


def test_evaluate_without_the_month_files(ws: Workspace, tmp_path: Path) -> None:
    """The month's files moved away after the run: every truth record of the source is
    scored, and the output says so."""
    _ok(ws)
    (ws.folder / "jobseekers.csv").unlink()
    shown, figures = _evaluate(ws, tmp_path / "quality.json")
    assert figures["truth_scope"]["jobseekers"] == "truth_file"
    assert figures["truth_scope"]["naf"] == "month_files"
    assert "could not be read" in shown and "jobseekers" in shown
