"""The figures of the merge report (report.json).

Everything here is a count, a rate, a checksum or a model parameter: the
report is sent on to programme staff and donors, so it is built only from the
snapshot tables (tokens and coarse attributes) and never from the working
frame that still holds names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.pipelines.persist import IdentityChanges

HISTOGRAM_BINS = 20


def source_overlap(beneficiaries: pd.DataFrame) -> dict[str, int]:
    """Beneficiaries by the combination of sources they appear in ("naf+jobseekers": n)."""
    kinds = ("naf", "unhcr", "jobseekers")
    counts = beneficiaries[[f"in_{k}" for k in kinds]].value_counts()  # at most 8 combinations
    named: dict[str, int] = {}
    for flags, n in counts.items():
        combo = "+".join(
            k for k, flag in zip(kinds, cast(tuple[bool, ...], flags), strict=True) if flag
        )
        named[combo or "none"] = int(n)
    return dict(sorted(named.items()))


def links_by_source_pair(links: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Scored links per source pair and decision ("naf~jobseekers": {"match": n, "review": m})."""
    if links.empty:
        return {}
    # counted per (source, source, decision) first: a handful of groups, not a million labels
    counts = links.groupby(["left_source", "right_source", "decision"]).size()
    table: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        left, right, decision = cast(tuple[str, str, str], key)
        row = table.setdefault("~".join(sorted((str(left), str(right)))), {})
        row[str(decision)] = row.get(str(decision), 0) + int(n)
    return {pair: dict(sorted(row.items())) for pair, row in sorted(table.items())}


def probability_histogram(probabilities: np.ndarray) -> dict[str, list[float] | list[int]]:
    """Counts of scored pairs in equal-width probability bins from 0 to 1."""
    counts, edges = np.histogram(probabilities, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return {"edges": [round(float(e), 4) for e in edges], "counts": [int(c) for c in counts]}


def graduation(beneficiaries: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Cash-assistance beneficiaries who are registered job seekers, and employed."""
    flow: dict[str, dict[str, int]] = {}
    status = beneficiaries["employment_status"]
    for kind in ("naf", "unhcr"):
        on_aid = beneficiaries[f"in_{kind}"]
        seekers = on_aid & beneficiaries["in_jobseekers"]
        flow[kind] = {
            "beneficiaries": int(on_aid.sum()),
            "job_seekers": int(seekers.sum()),
            "in_training": int((seekers & (status == "in_training")).sum()),
            "employed": int((seekers & status.isin(["employed", "self_employed"])).sum()),
        }
    return flow


def officers(
    beneficiaries: pd.DataFrame, previous_seekers: frozenset[str] | None
) -> list[dict[str, Any]]:
    """Per employment & career guidance officer: job seekers, new this month, employed, training.

    "New this month" means not a registered job seeker in the previous
    snapshot (everyone, in a first run).
    """
    seekers = beneficiaries[beneficiaries["in_jobseekers"] & beneficiaries["officer"].notna()]
    earlier = previous_seekers or frozenset()
    rows = []
    for officer, group in seekers.groupby("officer", sort=True):
        status = group["employment_status"]
        rows.append(
            {
                "officer": str(officer),
                "job_seekers": len(group),
                "new_this_month": int((~group["beneficiary_id"].isin(earlier)).sum()),
                "employed": int(status.isin(["employed", "self_employed"]).sum()),
                "in_training": int((status == "in_training").sum()),
            }
        )
    return rows


def build_report(
    *,
    month: str,
    inputs: Sequence[Mapping[str, Any]],
    rejects: pd.DataFrame,
    beneficiaries: pd.DataFrame,
    links: pd.DataFrame,
    scored_probabilities: np.ndarray,
    n_candidate_pairs: int,
    max_block_size: int,
    parameters: pd.DataFrame,
    prior: float,
    settings: LinkageSettings,
    changes: IdentityChanges,
    previous_seekers: frozenset[str] | None = None,
    quality: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """All figures of the merge report, JSON-ready and deterministic for the same inputs."""
    reasons = (
        rejects.groupby(["source", "reason"]).size()
        if not rejects.empty
        else pd.Series(dtype="int64")
    )
    rejects_by_source: dict[str, dict[str, int]] = {}
    for index, n in reasons.items():
        source, reason = cast(tuple[str, str], index)
        rejects_by_source.setdefault(str(source), {})[str(reason)] = int(n)
    decisions = links["decision"].value_counts() if not links.empty else pd.Series(dtype="int64")
    report: dict[str, Any] = {
        "month": month,
        "inputs": [dict(i) for i in inputs],
        "rejects": rejects_by_source,
        "linkage": {
            "candidate_pairs": int(n_candidate_pairs),
            "max_block_size": int(max_block_size),
            "max_block_size_configured": settings.max_block_size,
            "max_candidate_pairs": settings.max_candidate_pairs,
            "scored_pairs": len(scored_probabilities),
            "match_threshold": settings.match_threshold,
            "review_threshold": settings.review_threshold,
            "matches": int(decisions.get("match", 0)),
            "review_band": int(decisions.get("review", 0)),
            "links_by_source_pair": links_by_source_pair(links),
            "probability_histogram": probability_histogram(scored_probabilities),
            "prior_match_probability": round(float(prior), 8),
            "parameters": [
                {k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()}
                for row in parameters.to_dict(orient="records")
            ],
        },
        "beneficiaries": {
            "total": len(beneficiaries),
            "by_sources": source_overlap(beneficiaries),
            "new": changes.new,
            "continuing": changes.continuing,
            "returning": changes.returning,
            "exited": changes.exited,
            "merges": [{"absorbed": a, "kept": b} for a, b in changes.merges],
            "splits": [{"previous": a, "new": b} for a, b in changes.splits],
            "with_conflict": int(beneficiaries["conflict"].sum()),
        },
        "graduation": graduation(beneficiaries),
        "officers": officers(beneficiaries, previous_seekers),
    }
    if quality is not None:
        report["quality"] = dict(quality)
    return report
