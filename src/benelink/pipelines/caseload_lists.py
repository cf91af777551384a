"""Each officer's caseload by the registry's own record ids: for ``restricted/`` only.

An officer's page gives counts; to act on them the officer needs to know who
is behind them, and the registry's record ids are what the officer already
holds (the ids of the job-seeker file they keep). Only these ids, the
beneficiary id and the statuses are listed: no name, number or phone. The
lists are built only when ``[reports] officer_caseload_lists`` is on, and only
for the officers the reports publish.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from benelink.schemas.columns import SourceKind

LIST_COLUMNS = [
    "source",
    "source_record_id",
    "beneficiary_id",
    "employment_status",
    "employment_status_last_month",
    "in_naf",
    "in_unhcr",
]


def caseload_lists(
    sources: pd.Series,
    record_ids: pd.Series,
    beneficiary_ids: pd.Series,
    kinds: Mapping[str, SourceKind],
    pairs: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Published officer -> their caseload's job-seeker records, by record id.

    ``sources``, ``record_ids`` and ``beneficiary_ids`` are per record (the
    month's records, in one order); ``pairs`` is ``flows.paired(now, last)``.
    """
    seekers = pairs[pairs["in_jobseekers_now"] & pairs["officer_now"].notna()]
    if seekers.empty:
        return {}
    records = pd.DataFrame(
        {
            "source": sources.astype(str).to_numpy(),
            "source_record_id": record_ids.to_numpy(),
            "beneficiary_id": beneficiary_ids.astype(str).to_numpy(),
        }
    )
    records = records[records["source"].map(dict(kinds)) == "jobseekers"]
    person = seekers.rename(
        columns={
            "officer_now": "officer",
            "employment_status_now": "employment_status",
            "employment_status_last": "employment_status_last_month",
            "in_naf_now": "in_naf",
            "in_unhcr_now": "in_unhcr",
        }
    )[["officer", "employment_status", "employment_status_last_month", "in_naf", "in_unhcr"]]
    joined = records.join(person, on="beneficiary_id", how="inner")
    return {
        str(officer): group[LIST_COLUMNS]
        .sort_values(["source", "source_record_id"], kind="stable")
        .reset_index(drop=True)
        for officer, group in joined.groupby("officer", sort=True)
    }
