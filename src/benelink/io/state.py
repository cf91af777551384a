"""The identity registry in ``<out>/state/``: every record token ever seen and its id.

Carrying ids only through last month's snapshot would give a new id to anyone
who skipped a month. The registry remembers every record token with the id it
last had and the months it was first and last seen, so a person who returns
after a gap keeps their id; and, beside each record, the keyed tokens of the
identifiers it carried (national number, UNHCR individual id), so a person a
partner re-registers under a new record id keeps their id too. One immutable
file per month (``identities-YYYY-MM.parquet``) means a re-run of a month reads
exactly what the first run read. It holds keyed tokens and ids only — no
personal values (docs/keys.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.anonymize.person_keys import PERSON_KEYS, RECORD_DIGEST
from benelink.anonymize.tokens import TOKENISED_FIELDS
from benelink.arrow_text import arrow_series, text_frame
from benelink.io.layout import OutputLayout
from benelink.io.snapshot import REGISTRY_ORDER, damaged
from benelink.io.staging import PRIVATE_FILE, StagedWrites

# the identifiers that name one person (a case number or a phone is shared by a household)
IDENTIFIER_TOKENS = (
    TOKENISED_FIELDS["national_number"],
    TOKENISED_FIELDS["unhcr_individual_id"],
)
REGISTRY_COLUMNS = [
    "record_token",
    "beneficiary_id",
    "first_seen_month",
    "last_seen_month",
    "id_since",  # the month the record's id was first published
    # the keyed tokens of the identifiers the record carried when last seen (may be null)
    *IDENTIFIER_TOKENS,
    # keyed codes of its name and birth date when last seen (anonymize.person_keys; 0: none)
    *PERSON_KEYS,
    # a keyed digest of its compared columns when last seen: unchanged records keep their
    # pairs' decisions (linkage.carry; 0: unknown)
    RECORD_DIGEST,
]
# the int64 columns, 0 where unknown
CODE_COLUMNS = (*PERSON_KEYS, RECORD_DIGEST)
# the file's types, whatever Arrow or Python text the frame held: a month that read last
# month's registry writes the same file as one that built its registry from scratch
REGISTRY_SCHEMA = pa.schema(
    [(c, pa.int64() if c in CODE_COLUMNS else pa.string()) for c in REGISTRY_COLUMNS]
)
# registries written before the person keys, the identifier tokens, ``id_since``: still read
_OLDER_COLUMNS = tuple(REGISTRY_COLUMNS[:k] for k in (11, 7, 5, 4))
_FINGERPRINT = b"benelink.key_fingerprint"


def registry_months(out_dir: Path) -> list[str]:
    """The months that have a registry file, oldest first."""
    return OutputLayout(out_dir).registry_months()


def registry_path(out_dir: Path, month: str) -> Path:
    return OutputLayout(out_dir).registry(month)


_FIX = "delete it and run the month again: benelink then rebuilds the registry from the snapshots"


def read_registry(out_dir: Path, month: str) -> pd.DataFrame | None:
    """The registry as it stood after the latest month before ``month`` (None if none)."""
    earlier = [m for m in registry_months(out_dir) if m < month]
    if not earlier:
        return None
    return registry_of(out_dir, earlier[-1])


def registry_of(out_dir: Path, month: str) -> pd.DataFrame:
    """The registry file written by ``month``'s run."""
    path = registry_path(out_dir, month)
    try:
        frame = text_frame(pq.read_table(path))
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc, _FIX) from None
    columns = list(frame.columns)
    if columns != REGISTRY_COLUMNS and columns not in _OLDER_COLUMNS:
        raise damaged(path, ValueError("columns"), _FIX)
    # an older registry knows no identifier tokens: its people are carried by record id only
    return with_carriers(frame)


def with_carriers(frame: pd.DataFrame) -> pd.DataFrame:
    """The registry with null identifier tokens and no person keys (0) where it has none."""
    nulls = pa.nulls(len(frame), pa.string())
    missing = [c for c in IDENTIFIER_TOKENS if c not in frame.columns]
    frame = frame.assign(**{c: arrow_series(nulls, frame.index) for c in missing})
    no_keys = [c for c in CODE_COLUMNS if c not in frame.columns]
    return frame.assign(**{c: pd.Series(0, index=frame.index, dtype="int64") for c in no_keys})


def registry_fingerprints(out_dir: Path) -> dict[str, str | None]:
    """The key fingerprint stored in every registry file, by month."""
    return {m: fingerprint_of(registry_path(out_dir, m)) for m in registry_months(out_dir)}


def fingerprint_of(path: Path) -> str | None:
    """The key fingerprint stored in one registry file's metadata."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc, _FIX) from None
    value = metadata.get(_FINGERPRINT)
    return value.decode("ascii", errors="replace") if value is not None else None


def stage_registry(
    staged: StagedWrites, out_dir: Path, month: str, registry: pd.DataFrame, fingerprint: str
) -> Path:
    """Write the registry after ``month`` with its key's fingerprint into a staged file
    that ``staged.commit()`` moves into place (before the snapshot); returns the final path.

    The fingerprint lives inside the file, so tokens and the key they were made
    with can never be out of step, whatever moment a run or a rotation is killed.
    The file holds keyed tokens: it is its owner's alone (0600).
    """
    target = registry_path(out_dir, month)
    staging = staged.file(target, order=REGISTRY_ORDER, mode=PRIVATE_FILE)
    table = pa.Table.from_pandas(
        with_carriers(registry)[REGISTRY_COLUMNS], schema=REGISTRY_SCHEMA, preserve_index=False
    )
    table = table.replace_schema_metadata({_FINGERPRINT: fingerprint.encode("ascii")})
    pq.write_table(table, staging, compression="zstd")
    staged.seal(staging, PRIVATE_FILE)
    return target


def read_model(out_dir: Path, month: str) -> dict[str, Any] | None:
    """The link model the latest month before ``month`` used (its JSON document), or None."""
    layout = OutputLayout(out_dir)
    earlier = [m for m in layout.model_months() if m < month]
    if not earlier:
        return None
    path = layout.model(earlier[-1])
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(path, exc, REFIT) from None
    if not isinstance(document, dict):
        raise damaged(path, ValueError("not a JSON object"), REFIT)
    return document


REFIT = "delete it and run the month with --refit-model (benelink then fits a new model)"


def stage_model(staged: StagedWrites, out_dir: Path, month: str, document: dict[str, Any]) -> Path:
    """Write the link model ``month`` used into a staged file committed with the registry.

    It holds the model's probabilities and the month that fitted them, no value of a
    record; it is kept private (0600) like the rest of the state."""
    target = OutputLayout(out_dir).model(month)
    staging = staged.file(target, order=REGISTRY_ORDER, mode=PRIVATE_FILE)
    staging.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    staged.seal(staging, PRIVATE_FILE)
    return target


def write_registry(out_dir: Path, month: str, registry: pd.DataFrame, fingerprint: str) -> Path:
    """The registry written on its own (``stage_registry`` committed at once)."""
    with StagedWrites() as staged:
        target = stage_registry(staged, out_dir, month, registry, fingerprint)
        staged.commit()
    return target
