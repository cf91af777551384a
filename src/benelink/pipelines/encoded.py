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

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benelink.anonymize.encode import (
    CLEAR_COLUMNS,
    encode_records,
    link_frame,
)
from benelink.anonymize.tokens import pseudonymize
from benelink.config.model import SourceSettings
from benelink.errors import (
    ConfigError,
    KeyError_,
    UnreadableFileError,
)
from benelink.io.encoded import read_encoded
from benelink.io.read import file_sha256, source_path
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.standardize import standardize
from benelink.schemas.columns import SOURCE, SourceKind


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
