"""The encoded extract on disk: the file `benelink encode` writes and a run reads.

A Parquet file of tokens, keyed Bloom filters and keyed birth-date codes — no
raw personal value — with a description on every column and the encoding's
parameters (version, key fingerprint, source, month) in its metadata.
docs/encoding.md is the specification; this module is the only one that reads
or writes it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.anonymize.encode import (
    BIRTH_CODE_COLUMNS,
    BLOOM_COLUMNS,
    CLEAR_COLUMNS,
    DEFAULT_BLOOM,
    ENCODED_COLUMNS,
    ENCODING_VERSION,
    READABLE_VERSIONS,
    SKELETON_COLUMNS,
)
from benelink.errors import UnreadableFileError

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
    version = meta.get("encoding_version")
    if meta.get("format") != FILE_FORMAT or version not in READABLE_VERSIONS:
        raise UnreadableFileError(
            f"{label}: not a benelink encoded file of version {ENCODING_VERSION}; "
            "ask the partner to write it with `benelink encode` of this release"
        )
    missing = [c for c in ENCODED_COLUMNS if c not in table.column_names]
    if version == 1:  # written before the skeletons: they are missing, not wrong
        missing = [c for c in missing if c not in SKELETON_COLUMNS]
    if missing:
        raise UnreadableFileError(f"{label}: encoded file lacks {', '.join(missing)}")
    frame = table.to_pandas()
    for column in SKELETON_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.Series(None, index=frame.index, dtype=object)
    return frame, meta
