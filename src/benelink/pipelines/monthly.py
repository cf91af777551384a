"""One monthly run, wired in one place: the past → ingest → validate → standardise →
pseudonymise → link → persist → publish → write.

Reading ``run_month`` is reading the pipeline: what earlier months left is
read once, at the start (``pipelines.past``); each stage is a function with a
typed result that the next one takes; the report and the manifest are built in
one place (``pipelines.publish``); and everything the month writes is written
at the end, all or nothing (``io.month``). The one exception is a month
refused for too many rejected rows: its rejects file is written then, because
the officer needs it to send back to the partner.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from benelink.anonymize.keys import key_fingerprint
from benelink.config.model import BenelinkConfig, LinkageSettings
from benelink.errors import RejectLimitError
from benelink.io.layout import OutputLayout
from benelink.io.lock import run_lock
from benelink.io.month import write_month
from benelink.io.snapshot import migrate_layout, write_rejects
from benelink.io.staging import cannot_write, check_output_folder
from benelink.linkage.carry import CarriedPairs
from benelink.linkage.kept import KeptModel
from benelink.linkage.link import LinkResult, PairProgress, link_records
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.linking import LastMonth, Linker, link_month
from benelink.pipelines.order import check_order
from benelink.pipelines.past import Past, read_past
from benelink.pipelines.persist import carry_ids
from benelink.pipelines.publish import publish_month
from benelink.pipelines.render import officer_pages, render_report
from benelink.pipelines.sources import (
    input_files,
    pseudonymise_month,
    read_month_files,
    standardise_month,
    validate_month,
)
from benelink.processes import worker_processes
from benelink.progress import RunObserver, Stages
from benelink.schemas.documents import Manifest, Report

Engine = Literal["local", "spark"]


@dataclass(frozen=True)
class MonthResult:
    """What a run produced, for the CLI summary."""

    month: str
    snapshot: Path
    report: Report
    manifest: Manifest


def run_month(
    cfg: BenelinkConfig,
    month: str,
    key: bytes,
    *,
    observer: RunObserver | None = None,
    now: datetime | None = None,
    engine: Engine = "local",
    spark_master: str = "local[2]",
    rebuilding: bool = False,
) -> MonthResult:
    """Run the whole monthly merge for ``month`` and write its snapshot, under the lock.

    ``engine="spark"`` runs the link stage's comparisons and scoring on PySpark
    (``spark_master``: ``local[N]``, ``spark://host:7077``, ``yarn``); every other
    stage, and the result, is the same. A month with later snapshots is refused
    unless ``rebuilding`` (``benelink rebuild`` runs the later ones next, in order).
    """

    def linker(
        records: pd.DataFrame,
        settings: LinkageSettings,
        decisions: pd.DataFrame | None,
        form: RecordForm,
        progress: PairProgress,
        kept: KeptModel | None,
        carried: CarriedPairs | None,
    ) -> LinkResult:
        return _link(
            records,
            settings,
            decisions,
            form,
            progress,
            kept,
            carried,
            engine=engine,
            spark_master=spark_master,
            threads=cfg.run.threads,
        )

    try:
        check_output_folder(cfg.out_dir)
        with run_lock(cfg.out_dir, month):
            migrate_layout(cfg.out_dir)  # an output folder of release 0.1: one layout for all
            check_order(cfg, month, rebuilding=rebuilding)
            return _run(cfg, month, key, observer, now, linker)
    except OSError as exc:  # the output volume: full, read-only, a file where a folder belongs
        raise cannot_write(exc, month) from None


def _run(
    cfg: BenelinkConfig,
    month: str,
    key: bytes,
    observer: RunObserver | None,
    now: datetime | None,
    linker: Linker,
) -> MonthResult:
    stages, threads, out_dir = Stages(observer), cfg.run.threads, cfg.out_dir
    fingerprint = key_fingerprint(key)
    past = read_past(out_dir, month, fingerprint)

    with stages.stage("ingest", total=len(cfg.sources), unit="files") as st:
        files = read_month_files(cfg, month, fingerprint, threads=threads, progress=st)
        st.counts.update(files.counts())

    with stages.stage("validate", total=files.rows, unit="rows") as st:
        checked = validate_month(files, threads=threads, progress=st)
        st.counts.update(checked.counts())
    inputs, encoded, rejects = input_files(files, checked), files.encoded, checked.rejects
    del files  # the partner files' cells: validated, kept rows now in `checked`
    refused = checked.over_limit(cfg, OutputLayout(out_dir).rejects(month))
    if refused:
        write_rejects(out_dir, month, rejects)  # the partner needs them to fix the file
        raise RejectLimitError(" | ".join(refused))

    with worker_processes(threads, checked.rows) as workers:
        # the partners' frames are let go in this stage: pandera's accessor ties each one
        # validation saw to itself, so its end collects the cycles (benelink.memory)
        with stages.stage(
            "standardize", total=checked.rows, unit="rows", collect_cycles=True
        ) as st:
            standard = standardise_month(
                checked, cfg.sources, threads=threads, workers=workers, progress=st
            )
            del checked  # only the review fields of the partner's rows stay
            st.counts["records"] = len(standard.records)

        records = standard.records
        with stages.stage("pseudonymize", total=len(records), unit="rows") as st:
            records = pseudonymise_month(
                records, key, threads=threads, workers=workers, progress=st
            )
            st.counts["records"] = len(records)

    with stages.stage("link") as st:
        linked = link_month(
            records,
            standard.review_fields,
            encoded,
            key,
            past.decisions,
            cfg.linkage,
            linker,
            st,
            past.model,
            _last_month(past, cfg.linkage),
            past.registry,
        )
        by_source = standard.by_source
        del records, standard  # names, id numbers and phones leave memory here
        st.counts.update(linked.counts())

    with stages.stage("persist") as st:
        identities = carry_ids(
            linked.records["record_token"],
            linked.result.cluster,
            past.registry,
            past.last_ids,
            key,
            month,
            identifiers=linked.registry_columns(),
        )
        changes = identities.changes
        st.counts.update(
            new=changes.new,
            continuing=changes.continuing,
            returning=changes.returning,
            exited=changes.exited,
            re_registered=changes.re_registered,
        )

    with stages.stage("write") as st:
        outputs = publish_month(
            cfg,
            month,
            fingerprint,
            linked,
            identities,
            past,
            inputs,
            rejects,
            by_source,
            stages.timings,
            now or datetime.now(UTC),
        )
        written = write_month(
            out_dir,
            month,
            fingerprint=fingerprint,
            registry=outputs.registry,
            rejects=outputs.rejects,
            tables=outputs.tables,
            documents={
                "report.json": outputs.report,
                "report.html": render_report(outputs.report),
                **officer_pages(outputs.report),
                "manifest.json": outputs.manifest,
            },
            review_queue=outputs.review_queue,
            caseload_lists=outputs.caseload_lists,
            threads=threads,
            model=outputs.model,
        )
        st.counts.update(
            beneficiaries=outputs.tables["beneficiaries"].num_rows,
            links=outputs.tables["links"].num_rows,
            review=len(outputs.review_queue),
        )
    return MonthResult(month, written, outputs.report, outputs.manifest)


def _last_month(past: Past, settings: LinkageSettings) -> LastMonth | None:
    """Last month, for the pairs that keep its decisions; None in a first month, or when
    a refit is asked for (every pair is then judged by the new model)."""
    if settings.refit_model or past.registry is None or past.last_links is None:
        return None
    assert past.previous_month is not None  # a snapshot's links were read
    return LastMonth(past.last_links, past.previous_month)


def _link(
    records: pd.DataFrame,
    settings: LinkageSettings,
    decisions: pd.DataFrame | None,
    form: RecordForm,
    progress: PairProgress,
    kept: KeptModel | None,
    carried: CarriedPairs | None,
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
        kept=kept,
        carried=carried,
    )
    if engine == "local":
        return link()
    from benelink.linkage.spark import spark_engine

    with spark_engine(spark_master) as on_spark:
        return link(engine=on_spark)
