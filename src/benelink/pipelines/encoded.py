"""Encoded sources: the partner's `benelink encode`, and what a run does with its file.

A partner runs its own extract through ingest → validate → standardise →
tokens → ``anonymize.encode.encode_records`` and writes the encoded extract
(``io.encoded.write_encoded``). The centre's run reads it back (``load_encoded_source``),
refusing a file made under another key, and links every record in encoded
form (``link_inputs``): the clear sources are encoded in memory with the same
function, so a clear record and an encoded one are compared like two encoded
ones. docs/encoding.md is the specification of the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benelink import __version__
from benelink.anonymize.encode import (
    CLEAR_COLUMNS,
    DEFAULT_BLOOM,
    ENCODING_VERSION,
    encode_records,
    link_frame,
)
from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.tokens import TOKEN_VERSION, pseudonymize
from benelink.config.model import BenelinkConfig, SourceSettings
from benelink.errors import (
    ConfigError,
    KeyError_,
    RejectLimitError,
    UnreadableFileError,
)
from benelink.io.encoded import FILE_FORMAT, read_encoded, write_encoded
from benelink.io.read import file_sha256, source_path
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.ingest import load_source
from benelink.pipelines.standardize import standardize
from benelink.pipelines.validate import reject_limit_message, validate_source
from benelink.schemas.columns import SOURCE, SourceKind


@dataclass(frozen=True)
class EncodeSummary:
    """What `benelink encode` wrote, for the command's summary line."""

    path: Path
    rows: int
    records: int
    rejected_rows: int
    key_fingerprint: str


@dataclass(frozen=True)
class EncodedSource:
    """An encoded partner file as the run uses it: records in link form, and its checksum."""

    name: str
    kind: SourceKind
    path: Path
    sha256: str
    n_rows: int
    records: pd.DataFrame


@dataclass(frozen=True)
class LinkInputs:
    """Everything the link stage and the output tables need when a run has encoded sources.

    ``records`` go to ``link_records(records, settings, form=form)`` (the same
    blocking rules and comparisons as in the clear: every encoded column keeps
    the equality of its clear value); ``outputs`` (same rows, same order) go to
    the output builders: clear records as standardised, encoded ones with
    tokens and clear attributes only (no birth year, so no age).
    """

    records: pd.DataFrame
    outputs: pd.DataFrame
    form: RecordForm = "encoded"


def encode_month(
    cfg: BenelinkConfig, source: str, month: str, key: bytes, out_path: Path
) -> EncodeSummary:
    """The partner's side: read, validate and standardise one source, write its encoded file."""
    if source not in cfg.sources:
        raise ConfigError(
            f"no [sources.{source}] in {cfg.path.name}; choose one of {', '.join(cfg.sources)}"
        )
    settings = cfg.sources[source]
    if settings.file_format == "encoded":
        raise ConfigError(f"[sources.{source}] is already encoded; point it at the partner's file")
    loaded = load_source(source, settings, cfg.incoming_dir(month), config_label=cfg.path.name)
    validated = validate_source(loaded)
    if validated.reject_rate > settings.max_reject_rate:
        raise RejectLimitError(
            reject_limit_message(validated, settings.max_reject_rate, settings.file)
        )
    records = pseudonymize(standardize(validated.valid, settings.kind), key)
    encoded = encode_records(records, key).reset_index(drop=True)
    fingerprint = key_fingerprint(key)
    meta = {
        "format": FILE_FORMAT,
        "encoding_version": ENCODING_VERSION,
        "token_version": TOKEN_VERSION,
        "key_fingerprint": fingerprint,
        "source": source,
        "kind": settings.kind,
        "month": month,
        "rows": len(encoded),
        "bloom": dataclasses.asdict(DEFAULT_BLOOM),
        "benelink_version": __version__,
    }
    write_encoded(out_path, encoded, meta)
    rejected = validated.rejects.loc[validated.rejects["action"] == "row_rejected", "row_number"]
    return EncodeSummary(
        out_path, loaded.n_rows, len(encoded), int(rejected.nunique()), fingerprint
    )


def load_encoded_source(
    name: str,
    settings: SourceSettings,
    folder: Path,
    fingerprint: str | None,
    month: str | None = None,
) -> EncodedSource:
    """Read an encoded source (``format = "encoded"``) as link-ready records.

    Refuses a file made under another key (its tokens would match nothing) or
    written for another source name (record tokens include the name) or month.
    ``fingerprint=None`` (no key at hand: ``benelink validate`` without one)
    leaves the key unchecked.
    """
    path = source_path(folder, settings.file, f"sources.{name}", "the configuration")
    if not path.is_file():
        raise UnreadableFileError(f"{path}: missing; put the partner's encoded file there")
    frame, meta = read_encoded(path, settings.file)
    if fingerprint is not None and meta.get("key_fingerprint") != fingerprint:
        raise KeyError_(
            f"{settings.file} was encoded under the key with fingerprint "
            f"{meta.get('key_fingerprint')}, this run's key is {fingerprint}: "
            "give the partner the run's key and ask for the file again"
        )
    if meta.get("source") != name:
        raise ConfigError(
            f"{settings.file} was encoded as source '{meta.get('source')}', the configuration "
            f"calls it '{name}': record tokens include the name, so the partner must encode "
            f"with --source {name}"
        )
    if month is not None and meta.get("month") != month:
        raise UnreadableFileError(
            f"{settings.file} was encoded for {meta.get('month')}, the run is for {month}: "
            "ask the partner for this month's file"
        )
    return EncodedSource(
        name, settings.kind, path, file_sha256(path), len(frame), link_frame(frame, name)
    )


def link_inputs(
    records_clear: pd.DataFrame, encoded: Sequence[pd.DataFrame], key: bytes
) -> LinkInputs:
    """All records in encoded form for the link stage, the clear ones encoded in memory.

    ``records_clear`` are the standardised, pseudonymised records of the clear
    sources (``record_token`` present); ``encoded`` the ``records`` of each
    ``EncodedSource``. Positions: the clear records first, then each encoded
    source in order — the same in ``records`` and ``outputs``. When every source is
    encoded, ``records_clear`` may be a frame without columns.
    """
    if SOURCE not in records_clear.columns:
        records_clear = no_clear_records(key)
    clear_link = link_frame(encode_records(records_clear, key), records_clear[SOURCE])
    records = pd.concat([clear_link, *encoded], ignore_index=True)
    columns = list(records_clear.columns)
    dtypes = records_clear.dtypes.to_dict()
    kept = [SOURCE, "record_token", *CLEAR_COLUMNS, *_token_columns(columns)]
    shaped = [
        e[[c for c in kept if c in e.columns]].reindex(columns=columns).astype(dtypes)
        for e in encoded
    ]
    outputs = pd.concat([records_clear.reset_index(drop=True), *shaped], ignore_index=True)
    return LinkInputs(records, outputs)


def no_clear_records(key: bytes) -> pd.DataFrame:
    """No record, in the columns and types a clear source's records have after the
    pseudonymise stage: the output tables take their columns from them."""
    empty = pd.DataFrame({c: pd.Series(dtype="string") for c in (SOURCE, "source_record_id")})
    return pseudonymize(standardize(empty, "naf"), key)


def _token_columns(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c.endswith("_token") and c != "record_token"]
