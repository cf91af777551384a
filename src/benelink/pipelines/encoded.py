"""Encoded sources: the partner's `benelink encode`, and what a run does with its file.

A partner runs its own extract through ingest → validate → standardise →
tokens → ``anonymize.encode.encode_records`` and writes the encoded extract
(``write_encoded``). The centre's run reads it back (``load_encoded_source``),
refusing a file made under another key, and links every record in encoded
form (``link_inputs``): the clear sources are encoded in memory with the same
function, so a clear record and an encoded one are compared like two encoded
ones. docs/encoding.md is the specification of the file.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink import __version__
from benelink.anonymize.encode import (
    BIRTH_CODE_COLUMNS,
    BLOOM_COLUMNS,
    CLEAR_COLUMNS,
    DEFAULT_BLOOM,
    ENCODED_COLUMNS,
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
from benelink.io.read import file_sha256, source_path
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.ingest import load_source
from benelink.pipelines.standardize import standardize
from benelink.pipelines.validate import reject_limit_message, validate_source
from benelink.schemas.columns import SOURCE, SourceKind

METADATA_KEY: Final = b"benelink.encoding"
FILE_FORMAT: Final = "benelink-encoded"

DESCRIPTIONS: Final[Mapping[str, str]] = {
    "record_token": "token of the partner's record id (docs/tokens.md, field 'record')",
    "national_number_token": "token of the 10-digit national number",
    "unhcr_individual_token": "token of the UNHCR individual id",
    "unhcr_case_token": "token of the UNHCR case id",
    "phone_token": "token of the E.164 phone number",
    "locality_token": "token of the case-folded locality",
    **{c: "keyed Bloom filter of a name part's bigrams (docs/encoding.md)" for c in BLOOM_COLUMNS},
    "birth_year_code": "keyed code of the birth year",
    "birth_month_code": "keyed code of (birth year, month)",
    "birth_day_code": "keyed code of (birth year, day), same domain as the month code",
    **{c: "as standardised, in the clear" for c in CLEAR_COLUMNS},
}


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


def to_table(encoded: pd.DataFrame, meta: Mapping[str, Any]) -> pa.Table:
    """The encoded extract as a typed Arrow table with descriptions and the encoding metadata."""
    types: dict[str, pa.DataType] = {c: pa.string() for c in ENCODED_COLUMNS}
    types.update({c: pa.binary(DEFAULT_BLOOM.n_bytes) for c in BLOOM_COLUMNS})
    types.update({c: pa.int32() for c in BIRTH_CODE_COLUMNS})
    arrays = []
    fields = []
    for column in ENCODED_COLUMNS:
        values = encoded[column].astype(object)
        arrays.append(pa.array(values, type=types[column], from_pandas=True))
        fields.append(
            pa.field(column, types[column], metadata={"description": DESCRIPTIONS[column]})
        )
    schema = pa.schema(fields, metadata={METADATA_KEY: json.dumps(dict(meta), sort_keys=True)})
    return pa.Table.from_arrays(arrays, schema=schema)


def write_encoded(path: Path, encoded: pd.DataFrame, meta: Mapping[str, Any]) -> None:
    """Write the file whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    try:
        pq.write_table(to_table(encoded, meta), staging, compression="zstd")
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)


def read_encoded(path: Path, label: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The encoded extract and its metadata; anything else is an ``UnreadableFileError``."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableFileError(
            f"{label}: cannot be read as an encoded file ({type(exc).__name__}); "
            "ask the partner to run `benelink encode` again"
        ) from None
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:  # damaged metadata: the file is not one `benelink encode` wrote
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    if meta.get("format") != FILE_FORMAT or meta.get("encoding_version") != ENCODING_VERSION:
        raise UnreadableFileError(
            f"{label}: not a benelink encoded file of version {ENCODING_VERSION}; "
            "ask the partner to write it with `benelink encode` of this release"
        )
    missing = [c for c in ENCODED_COLUMNS if c not in table.column_names]
    if missing:
        raise UnreadableFileError(f"{label}: encoded file lacks {', '.join(missing)}")
    return table.to_pandas(), meta


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
