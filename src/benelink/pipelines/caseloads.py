"""Per officer: their caseload this month, its flows, and the centre to compare it with.

An officer's caseload is the registered job seekers whose latest job-seeker
record names them. Officers are published only when ``anonymize.officers``
lets them through (a caseload of at least k); the job seekers of withheld
officers still count in the centre's row, which covers every job seeker.
"""

from __future__ import annotations

import pandas as pd

from benelink.pipelines.flows import WORK
from benelink.schemas.documents import OfficerRow

CENTRE = "Centre total"


def _row(
    name: str,
    pairs: pd.DataFrame,
    now: pd.Series,
    last: pd.Series,
    *,
    compared: bool,
) -> OfficerRow:
    status = pairs["employment_status_now"].where(now)
    seekers_before = pairs["in_jobseekers_last"]
    row: OfficerRow = {
        "officer": name,
        "job_seekers": int(now.sum()),
        "naf": int((now & pairs["in_naf_now"]).sum()),
        "unhcr": int((now & pairs["in_unhcr_now"]).sum()),
        "new_this_month": int((now & ~seekers_before).sum()),
        "in_training": int((status == "in_training").sum()),
        "employed": int((status == "employed").sum()),
        "self_employed": int((status == "self_employed").sum()),
        "in_work": int(status.isin(WORK).sum()),
        "job_seekers_last_month": int(last.sum()) if compared else None,
        "moved_into_work": None,
        "moved_out_of_work": None,
        "moved_into_training": None,
        "left_caseload": None,
        "into_work_rate": None,
    }
    if compared:
        # an officer's flows are their caseload's this month: who moved into work while
        # in their care; who left it is counted apart
        into_work = int((now & _moved_into_work(pairs)).sum())
        row["moved_into_work"] = into_work
        row["moved_out_of_work"] = int((now & _moved_out_of_work(pairs)).sum())
        row["moved_into_training"] = int((now & _moved_into_training(pairs)).sum())
        row["left_caseload"] = int((last & ~now).sum())
        looking = int((now & _known(pairs) & ~pairs["employment_status_last"].isin(WORK)).sum())
        row["into_work_rate"] = round(into_work / looking, 4) if looking else None
    return row


def _known(pairs: pd.DataFrame) -> pd.Series:
    return pairs["employment_status_now"].notna() & pairs["employment_status_last"].notna()


def _moved_into_work(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return _known(pairs) & now.isin(WORK) & ~last.isin(WORK)


def _moved_out_of_work(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return _known(pairs) & last.isin(WORK) & ~now.isin(WORK)


def _moved_into_training(pairs: pd.DataFrame) -> pd.Series:
    now, last = pairs["employment_status_now"], pairs["employment_status_last"]
    return _known(pairs) & (now == "in_training") & (last != "in_training")


def officer_rows(pairs: pd.DataFrame, *, compared: bool) -> list[OfficerRow]:
    """One row per published officer of this month, by name.

    ``pairs`` is ``flows.paired(now, last)``; ``compared`` says whether there is
    a last month at all (in a first month every flow is null). Counted by one
    group-by per month, not a pass per officer: a national registry has hundreds.
    """
    status = pairs["employment_status_now"]
    flags = pd.DataFrame(
        {
            "job_seekers": True,
            "naf": pairs["in_naf_now"],
            "unhcr": pairs["in_unhcr_now"],
            "new_this_month": ~pairs["in_jobseekers_last"],
            "in_training": status == "in_training",
            "employed": status == "employed",
            "self_employed": status == "self_employed",
            "in_work": status.isin(WORK),
            "moved_into_work": _moved_into_work(pairs),
            "moved_out_of_work": _moved_out_of_work(pairs),
            "moved_into_training": _moved_into_training(pairs),
            "looking": _known(pairs) & ~pairs["employment_status_last"].isin(WORK),
        },
        index=pairs.index,
    )
    member = pairs["in_jobseekers_now"] & pairs["officer_now"].notna()
    now = flags[member].astype("int64").groupby(pairs["officer_now"][member].astype(str)).sum()
    before = pairs["in_jobseekers_last"] & pairs["officer_last"].notna()
    officer_last = pairs["officer_last"][before].astype(str)
    stayed = (pairs["in_jobseekers_now"] & (pairs["officer_now"] == pairs["officer_last"]))[before]
    last = officer_last.value_counts()
    left = officer_last[~stayed].value_counts()
    rows: list[OfficerRow] = []
    for name, n in now.sort_index().iterrows():
        counts = {str(k): int(v) for k, v in n.items()}
        row: OfficerRow = {
            "officer": str(name),
            "job_seekers": counts["job_seekers"],
            "naf": counts["naf"],
            "unhcr": counts["unhcr"],
            "new_this_month": counts["new_this_month"],
            "in_training": counts["in_training"],
            "employed": counts["employed"],
            "self_employed": counts["self_employed"],
            "in_work": counts["in_work"],
            "job_seekers_last_month": None,
            "moved_into_work": None,
            "moved_out_of_work": None,
            "moved_into_training": None,
            "left_caseload": None,
            "into_work_rate": None,
        }
        if compared:
            row["job_seekers_last_month"] = int(last.get(name, 0))
            row["moved_into_work"] = counts["moved_into_work"]
            row["moved_out_of_work"] = counts["moved_out_of_work"]
            row["moved_into_training"] = counts["moved_into_training"]
            row["left_caseload"] = int(left.get(name, 0))
            looking = counts["looking"]
            row["into_work_rate"] = (
                round(counts["moved_into_work"] / looking, 4) if looking else None
            )
        rows.append(row)
    return rows


def centre_row(pairs: pd.DataFrame, *, compared: bool) -> OfficerRow:
    """Every job seeker of the month, whatever their officer: the figure officers compare with."""
    return _row(
        CENTRE, pairs, pairs["in_jobseekers_now"], pairs["in_jobseekers_last"], compared=compared
    )
