"""Graduation as flows between two months: who entered, who left, who moved into work.

A stock ("85 NAF beneficiaries employed") hides what a programme is judged
on: how many people moved into work this month, how many lost their job, how
many left cash assistance while in work. These figures compare one person's
row in last month's snapshot with their row this month, joined on the stable
``beneficiary_id``; every figure is defined in ``DEFINITIONS`` (shown in the
reports) and in docs/reports.md.

Work is ``employed`` (wage employment) or ``self_employed``; the two are
counted apart and together (``in_work``). A status flow needs the status of
both months: a person who was not a registered job seeker in one of the two
months (or whose status was not given) moved nowhere. The functions take
frames and return figures; they read nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

from benelink.schemas.documents import Flows, Graduation

PROGRAMMES: Final = ("naf", "unhcr")
WORK: Final = ("employed", "self_employed")
# what a flow reads of each month's beneficiaries
FLOW_COLUMNS: Final = [
    "beneficiary_id",
    "in_naf",
    "in_unhcr",
    "in_jobseekers",
    "employment_status",
    "officer",
]

# every figure the reports show, in words (the reports' definitions section and docs/reports.md)
DEFINITIONS: Final[dict[str, str]] = {
    "beneficiaries": "People on the programme this month (at least one record in its extract).",
    "job_seekers": "People registered in the job-seeker registry this month (for a programme: "
    "of its beneficiaries).",
    "in_training": "Job seekers whose latest status is in training.",
    "employed": "Job seekers in wage employment (the self-employed are not included).",
    "self_employed": "Job seekers whose latest status is self-employed.",
    "in_work": "Employed plus self-employed. In the trend: people on NAF or UNHCR (each once) "
    "who are job seekers in work.",
    "either": "NAF or UNHCR, each person counted once (someone on both programmes is one person).",
    "entered": "On the programme this month, not last month (new people and people coming back).",
    "left": "On the programme last month, not this month (whatever the reason).",
    "moved_into_training": "In training this month, a job seeker with another status last month.",
    "moved_into_work": "In work this month (employed or self-employed), a job seeker not in work "
    "last month. Counted if the person was on the programme in either month.",
    "moved_into_employment": "Of those who moved into work: into wage employment.",
    "moved_into_self_employment": "Of those who moved into work: into self-employment.",
    "moved_out_of_work": "In work last month, a job seeker not in work this month.",
    "left_while_in_work": "Left the programme this month while in work (status this month, or "
    "last month's if no longer a job seeker): graduation from cash assistance into work.",
    "entry_rate": "Entered ÷ beneficiaries last month.",
    "exit_rate": "Left ÷ beneficiaries last month.",
    "into_work_rate": "Moved into work ÷ the job seekers not in work last month who are still "
    "job seekers this month (of the programme; for an officer, of their caseload this month).",
    "out_of_work_rate": "Moved out of work ÷ the programme's job seekers in work last month who "
    "are still job seekers this month.",
    "left_while_in_work_share": "Left while in work ÷ left.",
    "new_this_month": "In the officer's caseload this month, not a registered job seeker last "
    "month.",
    "left_caseload": "In the officer's caseload last month, not this month (left the registry, "
    "or moved to another officer).",
}


def stock(people: pd.DataFrame, kind: str) -> Graduation:
    """The programme's people this month, and where its job seekers stand."""
    on = people[f"in_{kind}"].astype(bool)
    seekers = on & people["in_jobseekers"].astype(bool)
    status = people["employment_status"].where(seekers)
    return {
        "beneficiaries": int(on.sum()),
        "job_seekers": int(seekers.sum()),
        "in_training": int((status == "in_training").sum()),
        "employed": int((status == "employed").sum()),
        "self_employed": int((status == "self_employed").sum()),
        "in_work": int(status.isin(WORK).sum()),
    }


def carried(last: pd.DataFrame, merges: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Last month's people under this month's ids: an id absorbed by a merge is its survivor's."""
    if not merges:
        return last
    survivor = dict(merges)
    ids = last["beneficiary_id"].astype(str)
    mapped = last.assign(beneficiary_id=ids.map(lambda i: survivor.get(i, i)))
    # the survivor's own row first; an absorbed row only where the survivor had none
    own = ids.isin(set(survivor.values())) | ~ids.isin(set(survivor))
    order = mapped.assign(_own=~own).sort_values("_own", kind="stable")
    return order.drop_duplicates("beneficiary_id").drop(columns="_own")


def paired(now: pd.DataFrame, last: pd.DataFrame) -> pd.DataFrame:
    """Everyone of either month, one row each, with ``*_now`` and ``*_last`` columns.

    A person absent from a month is on no programme and has no status in it.
    """
    keep = [c for c in FLOW_COLUMNS if c != "beneficiary_id"]
    a = now[FLOW_COLUMNS].set_index("beneficiary_id").add_suffix("_now")
    b = last[FLOW_COLUMNS].set_index("beneficiary_id").add_suffix("_last")
    both = a.join(b, how="outer")
    for column in keep:
        for side in ("now", "last"):
            name = f"{column}_{side}"
            if column.startswith("in_"):
                both[name] = both[name].eq(True)  # absent from the month: False
            else:
                both[name] = both[name].astype(object)
    for side in ("now", "last"):  # a status counts only for a registered job seeker
        status = f"employment_status_{side}"
        both[status] = both[status].where(both[f"in_jobseekers_{side}"])
    return both


def both_known(pairs: pd.DataFrame) -> pd.Series:
    """Who has an employment status in both months (a move needs both ends)."""
    return pairs["employment_status_now"].notna() & pairs["employment_status_last"].notna()


def moved_into_work(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return both_known(pairs) & now.isin(WORK) & ~last.isin(WORK)


def moved_out_of_work(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return both_known(pairs) & last.isin(WORK) & ~now.isin(WORK)


def moved_into_training(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return both_known(pairs) & (now == "in_training") & (last != "in_training")


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def flow_figures(pairs: pd.DataFrame, on_now: pd.Series, on_last: pd.Series) -> Flows:
    """The flows of the people of ``pairs`` (from ``paired``) whose membership of the group
    this month and last month is ``on_now`` and ``on_last`` (a programme, a caseload)."""
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    cohort = on_now | on_last
    known = both_known(pairs)
    work_last = last.isin(WORK)
    into_work = cohort & moved_into_work(pairs)
    out_of_work = cohort & moved_out_of_work(pairs)
    into_training = cohort & moved_into_training(pairs)
    left = on_last & ~on_now
    latest_status = now.where(now.notna(), last)
    left_in_work = left & latest_status.isin(WORK)
    entered = on_now & ~on_last
    before = int(on_last.sum())
    looking = int((cohort & known & ~work_last).sum())
    working = int((cohort & known & work_last).sum())
    figures: Flows = {
        "beneficiaries_last_month": before,
        "entered": int(entered.sum()),
        "left": int(left.sum()),
        "moved_into_training": int(into_training.sum()),
        "moved_into_work": int(into_work.sum()),
        "moved_into_employment": int((into_work & (now == "employed")).sum()),
        "moved_into_self_employment": int((into_work & (now == "self_employed")).sum()),
        "moved_out_of_work": int(out_of_work.sum()),
        "left_while_in_work": int(left_in_work.sum()),
        "job_seekers_not_in_work_last_month": looking,
        "job_seekers_in_work_last_month": working,
        "entry_rate": _rate(int(entered.sum()), before),
        "exit_rate": _rate(int(left.sum()), before),
        "into_work_rate": _rate(int(into_work.sum()), looking),
        "out_of_work_rate": _rate(int(out_of_work.sum()), working),
        "left_while_in_work_share": _rate(int(left_in_work.sum()), int(left.sum())),
    }
    return figures


def programme_flows(pairs: pd.DataFrame) -> dict[str, Flows]:
    """Flows of each cash-assistance programme (NAF, UNHCR) between the two months, and of
    cash assistance as a whole (``cash_assistance``: on either, each person once)."""
    flows = {
        kind: flow_figures(pairs, pairs[f"in_{kind}_now"], pairs[f"in_{kind}_last"])
        for kind in PROGRAMMES
    }
    flows["cash_assistance"] = flow_figures(pairs, *on_aid(pairs))
    return flows


def on_aid(pairs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Who is on either programme this month, and last month."""
    now = pairs[[f"in_{k}_now" for k in PROGRAMMES]].any(axis=1)
    last = pairs[[f"in_{k}_last" for k in PROGRAMMES]].any(axis=1)
    return now, last
