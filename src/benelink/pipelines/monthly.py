"""One monthly run, wired in one place: read → validate → standardise →
pseudonymise → link → carry ids → build tables → write.

This module and ``benelink.io`` are the only places that touch the disk; the
stages in between are functions from frames to frames. Reading the order of
the calls in ``run_month`` is reading the pipeline.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from benelink import __version__
from benelink.anonymize.disclosure import check_release, protect
from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.officers import publish_officers
from benelink.anonymize.tokens import TOKEN_INPUTS, TOKEN_VERSION, pseudonymize_piece
from benelink.config.model import BenelinkConfig, LinkageSettings, SourceSettings
from benelink.errors import RejectLimitError, UnreadableFileError
from benelink.io import review as review_io
from benelink.io import snapshot, state
from benelink.io.lock import run_lock
from benelink.io.past import read_past
from benelink.io.staging import StagedWrites, cannot_write, check_output_folder
from benelink.linkage.link import LinkResult, PairProgress, link_records
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.encoded import EncodedSource, link_inputs, load_encoded_source
from benelink.pipelines.ingest import SourceFile, check_month_files, load_source
from benelink.pipelines.outputs import (
    build_beneficiaries,
    build_links,
    build_records,
    output_fields,
)
from benelink.pipelines.persist import IdentityChanges, assign_ids, first_seen_months
from benelink.pipelines.render import render_report
from benelink.pipelines.report import build_report
from benelink.pipelines.review import (
    decisions_by_position,
    no_review_sources,
    record_decisions,
    review_queue,
    review_sources,
)
from benelink.pipelines.standardize import standardize_piece, standardize_pieces
from benelink.pipelines.validate import (
    REJECT_COLUMNS,
    ValidatedSource,
    reject_limit_message,
    validate_source,
)
from benelink.processes import row_slices, worker_processes
from benelink.progress import RunObserver, StageHandle, Stages
from benelink.schemas import outputs as dictionary
from benelink.threads import threaded

Engine = Literal["local", "spark"]


@dataclass(frozen=True)
class MonthResult:
    """What a run produced, for the CLI summary."""

    month: str
    snapshot: Path
    report: dict[str, Any]
    manifest: dict[str, Any]


def run_month(
    cfg: BenelinkConfig,
    month: str,
    key: bytes,
    *,
    observer: RunObserver | None = None,
    now: datetime | None = None,
    engine: Engine = "local",
    spark_master: str = "local[2]",
) -> MonthResult:
    """Run the whole monthly merge for ``month`` and write its snapshot, under the lock.

    ``engine="spark"`` runs the link stage's comparisons and scoring on PySpark
    (``spark_master``: ``local[N]``, ``spark://host:7077``, ``yarn``); every other
    stage, and the result, is the same.
    """
    linker = functools.partial(
        _link, engine=engine, spark_master=spark_master, threads=cfg.run.threads
    )
    try:
        check_output_folder(cfg.out_dir)
        with run_lock(cfg.out_dir, month):
            return _run_locked(cfg, month, key, observer, now, linker)
    except OSError as exc:  # the output volume: full, read-only, a file where a folder belongs
        raise cannot_write(exc, month) from None


def _run_locked(
    cfg: BenelinkConfig,
    month: str,
    key: bytes,
    observer: RunObserver | None,
    now: datetime | None,
    linker: Callable[
        [
            pd.DataFrame,
            LinkageSettings,
            pd.DataFrame | None,
            RecordForm,
            PairProgress,
        ],
        LinkResult,
    ],
) -> MonthResult:
    stages = Stages(observer)
    threads = cfg.run.threads
    out_dir = cfg.out_dir
    folder = cfg.incoming_dir(month)
    fingerprint = key_fingerprint(key)
    past = read_past(out_dir, month, fingerprint)

    with stages.stage("ingest", total=len(cfg.sources), unit="files") as st:
        missing = check_month_files(cfg, month)
        if missing:
            raise UnreadableFileError(
                f"{folder}: missing {', '.join(missing)}; put the partner files there "
                f"or fix the file names in {cfg.path.name}"
            )

        def load(item: tuple[str, SourceSettings]) -> SourceFile | EncodedSource:
            name, settings = item
            if settings.file_format == "encoded":  # tokens only, from `benelink encode`
                return load_encoded_source(name, settings, folder, fingerprint, month)
            return load_source(name, settings, folder, config_label=cfg.path.name)

        loaded: list[SourceFile] = []
        encoded: list[EncodedSource] = []
        for source in threaded(load, list(cfg.sources.items()), threads):
            if isinstance(source, EncodedSource):
                encoded.append(source)
            else:
                loaded.append(source)
            st.advance()
        st.counts.update({f"rows_{s.name}": s.n_rows for s in loaded})
        st.counts.update({f"rows_{e.name}": e.n_rows for e in encoded})
    n_rows = sum(s.n_rows for s in loaded)

    with stages.stage("validate", total=n_rows, unit="rows") as st:
        validated = []
        for i, checked in enumerate(threaded(validate_source, loaded, threads)):
            validated.append(checked)
            # the file's frame has been validated: keep its fingerprint and counts only
            loaded[i] = replace(loaded[i], frame=loaded[i].frame.iloc[:0])
            st.advance(loaded[i].n_rows)
        rejects = (  # every source may be encoded: then no clear file has rejects
            pd.concat([v.rejects for v in validated], ignore_index=True)
            if validated
            else pd.DataFrame(columns=list(REJECT_COLUMNS))
        )
        st.counts.update({f"rejected_{v.name}": _rejected_rows(v) for v in validated})
        rejects_path = snapshot.write_rejects(out_dir, month, rejects)
        over = [
            reject_limit_message(
                v,
                cfg.sources[v.name].max_reject_rate,
                cfg.sources[v.name].file,
                rejects_path=rejects_path,
            )
            for v in validated
            if v.reject_rate > cfg.sources[v.name].max_reject_rate
        ]
        if over:
            raise RejectLimitError(" | ".join(over))

    rows = sum(len(v.valid) for v in validated)
    with worker_processes(threads, rows) as in_workers:
        with stages.stage("standardize", total=rows, unit="rows") as st:
            pieces = standardize_pieces([(v.valid, v.kind) for v in validated], threads)
            standardized = in_workers(standardize_piece, pieces)
            # the review fields are taken here while the workers standardise
            raw = pd.concat(
                [review_sources(v.valid) for v in validated] or [no_review_sources()],
                ignore_index=True,
            )
            records = _gathered(standardized, st)
            del pieces
            # only the review fields stay
            validated = [replace(v, valid=v.valid.iloc[:0]) for v in validated]
            st.counts["records"] = len(records)

        with stages.stage("pseudonymize", total=len(records), unit="rows") as st:
            token_inputs = records[[c for c in TOKEN_INPUTS if c in records.columns]]
            slices = [(token_inputs.iloc[part], key) for part in row_slices(len(records), threads)]
            tokens = _gathered(in_workers(pseudonymize_piece, slices), st)
            del token_inputs, slices
            records = records.assign(**{str(c): tokens[c] for c in tokens.columns})
            st.counts["records"] = len(records)

    with stages.stage("link") as st:
        link_frame = records
        form: RecordForm = "clear"
        if encoded:  # every record is linked in encoded form, the clear ones encoded here
            prepared = link_inputs(records, [e.records for e in encoded], key)
            link_frame, records, form = prepared.records, prepared.outputs, prepared.form
            raw = pd.concat(
                [raw, pd.DataFrame({"source": records["source"].iloc[len(raw) :].to_numpy()})],
                ignore_index=True,
            )
        linked = linker(
            link_frame,
            cfg.linkage,
            decisions_by_position(past.decisions, records["record_token"]),
            form,
            st,
        )
        del link_frame
        records = output_fields(records)  # the clear values are not needed any more
        st.counts.update(
            candidate_pairs=linked.n_candidate_pairs,
            max_block_size=linked.max_block_size,
            matches=int((linked.pairs["decision"] == "match").sum()),
            review=int((linked.pairs["decision"] == "review").sum()),
        )
        # records blocking could not pair (blocks over the cap), and identical copies
        st.counts.update(_blocking_counts(linked))

    with stages.stage("persist") as st:
        known = past.registry
        ids, changes = assign_ids(
            records["record_token"], linked.cluster, known, key, past.last_ids
        )
        registry = state.updated_registry(known, records["record_token"], ids.per_record(), month)
        first_seen = first_seen_months(registry, ids)
        st.counts.update(
            new=changes.new,
            continuing=changes.continuing,
            returning=changes.returning,
            exited=changes.exited,
        )

    with stages.stage("write") as st:
        decided_by = record_decisions(linked.cluster, linked.pairs)
        kinds = {name: s.kind for name, s in cfg.sources.items()}
        people = build_beneficiaries(
            records, ids, linked.record_probability, linked.conflict, kinds, month, first_seen
        )
        people = publish_officers(people, cfg.disclosure.k)  # release and report alike
        # the analyst release passes the disclosure check; the report counts everyone
        beneficiaries, disclosure = protect(people, cfg.disclosure)
        # each table becomes Arrow (compact) as soon as it is built, its frame let go
        tables = {
            "beneficiaries": snapshot.to_table(
                beneficiaries, dictionary.BENEFICIARIES, "beneficiaries"
            )
        }
        del beneficiaries
        disclosure = check_release(tables["beneficiaries"], disclosure)  # the file as written
        tables["records"] = snapshot.to_table(
            build_records(records, ids, linked.record_probability, decided_by),
            dictionary.RECORDS,
            "records",
        )
        links = build_links(records, linked.pairs, cfg.linkage.review_threshold, ids.token_rank)
        inputs = [
            {
                "source": s.name,
                "kind": s.kind,
                "file": s.path.name,
                "sha256": s.sha256,
                "rows": s.n_rows,
                "rejected_rows": _rejected_rows(v),
            }
            for s, v in zip(loaded, validated, strict=True)
        ] + [
            {
                "source": e.name,
                "kind": e.kind,
                "file": e.path.name,
                "sha256": e.sha256,
                "rows": e.n_rows,
                "rejected_rows": 0,
            }
            for e in encoded
        ]
        report = build_report(
            month=month,
            inputs=inputs,
            rejects=rejects,
            beneficiaries=people,
            links=links,
            scored_probabilities=linked.pairs["probability"].to_numpy(),
            n_candidate_pairs=linked.n_candidate_pairs,
            max_block_size=linked.max_block_size,
            parameters=linked.parameters,
            prior=linked.lambda_,
            settings=cfg.linkage,
            changes=changes,
            previous_seekers=past.last_seekers,
        )
        if past.previous_graduation is not None:
            report["previous_graduation"] = past.previous_graduation
        if past.rebuilt_from:
            report["identity_registry_rebuilt_from"] = list(past.rebuilt_from)
        report["linkage"].update(  # what blocking set aside, beside its other figures
            identical_records=linked.identical_records,
            skipped_records=dict(linked.skipped_records),
        )
        report["disclosure"] = disclosure.to_dict()
        queue = review_queue(raw, records["record_token"], linked.pairs)
        reviewed = linked.pairs[linked.pairs["decided_by"] == "reviewed"]
        report["review"] = {
            "queue": len(queue),
            "queue_file": f"restricted/review/month={month}/review.xlsx",
            "decisions_applied": {
                "accept": int((reviewed["decision"] == "match").sum()),
                "reject": int((reviewed["decision"] != "match").sum()),
            },
        }
        st.counts.update(
            beneficiaries=tables["beneficiaries"].num_rows, links=len(links), review=len(queue)
        )
        manifest = _manifest(cfg, month, fingerprint, inputs, changes, stages, now)
        links_table = snapshot.to_table(links, dictionary.LINKS, "links")
        with StagedWrites() as staged:  # all of the month's files, or none of them
            state.stage_registry(staged, out_dir, month, registry, fingerprint)
            stage_snapshot = functools.partial(
                snapshot.stage_snapshot,
                staged,
                out_dir,
                month,
                tables={**tables, "links": links_table},
                documents={
                    "report.json": report,
                    "report.html": render_report(report),
                    "manifest.json": manifest,
                },
            )
            # the workbook (Python) is written while Arrow compresses the tables
            stage_queue = functools.partial(
                review_io.stage_review_queue, staged, out_dir, month, queue
            )
            written, _ = threaded(_call, [stage_snapshot, stage_queue], threads)
            staged.commit()
    return MonthResult(month=month, snapshot=written, report=report, manifest=manifest)


def _call(write: Callable[[], Path]) -> Path:
    return write()


def _gathered(parts: Iterator[pd.DataFrame], stage: StageHandle) -> pd.DataFrame:
    """The slices a stage's workers give back, in order, as one frame; the stage's bar moves
    as each slice arrives."""
    gathered = []
    for part in parts:
        gathered.append(part)
        stage.advance(len(part))
    # no slice at all when every source is encoded: the link stage takes an empty frame
    return pd.concat(gathered, ignore_index=True) if gathered else pd.DataFrame()


def _link(
    records: pd.DataFrame,
    settings: LinkageSettings,
    decisions: pd.DataFrame | None,
    form: RecordForm,
    progress: PairProgress,
    *,
    engine: Engine,
    spark_master: str,
    threads: int,
) -> LinkResult:
    """The link stage on the chosen engine; PySpark is imported only when asked for."""
    link = functools.partial(
        link_records,
        records,
        settings,
        decisions=decisions,
        form=form,
        max_block_size=settings.max_block_size,
        progress=progress,
        threads=threads,
    )
    if engine == "local":
        return link()
    from benelink.linkage.spark import spark_engine

    with spark_engine(spark_master) as on_spark:
        return link(engine=on_spark)


def _blocking_counts(linked: LinkResult) -> dict[str, int]:
    """The run log's blocking figures: copies linked through their representative, records
    left in no block (in all, and per rule that left any)."""
    skipped = {f"skipped_records_{r}": n for r, n in linked.skipped_records.items() if n}
    total = sum(linked.skipped_records.values())
    return {"identical_records": linked.identical_records, "skipped_records": total, **skipped}


def _rejected_rows(v: ValidatedSource) -> int:
    return v.rejected_rows


def _manifest(
    cfg: BenelinkConfig,
    month: str,
    fingerprint: str,
    inputs: list[dict[str, Any]],
    changes: IdentityChanges,
    stages: Stages,
    now: datetime | None,
) -> dict[str, Any]:
    return {
        "month": month,
        "benelink_version": __version__,
        "schema_version": dictionary.SNAPSHOT_SCHEMA_VERSION,
        "token_version": TOKEN_VERSION,
        "key_fingerprint": fingerprint,
        "config_sha256": cfg.sha256,
        "inputs": inputs,
        "beneficiaries": {
            "new": changes.new,
            "continuing": changes.continuing,
            "exited": changes.exited,
        },
        "stage_seconds": dict(stages.timings),
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
