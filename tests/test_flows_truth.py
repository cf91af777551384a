"""The sample's flows, as the report gives them, against the flows of its truth.

The truth file says which records are one person; the partner files say who is
on which programme and each job seeker's status. The same definitions
(``pipelines.flows``) applied to the true people must give the report's figures,
give or take the few records the linkage gets wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd

from benelink.pipelines.flows import paired, programme_flows
from benelink.standardize.codes import employment_status
from tests.helpers import SAMPLE, document


def _true_people(month: str, truth: dict[str, dict[str, str]]) -> pd.DataFrame:
    book = openpyxl.load_workbook(SAMPLE / month / "naf.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    naf_ids = {str(r[0]) for r in rows[1:] if r and r[0] is not None}
    unhcr = pd.read_csv(SAMPLE / month / "unhcr.csv", dtype=str)
    seekers = pd.read_csv(SAMPLE / month / "jobseekers.csv", dtype=str)
    naf = {truth["naf"][i] for i in naf_ids if i in truth["naf"]}
    refugees = set(unhcr["Individual ID"].map(truth["unhcr"]).dropna())
    seekers = seekers.assign(
        person=seekers["Seeker ID"].map(truth["jobseekers"]),
        status=seekers["Status"].map(
            lambda v: employment_status(v) if isinstance(v, str) else None
        ),
    ).dropna(subset=["person"])
    latest = seekers.sort_values("Registration Date").drop_duplicates("person", keep="last")
    latest = latest.set_index("person")
    people = pd.DataFrame({"beneficiary_id": sorted(naf | refugees | set(latest.index))})
    ids = people["beneficiary_id"]
    return people.assign(
        in_naf=ids.isin(naf),
        in_unhcr=ids.isin(refugees),
        in_jobseekers=ids.isin(set(latest.index)),
        employment_status=ids.map(latest["status"]),
        officer=ids.map(latest["Officer"]),
    )


def test_report_flows_are_the_true_flows(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    truth_frame = pd.read_csv(SAMPLE / "truth.csv", dtype=str)
    truth = {
        source: dict(zip(group["source_record_id"], group["person_id"], strict=True))
        for source, group in truth_frame.groupby("source")
    }
    true = programme_flows(paired(_true_people("2026-11", truth), _true_people("2026-10", truth)))
    report = json.loads(document(out, "2026-11", "report.json").read_text())
    for kind in ("naf", "unhcr", "cash_assistance"):
        for name in (
            "entered",
            "left",
            "moved_into_work",
            "moved_out_of_work",
            "left_while_in_work",
        ):
            found, expected = report["flows"][kind][name], true[kind][name]
            assert abs(found - expected) <= max(2, expected // 10), (kind, name, found, expected)
