"""The partner's side of encoding: `benelink encode` turns one source of a month into
tokens and keyed name encodings, with no raw personal value (docs/encoding.md).

The source goes through the run's own first stages (``pipelines.sources``), so
its records are exactly those a run would link, then through
``anonymize.encode.encode_records``; ``io.encoded`` writes the file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from benelink import __version__
from benelink.anonymize.encode import DEFAULT_BLOOM, ENCODING_VERSION, encode_records
from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.tokens import TOKEN_VERSION
from benelink.config.model import BenelinkConfig
from benelink.errors import ConfigError, RejectLimitError
from benelink.io.encoded import FILE_FORMAT, write_encoded
from benelink.pipelines.sources import prepare_month


@dataclass(frozen=True)
class EncodeSummary:
    """What `benelink encode` wrote, for the command's summary line."""

    path: Path
    rows: int
    records: int
    rejected_rows: int
    key_fingerprint: str


def encode_month(
    cfg: BenelinkConfig, source: str, month: str, key: bytes, out_path: Path
) -> EncodeSummary:
    """Read, validate, standardise and tokenise one source; write its encoded file."""
    if source not in cfg.sources:
        raise ConfigError(
            f"no [sources.{source}] in {cfg.path.name}; choose one of {', '.join(cfg.sources)}"
        )
    settings = cfg.sources[source]
    if settings.file_format == "encoded":
        raise ConfigError(f"[sources.{source}] is already encoded; point it at the partner's file")
    prepared = prepare_month(cfg, month, key, sources=[source])
    if prepared.refused:
        raise RejectLimitError(" | ".join(prepared.refused))
    encoded = encode_records(prepared.records, key).reset_index(drop=True)
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
    (summary,) = prepared.inputs
    return EncodeSummary(out_path, summary.rows, len(encoded), summary.rejected_rows, fingerprint)
