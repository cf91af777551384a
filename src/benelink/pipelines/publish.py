"""What a month publishes: the analyst release and the other tables, the report, the
manifest, and the review queue.

Everything here is built from the linked records' tokens and coarse
attributes; the review queue alone carries the raw fields a reviewer reads,
and it goes to ``restricted/`` only. The release passes the disclosure check
on the table exactly as it will be written, and the report states what that
check found (``anonymize.disclosure``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from benelink.anonymize.disclosure import check_release, protect
from benelink.anonymize.officers import publish_officers
from benelink.config.model import BenelinkConfig
from benelink.io.layout import OutputLayout
from benelink.io.snapshot import to_table
from benelink.linkage.kept import model_document
from benelink.linkage.link import LinkResult
from benelink.pipelines.caseload_lists import caseload_lists
from benelink.pipelines.linking import LinkedMonth
from benelink.pipelines.outputs import build_beneficiaries, build_links, build_records
from benelink.pipelines.past import Past
from benelink.pipelines.persist import BeneficiaryIds, Identities
from benelink.pipelines.render import officer_files
from benelink.pipelines.report import MonthFigures, build_manifest, build_report, month_flows
from benelink.pipelines.review import record_decisions, review_queue, settling_pairs
from benelink.pipelines.review_carry import carry_typed
from benelink.pipelines.sources import InputFile
from benelink.schemas import handoff
from benelink.schemas import outputs as dictionary
from benelink.schemas.documents import Manifest, Report, SourceRecords
from benelink.threads import alongside


@dataclass(frozen=True)
class MonthOutputs:
    """Everything a month writes, built; ``io.month.write_month`` writes it all or nothing."""

    tables: dict[str, pa.Table]  # beneficiaries (the release), records, links
    report: Report
    manifest: Manifest
    review_queue: pd.DataFrame  # raw values: restricted/ only
    registry: pd.DataFrame  # the identity registry after the month
    rejects: pd.DataFrame  # for the partners (masked values)
    model: dict[str, Any] | None = None  # the link model the month used, for the state
    # officer -> (file name, their caseload by the registry's record ids): restricted/ only
    caseload_lists: dict[str, tuple[str, pd.DataFrame]] = field(default_factory=dict)


def label_kept_apart(pairs: pd.DataFrame, person: npt.NDArray[np.int64]) -> pd.DataFrame:
    """``pairs`` with a match whose two records ended in two beneficiaries labelled
    ``match_kept_apart``: links.parquet and the report must not call merged what was not.

    ``person`` holds each record's beneficiary code (``BeneficiaryIds.person``).
    """
    if pairs.empty:
        return pairs
    apart = person[pairs["left"].to_numpy()] != person[pairs["right"].to_numpy()]
    kept_apart = (pairs["decision"] == "match").to_numpy() & apart
    if not kept_apart.any():
        return pairs
    return pairs.assign(
        decision=pairs["decision"].astype(object).where(~kept_apart, "match_kept_apart")
    )


def publish_month(
    cfg: BenelinkConfig,
    month: str,
    fingerprint: str,
    linked: LinkedMonth,
    identities: Identities,
    past: Past,
    inputs: Sequence[InputFile],
    rejects: pd.DataFrame,
    by_source: Mapping[str, SourceRecords],
    stage_seconds: Mapping[str, float],
    created_at: datetime,
) -> MonthOutputs:
    """The month's tables, documents and review queue, from its linked records.

    records.parquet is mostly Arrow's takes of a million tokens, outside the GIL: it is
    built on a thread beside the rest.
    """
    records, result, ids = linked.records, linked.result, identities.ids
    with alongside(functools.partial(_records_table, records, ids, result)) as records_table:
        kinds = {name: s.kind for name, s in cfg.sources.items()}
        people = build_beneficiaries(
            records,
            ids,
            result.record_probability,
            result.conflict,
            kinds,
            month,
            identities.first_seen,
        )
        people = publish_officers(people, cfg.disclosure.k)  # release and report alike
        # the analyst release passes the disclosure check; the report counts everyone
        release, disclosure = protect(people, cfg.disclosure)
        handoff.check_beneficiaries(release)
        # each table becomes Arrow (compact) as soon as it is built, its frame let go
        released = to_table(release, dictionary.BENEFICIARIES, "beneficiaries")
        del release
        disclosure = check_release(released, disclosure)  # the file as written
        pairs = label_kept_apart(result.pairs, ids.person)
        links = build_links(records, pairs, cfg.linkage.review_threshold, ids.token_rank)
        handoff.check_links(links)
        queue = review_queue(
            linked.review_fields,
            records["record_token"],
            result.pairs,
            linked.review_readings,
            result.cluster,
            linked.form,
        )
        # what reviewers typed in the month's last files and have not applied goes with its pair
        queue, carried = carry_typed(queue, past.typed_reviews, past.decisions)
        layout = OutputLayout(cfg.out_dir)
        report = build_report(
            MonthFigures(
                month=month,
                inputs=inputs,
                rejects=rejects,
                source_records=by_source,
                beneficiaries=people,
                links=links,
                linked=result,
                settings=cfg.linkage,
                changes=identities.changes,
                disclosure=disclosure,
                review_queue=len(queue),
                review_to_settle=settling_pairs(queue),
                review_carried=carried,
                review_file=layout.shown(layout.review(month) / "review.xlsx"),
                past=past,
            )
        )
        lists: dict[str, tuple[str, pd.DataFrame]] = {}
        if cfg.reports.officer_caseload_lists:
            pairs_of_people, _ = month_flows(people, past.last_people, identities.changes.merges)
            files = officer_files(report)
            found = caseload_lists(
                records["source"],
                linked.source_record_ids,
                ids.per_record(),
                kinds,
                pairs_of_people,
            )
            lists = {
                officer: (files[officer].removesuffix(".html") + ".csv", rows)
                for officer, rows in found.items()
                if officer in files
            }
            report["caseload_lists"] = layout.shown(layout.caseload_lists(month))
        tables = {
            "beneficiaries": released,
            "records": records_table.result(),
            "links": to_table(links, dictionary.LINKS, "links"),
        }
        manifest = build_manifest(
            month=month,
            config_sha256=cfg.sha256,
            fingerprint=fingerprint,
            inputs=inputs,
            changes=identities.changes,
            stage_seconds=stage_seconds,
            created_at=created_at,
        )
        choice = result.model_choice
        model = model_document(choice, month) if choice is not None else None
        return MonthOutputs(
            tables, report, manifest, queue, identities.registry, rejects, model, lists
        )


def _records_table(records: pd.DataFrame, ids: BeneficiaryIds, result: LinkResult) -> pa.Table:
    """records.parquet, as Arrow."""
    decided_by = record_decisions(result.cluster, result.pairs)
    return to_table(
        handoff.check_records(build_records(records, ids, result.record_probability, decided_by)),
        dictionary.RECORDS,
        "records",
    )
