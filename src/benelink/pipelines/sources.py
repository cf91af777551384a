"""A month's partner files, from disk to pseudonymised records: ingest → validate →
standardise → pseudonymise.

These four stages are the same for a monthly run, for a partner's `benelink
encode`, for the benchmarks and for the tests, so they are wired here once;
each hands the next a typed value and drops what the next no longer needs (at a
million records, a file's frame held one stage too long is a gigabyte).
:func:`prepare_month` runs all four at once and writes nothing.

The per-value Python of standardising and tokenising runs on a ``Mapper``
(``benelink.processes``): worker processes for a large month, this process for
a small one; reading and validating run on threads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.tokens import TOKEN_INPUTS, pseudonymize_piece
from benelink.config.model import BenelinkConfig, SourceSettings
from benelink.errors import UnreadableFileError
from benelink.io.read import OpenedFile
from benelink.pipelines.encoded import EncodedSource, load_encoded_source
from benelink.pipelines.ingest import SourceFile, check_month_files, open_source, parse_source
from benelink.pipelines.review import no_review_sources, review_sources
from benelink.pipelines.standardize import plan_standardise, standardize_piece
from benelink.pipelines.validate import (
    REJECT_COLUMNS,
    ValidatedSource,
    reject_limit_message,
    validate_source,
)
from benelink.pipelines.weaker import source_records
from benelink.processes import Mapper, in_process, row_slices, worker_processes
from benelink.progress import RunObserver, StageHandle, Stages
from benelink.schemas import handoff
from benelink.schemas.columns import SourceKind
from benelink.schemas.documents import SourceRecords
from benelink.threads import threaded


@dataclass(frozen=True)
class InputFile:
    """What the report and the manifest say of one partner file."""

    source: str
    kind: SourceKind
    file: str
    sha256: str
    rows: int
    rejected_rows: int

    def to_dict(self) -> dict[str, str | int]:
        return {
            "source": self.source,
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "rejected_rows": self.rejected_rows,
        }


@dataclass(frozen=True)
class MonthFiles:
    """A month's files as read: the clear ones as raw strings, the encoded ones link-ready."""

    clear: tuple[SourceFile, ...]
    encoded: tuple[EncodedSource, ...]

    @property
    def rows(self) -> int:
        """Rows of the clear files (encoded files are not validated here)."""
        return sum(s.n_rows for s in self.clear)

    def counts(self) -> dict[str, int]:
        rows = {s.name: s.n_rows for s in self.clear} | {e.name: e.n_rows for e in self.encoded}
        return {f"rows_{name}": n for name, n in rows.items()}


@dataclass(frozen=True)
class CheckedSources:
    """The clear sources after validation: the rows kept, and every reject."""

    sources: tuple[ValidatedSource, ...]
    rejects: pd.DataFrame

    @property
    def rows(self) -> int:
        """Rows kept, all sources together."""
        return sum(len(v.valid) for v in self.sources)

    def counts(self) -> dict[str, int]:
        return {f"rejected_{v.name}": v.rejected_rows for v in self.sources}

    def over_limit(self, cfg: BenelinkConfig, rejects_path: Path | None = None) -> list[str]:
        """The one-line refusal of each source whose share of rejected rows is over its
        configured limit."""
        return [
            reject_limit_message(
                v,
                cfg.sources[v.name].max_reject_rate,
                cfg.sources[v.name].file,
                rejects_path=rejects_path,
            )
            for v in self.sources
            if v.reject_rate > cfg.sources[v.name].max_reject_rate
        ]

    def emptied(self) -> CheckedSources:
        """The same, without the kept rows: their counts stay for the report."""
        return replace(
            self, sources=tuple(replace(v, valid=v.valid.iloc[:0]) for v in self.sources)
        )


@dataclass(frozen=True)
class StandardisedRecords:
    """Every kept row as the link stage compares it, and the raw fields a reviewer reads,
    in the same order."""

    records: pd.DataFrame  # STANDARD_COLUMNS (schemas.columns), Arrow-backed
    review_fields: pd.DataFrame  # review_sources(): raw values for the review queue only
    by_source: dict[str, SourceRecords]  # what each source's records have, for the report


def input_files(files: MonthFiles, checked: CheckedSources) -> list[InputFile]:
    """One line per partner file, clear and encoded, for the report and the manifest."""
    rejected = {v.name: v.rejected_rows for v in checked.sources}
    clear = [
        InputFile(s.name, s.kind, s.path.name, s.sha256, s.n_rows, rejected.get(s.name, 0))
        for s in files.clear
    ]
    encoded = [InputFile(e.name, e.kind, e.path.name, e.sha256, e.n_rows, 0) for e in files.encoded]
    return clear + encoded


def read_month_files(
    cfg: BenelinkConfig,
    month: str,
    fingerprint: str | None,
    *,
    threads: int = 0,
    progress: StageHandle | None = None,
) -> MonthFiles:
    """Ingest: every configured file of ``month`` read on its own thread.

    All missing files are named at once. An encoded file made under another key
    than ``fingerprint`` is refused (``None``: not checked).
    """
    folder = cfg.incoming_dir(month)
    missing = check_month_files(cfg, month)
    if missing:
        raise UnreadableFileError(
            f"{folder}: missing {', '.join(missing)}; put the partner files there "
            f"or fix the file names in {cfg.path.name}"
        )

    def open_(item: tuple[str, SourceSettings]) -> OpenedFile | None:
        name, settings = item
        if settings.file_format == "encoded":  # read whole in the second pass
            return None
        return open_source(name, settings, folder, config_label=cfg.path.name)

    def load(
        item: tuple[tuple[str, SourceSettings], OpenedFile | None],
    ) -> SourceFile | EncodedSource:
        (name, settings), opened = item
        if opened is None:  # tokens only, from `benelink encode`
            return load_encoded_source(name, settings, folder, fingerprint, month)
        source = parse_source(name, settings, opened, config_label=cfg.path.name)
        handoff.check_canonical(source.frame)
        return source

    # every file opened and checked before any is parsed (io.read.OpenedFile says why)
    items = list(cfg.sources.items())
    opened = list(threaded(open_, items, threads))
    clear: list[SourceFile] = []
    encoded: list[EncodedSource] = []
    for source in threaded(load, list(zip(items, opened, strict=True)), threads):
        if isinstance(source, EncodedSource):
            encoded.append(source)
        else:
            clear.append(source)
        if progress is not None:
            progress.advance()
    return MonthFiles(tuple(clear), tuple(encoded))


def validate_month(
    files: MonthFiles, *, threads: int = 0, progress: StageHandle | None = None
) -> CheckedSources:
    """Validate: every clear file checked on its own thread, each failure collected."""
    validated = []
    for checked in threaded(validate_source, list(files.clear), threads):
        validated.append(checked)
        if progress is not None:
            progress.advance(checked.n_rows)
    rejects = (  # every source may be encoded: then no clear file has rejects
        pd.concat([v.rejects for v in validated], ignore_index=True)
        if validated
        else pd.DataFrame(columns=list(REJECT_COLUMNS))
    )
    return CheckedSources(tuple(validated), rejects)


def standardise_month(
    checked: CheckedSources,
    sources: Mapping[str, SourceSettings],
    *,
    threads: int = 0,
    workers: Mapper = in_process,
    progress: StageHandle | None = None,
) -> StandardisedRecords:
    """Standardise: each source cut into slices, the slices standardised by ``workers``;
    what each source's records lack, and what was re-routed, counted for the report."""
    plan = plan_standardise([(v.valid, v.kind) for v in checked.sources], threads)
    standardised = workers(standardize_piece, plan.pieces)
    # the review fields are taken while the workers standardise
    review = pd.concat(
        [review_sources(v.valid) for v in checked.sources] or [no_review_sources()],
        ignore_index=True,
    )
    records = _gathered(standardised, progress)
    return StandardisedRecords(records, review, source_records(records, sources, plan.rerouted()))


def pseudonymise_month(
    records: pd.DataFrame,
    key: bytes,
    *,
    threads: int = 0,
    workers: Mapper = in_process,
    progress: StageHandle | None = None,
) -> pd.DataFrame:
    """Pseudonymise: the records with a token for their id and every identifier. Only the
    columns tokens are made of go to the workers, only the tokens come back."""
    inputs = records[[c for c in TOKEN_INPUTS if c in records.columns]]
    slices = [(inputs.iloc[part], key) for part in row_slices(len(records), threads)]
    tokens = _gathered(workers(pseudonymize_piece, slices), progress)
    pseudonymised = records.assign(**{str(c): tokens[c] for c in tokens.columns})
    if len(pseudonymised.columns):  # no columns at all when every source is encoded
        handoff.check_pseudonymised(pseudonymised)
    return pseudonymised


def _gathered(parts: Iterator[pd.DataFrame], progress: StageHandle | None) -> pd.DataFrame:
    """The slices the workers give back, in order, as one frame; the stage's bar moves as
    each slice arrives."""
    gathered = []
    for part in parts:
        gathered.append(part)
        if progress is not None:
            progress.advance(len(part))
    # no slice at all when every source is encoded: the link stage takes an empty frame
    return pd.concat(gathered, ignore_index=True) if gathered else pd.DataFrame()


@dataclass(frozen=True)
class PreparedMonth:
    """A month's clear records ready to link, and what validation said of its files."""

    records: pd.DataFrame  # standardised (and pseudonymised, when a key was given)
    review_fields: pd.DataFrame
    rejects: pd.DataFrame
    inputs: tuple[InputFile, ...]
    encoded: tuple[EncodedSource, ...]
    refused: tuple[str, ...]  # the line a run would stop with, per source over its limit


def prepare_month(
    cfg: BenelinkConfig,
    month: str,
    key: bytes | None,
    *,
    sources: Sequence[str] | None = None,
    observer: RunObserver | None = None,
) -> PreparedMonth:
    """Ingest, validate, standardise and pseudonymise ``month`` as a run does, writing
    nothing: what `benelink encode`, the benchmarks and the tests start from.

    The reject limits are not applied (``rejects`` says what a run would see).
    ``sources`` limits the work to those sources of the configuration; without a
    ``key`` the records are standardised only (no tokens) and encoded files are
    read without checking their key. ``observer`` hears of each stage as a run's
    does (``benelink.progress``).
    """
    chosen: Mapping[str, SourceSettings] = (
        cfg.sources if sources is None else {s: cfg.sources[s] for s in sources}
    )
    cfg = cfg.model_copy(update={"sources": dict(chosen)})
    stages, threads = Stages(observer), cfg.run.threads
    fingerprint = key_fingerprint(key) if key is not None else None
    with stages.stage("ingest", total=len(chosen), unit="files") as st:
        files = read_month_files(cfg, month, fingerprint, threads=threads, progress=st)
    with stages.stage("validate", total=files.rows, unit="rows") as st:
        checked = validate_month(files, threads=threads, progress=st)
    inputs = tuple(input_files(files, checked))
    encoded = files.encoded
    refused = tuple(checked.over_limit(cfg))
    del files
    with worker_processes(threads, checked.rows) as workers:
        with stages.stage("standardize", total=checked.rows, unit="rows") as st:
            standard = standardise_month(
                checked, cfg.sources, threads=threads, workers=workers, progress=st
            )
        records = standard.records
        if key is not None:
            with stages.stage("pseudonymize", total=len(records), unit="rows") as st:
                records = pseudonymise_month(
                    records, key, threads=threads, workers=workers, progress=st
                )
    return PreparedMonth(records, standard.review_fields, checked.rejects, inputs, encoded, refused)
