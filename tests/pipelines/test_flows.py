"""Flows between two months on a handful of people whose stories are known."""

from __future__ import annotations

import pandas as pd

from benelink.pipelines.caseloads import centre_row, officer_rows
from benelink.pipelines.flows import carried, paired, programme_flows, stock


def _people(rows: list[tuple[str, bool, bool, str | None, str | None]]) -> pd.DataFrame:
    """(id, on NAF, job seeker, status, officer) -> a beneficiaries frame."""
    return pd.DataFrame(
        {
            "beneficiary_id": [r[0] for r in rows],
            "in_naf": [r[1] for r in rows],
            "in_unhcr": [False] * len(rows),
            "in_jobseekers": [r[2] for r in rows],
            "employment_status": pd.array([r[3] for r in rows], dtype="string[pyarrow]"),
            "officer": pd.array([r[4] for r in rows], dtype="string[pyarrow]"),
        }
    )


LAST = _people(
    [
        ("B-A", True, True, "unemployed", "Suha"),  # finds a job, stays on NAF
        ("B-B", True, True, "employed", "Suha"),  # loses it
        ("B-C", True, True, "self_employed", "Omar"),  # leaves NAF while self-employed
        ("B-D", True, False, None, None),  # leaves NAF and every source
        ("B-E", True, True, "unemployed", "Omar"),  # starts training
        ("B-F", False, True, "unemployed", "Omar"),  # not on NAF: in no NAF flow
    ]
)
NOW = _people(
    [
        ("B-A", True, True, "employed", "Suha"),
        ("B-B", True, True, "unemployed", "Suha"),
        ("B-C", False, True, "self_employed", "Omar"),
        ("B-E", True, True, "in_training", "Omar"),
        ("B-F", False, True, "employed", "Omar"),
        ("B-G", True, True, "self_employed", "Suha"),  # new, already in work: no move
    ]
)


def test_each_story_lands_in_its_flow() -> None:
    naf = programme_flows(paired(NOW, LAST))["naf"]
    assert naf["beneficiaries_last_month"] == 5
    assert (naf["entered"], naf["left"]) == (1, 2)  # B-G; B-C and B-D
    assert naf["moved_into_work"] == 1 and naf["moved_into_employment"] == 1  # B-A
    assert naf["moved_out_of_work"] == 1  # B-B
    assert naf["moved_into_training"] == 1  # B-E
    assert naf["left_while_in_work"] == 1  # B-C
    assert naf["left_while_in_work_share"] == 0.5
    assert naf["into_work_rate"] == round(1 / 2, 4)  # B-A of B-A, B-E (B-C was in work)
    assert naf["exit_rate"] == round(2 / 5, 4)


def test_stock_counts_self_employed_apart() -> None:
    assert stock(NOW, "naf") == {
        "beneficiaries": 4,
        "job_seekers": 4,
        "in_training": 1,
        "employed": 1,
        "self_employed": 1,
        "in_work": 2,
    }


def test_officers_and_the_centre() -> None:
    pairs = paired(NOW, LAST)
    rows = {r["officer"]: r for r in officer_rows(pairs, compared=True)}
    assert rows["Omar"]["moved_into_work"] == 1  # B-F
    assert rows["Omar"]["job_seekers"] == 3 and rows["Omar"]["job_seekers_last_month"] == 3
    assert rows["Suha"]["new_this_month"] == 1  # B-G
    centre = centre_row(pairs, compared=True)
    assert centre["job_seekers"] == 6 and centre["moved_into_work"] == 2
    first = officer_rows(paired(NOW, NOW.iloc[:0]), compared=False)
    assert all(
        r["moved_into_work"] is None and r["new_this_month"] == r["job_seekers"] for r in first
    )


def test_a_merged_id_is_followed_under_its_survivor() -> None:
    last = _people([("B-OLD", True, True, "unemployed", None), ("B-KEPT", True, False, None, None)])
    now = _people([("B-KEPT", True, True, "employed", None)])
    flows = programme_flows(paired(now, carried(last, [("B-OLD", "B-KEPT")])))["naf"]
    assert flows["left"] == 0 and flows["entered"] == 0  # one person, not one leaving
