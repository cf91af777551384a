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
from typing import Any, cast

import numpy as np
import pandas as pd

from benelink import __version__
from benelink.anonymize.disclosure import DisclosureReport
from benelink.anonymize.tokens import TOKEN_VERSION
from benelink.config.model import LinkageSettings
from benelink.linkage.kept import ModelChoice
from benelink.linkage.link import LinkResult
from benelink.pipelines.breakdowns import breakdowns
from benelink.pipelines.caseloads import centre_row, officer_rows
from benelink.pipelines.flows import (
    DEFINITIONS,
    FLOW_COLUMNS,
    PROGRAMMES,
    WORK,
    carried,
    paired,
    programme_flows,
    stock,
)
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
    Report,
    ReviewerCount,
    SourceRecords,
    TrendPoint,
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
    """Each cash-assistance programme's people this month, and where its job seekers stand."""
    return {kind: stock(beneficiaries, kind) for kind in PROGRAMMES}


def trend(previous: Mapping[str, Any] | None, point: TrendPoint) -> list[TrendPoint]:
    """Every month so far: the previous report's trend, and this month's point last.

    A report written before trends existed gives its own month's point only
    (its ``employed`` then counted the self-employed too, which is ``in_work``).
    """
    if previous is None:
        return [point]
    earlier: list[TrendPoint] = list(previous.get("trend") or [])
    if not earlier:
        grad = previous.get("graduation", {})
        earlier = [
            {
                "month": str(previous.get("month")),
                "beneficiaries": int(previous.get("beneficiaries", {}).get("total", 0)),
                "naf": int(grad.get("naf", {}).get("beneficiaries", 0)),
                "unhcr": int(grad.get("unhcr", {}).get("beneficiaries", 0)),
                "job_seekers": sum(
                    int(n)
                    for combo, n in previous.get("beneficiaries", {}).get("by_sources", {}).items()
                    if "jobseekers" in str(combo).split("+")
                ),
                # an older report: its employed counted the self-employed, per programme
                "in_work": sum(int(grad.get(k, {}).get("employed", 0)) for k in PROGRAMMES),
                "moved_into_work": None,
                "left_while_in_work": None,
            }
        ]
    return [p for p in earlier if p["month"] < point["month"]] + [point]


def month_flows(
    people: pd.DataFrame, last: pd.DataFrame | None, merges: Sequence[tuple[str, str]]
) -> tuple[pd.DataFrame, bool]:
    """This month's and last month's people side by side (``flows.paired``), and whether
    there was a last month to compare with."""
    now = people[FLOW_COLUMNS]
    if last is None:
        return paired(now, now.iloc[:0]), False
    return paired(now, carried(last[FLOW_COLUMNS], merges)), True


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
    pairs, compared = month_flows(people, f.past.last_people, f.changes.merges)
    grad = graduation(people)
    flows = programme_flows(pairs) if compared else None
    merged, kept_apart = int(decisions.get("match", 0)), int(decisions.get("match_kept_apart", 0))
    seekers = int(people["in_jobseekers"].sum())
    aid = (people["in_naf"] | people["in_unhcr"]) & people["in_jobseekers"]
    point: TrendPoint = {
        "month": f.month,
        "beneficiaries": len(people),
        "naf": grad["naf"]["beneficiaries"],
        "unhcr": grad["unhcr"]["beneficiaries"],
        "job_seekers": seekers,
        "in_work": int((aid & people["employment_status"].isin(WORK)).sum()),
        "moved_into_work": None,
        "left_while_in_work": None,
    }
    if flows is not None:
        point["moved_into_work"] = flows["cash_assistance"]["moved_into_work"]
        point["left_while_in_work"] = flows["cash_assistance"]["left_while_in_work"]
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
            "matches": merged + kept_apart,
            "matches_merged": merged,
            "matches_kept_apart": kept_apart,
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
        "graduation": grad,
        "officers": officer_rows(pairs, compared=compared),
        "centre": centre_row(pairs, compared=compared),
        "trend": trend(f.past.previous_report, point),
        "breakdowns": breakdowns(people, f.disclosure.k),
        "definitions": dict(DEFINITIONS),
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
    if flows is not None and f.past.previous is not None:
        report["flows"] = {
            "previous_month": str(f.past.previous_report.get("month"))
            if f.past.previous_report
            else f.past.previous.name.removeprefix("month="),
            "naf": flows["naf"],
            "unhcr": flows["unhcr"],
            "cash_assistance": flows["cash_assistance"],
        }
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
