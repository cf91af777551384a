"""The figures of the merge report (report.json).

Everything here is a count, a rate, a checksum or a model parameter: the
report is sent on to programme staff and donors, so it is built only from the
snapshot tables (tokens and coarse attributes) and never from the working
frame that still holds names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import numpy as np
import pandas as pd

from benelink import __version__
from benelink.anonymize.disclosure import DisclosureReport
from benelink.anonymize.tokens import TOKEN_VERSION
from benelink.config.model import LinkageSettings
from benelink.linkage.kept import ModelChoice
from benelink.linkage.link import LinkResult
from benelink.pipelines.past import Past
from benelink.pipelines.persist import IdentityChanges
from benelink.pipelines.review import audit_summary
from benelink.pipelines.sources import InputFile
from benelink.schemas.documents import (
    DisclosureSection,
    Graduation,
    Histogram,
    InputSummary,
    LevelParameters,
    Manifest,
    ModelUsed,
    OfficerRow,
    Report,
    ReviewerCount,
    SourceRecords,
)
from benelink.schemas.outputs import SNAPSHOT_SCHEMA_VERSION

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


def probability_histogram(probabilities: np.ndarray) -> Histogram:
    """Counts of scored pairs in equal-width probability bins from 0 to 1."""
    counts, edges = np.histogram(probabilities, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return {"edges": [round(float(e), 4) for e in edges], "counts": [int(c) for c in counts]}


def graduation(beneficiaries: pd.DataFrame) -> dict[str, Graduation]:
    """Cash-assistance beneficiaries who are registered job seekers, and employed."""
    flow: dict[str, Graduation] = {}
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
) -> list[OfficerRow]:
    """Per employment & career guidance officer: job seekers, new this month, employed, training.

    "New this month" means not a registered job seeker in the previous
    snapshot (everyone, in a first run).
    """
    seekers = beneficiaries[beneficiaries["in_jobseekers"] & beneficiaries["officer"].notna()]
    earlier = previous_seekers or frozenset()
    rows: list[OfficerRow] = []
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


@dataclass(frozen=True)
class MonthFigures:
    """What a month's report is built from: counts, tokens and coarse attributes only."""

    month: str
    inputs: Sequence[InputFile]
    rejects: pd.DataFrame
    source_records: Mapping[str, SourceRecords]  # what each source's kept records have
    beneficiaries: pd.DataFrame  # everyone, before the release's disclosure treatment
    links: pd.DataFrame  # links.parquet's rows
    linked: LinkResult
    settings: LinkageSettings
    changes: IdentityChanges
    disclosure: DisclosureReport  # measured on the release as written
    review_queue: int  # pairs in the month's review queue
    review_file: str  # where it is, relative to the output folder
    review_to_settle: int  # the decisions that would settle the month
    review_carried: int  # queued pairs keeping what was typed in the month's previous files
    past: Past


def build_report(figures: MonthFigures) -> Report:
    """All figures of the merge report, JSON-ready and deterministic for the same inputs."""
    f = figures
    linked, links, people = f.linked, f.links, f.beneficiaries
    decisions = links["decision"].value_counts() if not links.empty else pd.Series(dtype="int64")
    reviewed = linked.pairs[linked.pairs["decided_by"] == "reviewed"]
    scored = linked.pairs["probability"].to_numpy()
    report: Report = {
        "month": f.month,
        "inputs": [cast(InputSummary, i.to_dict()) for i in f.inputs],
        "rejects": rejects_by_source(f.rejects),
        "records": dict(f.source_records),
        "linkage": {
            "candidate_pairs": int(linked.n_candidate_pairs),
            "max_block_size": int(linked.max_block_size),
            "max_block_size_configured": f.settings.max_block_size,
            "max_candidate_pairs": f.settings.max_candidate_pairs,
            "scored_pairs": len(scored),
            "match_threshold": f.settings.match_threshold,
            "review_threshold": f.settings.review_threshold,
            "matches": int(decisions.get("match", 0)),
            "review_band": int(decisions.get("review", 0)),
            "links_by_source_pair": links_by_source_pair(links),
            "probability_histogram": probability_histogram(scored),
            "prior_match_probability": round(float(linked.lambda_), 8),
            "parameters": [
                cast(
                    LevelParameters,
                    {k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()},
                )
                for row in linked.parameters.to_dict(orient="records")
            ],
            # what blocking set aside: copies linked through their representative, and
            # records left in no block (per rule)
            "identical_records": linked.identical_records,
            "skipped_records": dict(linked.skipped_records),
        },
        "beneficiaries": {
            "total": len(people),
            "by_sources": source_overlap(people),
            "new": f.changes.new,
            "continuing": f.changes.continuing,
            "returning": f.changes.returning,
            "re_registered": f.changes.re_registered,
            "exited": f.changes.exited,
            "merges": [{"absorbed": a, "kept": b} for a, b in f.changes.merges],
            "splits": [{"previous": a, "new": b} for a, b in f.changes.splits],
            "with_conflict": int(people["conflict"].sum()),
        },
        "graduation": graduation(people),
        "officers": officers(people, f.past.last_seekers),
        "disclosure": cast(DisclosureSection, f.disclosure.to_dict()),
        "review": {
            "queue": f.review_queue,
            "queue_file": f.review_file,
            "decisions_applied": {
                "accept": int((reviewed["decision"] == "match").sum()),
                "reject": int((reviewed["decision"] != "match").sum()),
            },
            "decisions_to_settle": f.review_to_settle,
            "carried_over": f.review_carried,
            "decisions_by_reviewer": cast(list[ReviewerCount], audit_summary(f.past.decisions)),
        },
    }
    if linked.model_choice is not None:
        report["linkage"]["model"] = model_used(linked.model_choice, f.month)
    if f.past.previous_graduation is not None:
        report["previous_graduation"] = cast(dict[str, Graduation], f.past.previous_graduation)
    if f.past.rebuilt_from:
        report["identity_registry_rebuilt_from"] = list(f.past.rebuilt_from)
    return report


def model_used(choice: ModelChoice, month: str) -> ModelUsed:
    """The report's line on the model: which one, fitted in which month, and why."""
    used: ModelUsed = {
        "status": choice.status,
        "fitted_month": choice.fitted_month or month,
        "data_fingerprint": choice.data_fingerprint,
        "reason": choice.reason,
    }
    if choice.drift is not None:
        used["drift"] = {
            "max_m_change": round(choice.drift.m, 6),
            "max_u_change": round(choice.drift.u, 6),
            "prior_factor": round(choice.drift.prior_factor, 6),
        }
    return used


def rejects_by_source(rejects: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Rejected rows and dropped values per source and reason."""
    if rejects.empty:
        return {}
    out: dict[str, dict[str, int]] = {}
    for index, n in rejects.groupby(["source", "reason"]).size().items():
        source, reason = cast(tuple[str, str], index)
        out.setdefault(str(source), {})[str(reason)] = int(n)
    return out


def build_manifest(
    *,
    month: str,
    config_sha256: str,
    fingerprint: str,
    inputs: Sequence[InputFile],
    changes: IdentityChanges,
    stage_seconds: Mapping[str, float],
    created_at: datetime,
) -> Manifest:
    """manifest.json: what the run read, with which key and release, and its stage times."""
    return {
        "month": month,
        "benelink_version": __version__,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "token_version": TOKEN_VERSION,
        "key_fingerprint": fingerprint,
        "config_sha256": config_sha256,
        "inputs": [cast(InputSummary, i.to_dict()) for i in inputs],
        "beneficiaries": {
            "new": changes.new,
            "continuing": changes.continuing,
            "exited": changes.exited,
        },
        "stage_seconds": dict(stage_seconds),
        "created_at": created_at.isoformat(timespec="seconds"),
    }
