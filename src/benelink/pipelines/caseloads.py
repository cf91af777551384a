"""Per officer: their caseload this month, its flows, and the centre to compare it with.

An officer's caseload is the registered job seekers whose latest job-seeker
record names them. Officers are published only when ``anonymize.officers``
lets them through (a caseload of at least k); the job seekers of withheld
officers still count in the centre's row, which covers every job seeker.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from benelink.pipelines.flows import (
    WORK,
    both_known,
    moved_into_training,
    moved_into_work,
    moved_out_of_work,
)
from benelink.schemas.documents import OfficerRow

CENTRE = "Centre total"


def _seekers(pairs: pd.DataFrame) -> pd.DataFrame:
    """The people who are job seekers this month or were last month: the only ones a
    caseload row counts (a million people hold a third as many)."""
    return pairs[pairs["in_jobseekers_now"] | pairs["in_jobseekers_last"]]


def _flags(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per person, the figures a caseload row counts (True: counted)."""
    status = pairs["employment_status_now"]
    return pd.DataFrame(
        {
            "job_seekers": True,
            "naf": pairs["in_naf_now"],
            "unhcr": pairs["in_unhcr_now"],
            "new_this_month": ~pairs["in_jobseekers_last"],
            "in_training": status == "in_training",
            "employed": status == "employed",
            "self_employed": status == "self_employed",
            "in_work": status.isin(WORK),
            "moved_into_work": moved_into_work(pairs),
            "moved_out_of_work": moved_out_of_work(pairs),
            "moved_into_training": moved_into_training(pairs),
            "looking": both_known(pairs) & ~pairs["employment_status_last"].isin(WORK),
        },
        index=pairs.index,
    ).astype("int64")


def _as_row(
    name: str, counts: Mapping[str, int], last: int, left: int, *, compared: bool
) -> OfficerRow:
    """One caseload row from its counts (``_flags`` summed), the job seekers it had last
    month and those of them who left it; every flow is null without a last month."""
    looking = counts["looking"]

    def flow(figure: int) -> int | None:
        return figure if compared else None

    return {
        "officer": name,
        "job_seekers": counts["job_seekers"],
        "naf": counts["naf"],
        "unhcr": counts["unhcr"],
        "new_this_month": counts["new_this_month"],
        "in_training": counts["in_training"],
        "employed": counts["employed"],
        "self_employed": counts["self_employed"],
        "in_work": counts["in_work"],
        "job_seekers_last_month": flow(last),
        "moved_into_work": flow(counts["moved_into_work"]),
        "moved_out_of_work": flow(counts["moved_out_of_work"]),
        "moved_into_training": flow(counts["moved_into_training"]),
        "left_caseload": flow(left),
        "into_work_rate": (
            round(counts["moved_into_work"] / looking, 4) if compared and looking else None
        ),
    }


def officer_rows(pairs: pd.DataFrame, *, compared: bool) -> list[OfficerRow]:
    """One row per published officer of this month, by name.

    ``pairs`` is ``flows.paired(now, last)``; ``compared`` says whether there is
    a last month at all (in a first month every flow is null). Counted by one
    group-by per month, not a pass per officer: a national registry has hundreds.
    An officer's flows are their caseload's this month (who moved into work while in
    their care); who left it is counted apart.
    """
    pairs = _seekers(pairs)
    flags = _flags(pairs)
    member = pairs["in_jobseekers_now"] & pairs["officer_now"].notna()
    now = flags[member].groupby(pairs["officer_now"][member].astype(str)).sum()
    before = pairs["in_jobseekers_last"] & pairs["officer_last"].notna()
    officer_last = pairs["officer_last"][before].astype(str)
    stayed = (pairs["in_jobseekers_now"] & (pairs["officer_now"] == pairs["officer_last"]))[before]
    last = officer_last.value_counts()
    left = officer_last[~stayed].value_counts()
    return [
        _as_row(
            str(name),
            {str(k): int(v) for k, v in n.items()},
            int(last.get(name, 0)),
            int(left.get(name, 0)),
            compared=compared,
        )
        for name, n in now.sort_index().iterrows()
    ]


def centre_row(pairs: pd.DataFrame, *, compared: bool) -> OfficerRow:
    """Every job seeker of the month, whatever their officer: the figure officers compare with."""
    pairs = _seekers(pairs)
    now, last = pairs["in_jobseekers_now"], pairs["in_jobseekers_last"]
    counts = _flags(pairs)[now].sum()
    return _as_row(
        CENTRE,
        {str(k): int(v) for k, v in counts.items()},
        int(last.sum()),
        int((last & ~now).sum()),
        compared=compared,
    )
