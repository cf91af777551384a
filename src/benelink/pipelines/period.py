"""Quarterly, annual and other period reports, from the monthly snapshots alone.

A donor asks how many people the programme served in a quarter or a year —
each person once, however many months they were on it — how many moved into
work, and who they were. The monthly snapshots answer it: people are joined
across months on their stable ``beneficiary_id``, the flows of each month
(against the snapshot before it) are added up, and every count passes the
release's small-cell rule (``anonymize.small_cells``, the same k) before it
is published. The functions here take frames and return figures; reading the
snapshots is ``io.period``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from benelink.anonymize.small_cells import safe_rate, suppress_cells, suppressed
from benelink.errors import UsageError
from benelink.pipelines.breakdowns import breakdowns
from benelink.pipelines.flows import (
    DEFINITIONS,
    FLOW_COLUMNS,
    PROGRAMMES,
    WORK,
    carried,
    on_aid,
    paired,
    programme_flows,
)

# what a period report reads of each month's beneficiaries
PERIOD_COLUMNS: Final = [
    *FLOW_COLUMNS,
    "sex",
    "age",
    "birth_year_band",
    "governorate",
    "nationality",
]
COUNTED_FLOWS: Final = (
    "entered",
    "left",
    "moved_into_training",
    "moved_into_work",
    "moved_into_employment",
    "moved_into_self_employment",
    "moved_out_of_work",
    "left_while_in_work",
)
PERIOD_DEFINITIONS: Final[dict[str, str]] = {
    "people_served": "People on the programme in at least one month of the period, each once.",
    "people_moved_into_work": "People who moved into work in at least one month of the period, "
    "each once.",
    "flows": "Each month's flows (against the snapshot before it) added up over the period: a "
    "person who moved into work twice counts twice.",
    "age_band": "Age reached in the period's last year; where the release withheld the exact "
    "age (its disclosure treatment keeps only a five-year band of birth years), the age at the "
    "middle of that band.",
    "in_work (breakdowns)": "In work (employed or self-employed) in at least one month of the "
    "period.",
    "withheld": "A count of fewer than k people is not published (shown as –), nor, where a "
    "total would give it away, the next smallest; a rate is shown only when both its counts are.",
    **DEFINITIONS,
}


def definitions_markdown() -> str:
    """The definitions table of docs/reports.md (a test keeps the two the same)."""
    rows = [f"| `{name}` | {text} |" for name, text in PERIOD_DEFINITIONS.items()]
    return "\n".join(["| figure | definition |", "|---|---|", *rows]) + "\n"


@dataclass(frozen=True)
class Period:
    """The months a period report covers, and its name."""

    name: str  # 2026-Q4, 2026, or 2026-10_to_2026-12
    first: str  # YYYY-MM
    last: str

    def months(self) -> list[str]:
        """Every calendar month of the period."""
        return [str(p) for p in pd.period_range(self.first, self.last, freq="M")]


def parse_period(
    quarter: str | None, year: str | None, first: str | None, last: str | None
) -> Period:
    """The period the command line names: one of --quarter, --year, or --from with --to."""
    given = [x for x in (quarter, year) if x] + ([first or last] if (first or last) else [])
    if len(given) != 1:
        raise UsageError(
            "name one period: --quarter YYYY-QN, --year YYYY, or --from YYYY-MM --to YYYY-MM"
        )
    if quarter:
        found = re.fullmatch(r"(\d{4})-?Q([1-4])", quarter.strip(), flags=re.IGNORECASE)
        if not found:
            raise UsageError(f"--quarter {quarter!r} is not a quarter: use YYYY-QN (e.g. 2026-Q4)")
        y, q = int(found.group(1)), int(found.group(2))
        return Period(f"{y}-Q{q}", f"{y}-{3 * q - 2:02d}", f"{y}-{3 * q:02d}")
    if year:
        if not re.fullmatch(r"\d{4}", year.strip()):
            raise UsageError(f"--year {year!r} is not a year: use YYYY (e.g. 2026)")
        return Period(year.strip(), f"{year.strip()}-01", f"{year.strip()}-12")
    if not (first and last):
        raise UsageError("--from and --to go together: --from 2026-10 --to 2026-12")
    for flag, value in (("--from", first), ("--to", last)):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise UsageError(f"{flag} {value!r} is not a month: use YYYY-MM (e.g. 2026-10)")
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    return Period(f"{first}_to_{last}", first, last)


@dataclass(frozen=True)
class MonthPeople:
    """One month's snapshot as a period report reads it."""

    month: str
    people: pd.DataFrame  # PERIOD_COLUMNS of beneficiaries.parquet
    merges: tuple[tuple[str, str], ...]  # (absorbed, kept) of the month's report


SPLITS: Final = (("moved_into_work", ("moved_into_employment", "moved_into_self_employment")),)


def _suppress_flows(
    sums: Mapping[str, Mapping[str, int]], bases: Mapping[str, Mapping[str, int]], k: int
) -> dict[str, dict[str, Any]]:
    """Each group's flows with small cells withheld, and the cells that would give one back.

    A count split in parts (moved into work = into wage employment + into
    self-employment) loses both parts when one is small; a flow shown for NAF
    and withheld for UNHCR loses both, since "either" minus one would give the
    other back.
    """
    shown: dict[str, dict[str, Any]] = {}
    for g, flows in sums.items():
        cells: dict[str, Any] = {name: suppressed(n, k) for name, n in flows.items()}
        for _, parts in SPLITS:
            cells.update(suppress_cells({p: flows[p] for p in parts}, k))
        cells.update({name: suppressed(n, k) for name, n in bases[g].items()})
        shown[g] = cells
    for name in sums[PROGRAMMES[0]]:
        if any(shown[g][name] is None for g in PROGRAMMES):
            for g in PROGRAMMES:
                shown[g][name] = None
    for g, cells in shown.items():
        cells["into_work_rate"] = safe_rate(
            cells["moved_into_work"], bases[g]["job_seekers_not_in_work_last_month"], k
        )
        cells["exit_rate"] = safe_rate(cells["left"], bases[g]["beneficiaries_last_month"], k)
        cells["left_while_in_work_share"] = safe_rate(cells["left_while_in_work"], cells["left"], k)
    return shown


def period_ages(people: pd.DataFrame, year: int, months: Sequence[str]) -> pd.Series:
    """Each person's age in ``year``: the released age moved to that year, or, where the
    release kept only the five-year birth band, the age at the band's middle."""
    last_year = int(max(months)[:4])
    age = pd.to_numeric(people["age"], errors="coerce") + (year - last_year)
    band = people["birth_year_band"].astype(object)
    start = pd.to_numeric(band.str.slice(0, 4), errors="coerce")
    return age.fillna((year - (start + 2)).clip(lower=0)).astype("Float64")


def period_report(
    period: Period, months: Sequence[MonthPeople], before: MonthPeople | None, k: int
) -> dict[str, Any]:
    """Every figure of a period report, small cells withheld.

    ``months`` are the snapshots inside the period, oldest first; ``before`` is
    the last snapshot before it (its first month's flows are measured against
    it), if any.
    """
    if not months:
        raise UsageError(
            f"no monthly snapshot between {period.first} and {period.last}: run those months first"
        )
    groups = (*PROGRAMMES, "cash_assistance")
    sums = {g: dict.fromkeys(COUNTED_FLOWS, 0) for g in groups}
    bases = {
        g: {"beneficiaries_last_month": 0, "job_seekers_not_in_work_last_month": 0} for g in groups
    }
    moved: dict[str, set[str]] = {g: set() for g in groups}
    by_month: list[dict[str, Any]] = []
    officer_rows: dict[str, dict[str, int]] = {}
    officer_people: dict[str, set[str]] = {}
    previous = before
    for month in months:
        now = month.people
        pairs = (
            paired(now[FLOW_COLUMNS], carried(previous.people[FLOW_COLUMNS], month.merges))
            if previous is not None
            else None
        )
        point: dict[str, Any] = {
            "month": month.month,
            "beneficiaries": len(now),
            "naf": int(now["in_naf"].sum()),
            "unhcr": int(now["in_unhcr"].sum()),
            "job_seekers": int(now["in_jobseekers"].sum()),
            "moved_into_work": None,
        }
        if pairs is not None:
            flows = programme_flows(pairs)
            status_now, status_last = (
                pairs["employment_status_now"],
                pairs["employment_status_last"],
            )
            into_work = status_now.isin(WORK) & status_last.notna() & ~status_last.isin(WORK)
            for g in groups:
                figures: Mapping[str, Any] = flows[g]
                for name in COUNTED_FLOWS:
                    sums[g][name] += int(figures[name])
                for name in bases[g]:
                    bases[g][name] += int(figures[name])
                member = (
                    on_aid(pairs)
                    if g == "cash_assistance"
                    else (pairs[f"in_{g}_now"], pairs[f"in_{g}_last"])
                )
                moved[g] |= set(pairs.index[into_work & (member[0] | member[1])].astype(str))
            point["moved_into_work"] = flows["cash_assistance"]["moved_into_work"]
            seekers = pairs["in_jobseekers_now"] & pairs["officer_now"].notna()
            for officer, group in pairs[seekers & into_work].groupby("officer_now"):
                row = officer_rows.setdefault(str(officer), {"moved_into_work": 0})
                row["moved_into_work"] += len(group)
        by_month.append(point)
        seekers_now = now[now["in_jobseekers"].astype(bool) & now["officer"].notna()]
        for officer, group in seekers_now.groupby("officer"):
            officer_people.setdefault(str(officer), set()).update(
                group["beneficiary_id"].astype(str)
            )
            officer_rows.setdefault(str(officer), {"moved_into_work": 0})
        previous = month

    # each person once
    everyone = pd.concat([m.people.assign(_month=m.month) for m in months], ignore_index=True)
    for m in months:  # an id absorbed later is counted under its survivor
        if m.merges:
            ids = everyone["beneficiary_id"].astype(str)
            everyone["beneficiary_id"] = ids.replace(dict(m.merges))
    ever = everyone.groupby("beneficiary_id")[["in_naf", "in_unhcr", "in_jobseekers"]].any()
    in_work_ever = (
        everyone[everyone["in_jobseekers"].astype(bool) & everyone["employment_status"].isin(WORK)]
        .groupby("beneficiary_id")
        .size()
    )
    # each detail as last known: a month's release may have withheld it (disclosure)
    details = ["sex", "age", "birth_year_band", "governorate", "nationality"]
    ordered = everyone.sort_values("_month", kind="stable")
    latest = ordered.groupby("beneficiary_id")[[*details, "employment_status", "officer"]].last()
    served = latest.join(ever).reset_index()
    served["age"] = period_ages(served, int(period.last[:4]), [m.month for m in months])
    served["employment_status"] = served["employment_status"].where(
        ~served["beneficiary_id"].isin(in_work_ever.index), "employed"
    )  # "in work" in the breakdowns: in work in at least one month of the period
    served_counts = {
        "all": len(served),
        "naf": int(served["in_naf"].sum()),
        "unhcr": int(served["in_unhcr"].sum()),
        "cash_assistance": int((served["in_naf"] | served["in_unhcr"]).sum()),
        "job_seekers": int(served["in_jobseekers"].sum()),
        "in_work_at_some_point": len(in_work_ever),
    }
    names = sorted(officer_people)
    officers_table = {
        "job_seekers_served": suppress_cells({o: len(officer_people[o]) for o in names}, k),
        "moved_into_work": suppress_cells(
            {o: officer_rows[o]["moved_into_work"] for o in names}, k
        ),
    }
    return {
        "period": period.name,
        "from": period.first,
        "to": period.last,
        "months": [m.month for m in months],
        "months_missing": [m for m in period.months() if m not in {x.month for x in months}],
        # the months whose flows are counted: each against the snapshot before it
        "flow_months": [m.month for m in months][0 if before is not None else 1 :],
        "k": k,
        "people_served": {name: suppressed(n, k) for name, n in served_counts.items()},
        "people_moved_into_work": {g: suppressed(len(moved[g]), k) for g in groups},
        "flows": _suppress_flows(sums, bases, k),
        "by_month": [
            {
                name: (value if name == "month" else suppressed(value, k))
                for name, value in point.items()
            }
            for point in by_month
        ],
        "officers": [
            {
                "officer": o,
                "job_seekers_served": officers_table["job_seekers_served"][o],
                "moved_into_work": officers_table["moved_into_work"][o],
            }
            for o in names
        ],
        "breakdowns": breakdowns(served, k),
        "definitions": dict(PERIOD_DEFINITIONS),
    }
