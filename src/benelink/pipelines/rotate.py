"""Changing the secret key without giving everyone a new beneficiary id.

Tokens cannot be converted from one key to another: they are one-way. What
can be done is to recompute, from the partner files still at hand, each
record's token under both keys and rewrite the identity registry with the new
tokens. Records whose files are no longer at hand cannot be re-keyed; they are
counted, and if such a record comes back later it is treated as new.
Earlier snapshots are left as they are (their record tokens stay under the old
key; join months on ``beneficiary_id``, which does not change).

The registry's identifier tokens (national number, UNHCR individual id) are
re-keyed the same way, from the identifier values the partner files hold; one
that cannot be re-keyed is dropped (null): that record is then carried by its
record token alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.tokens import TOKENISED_FIELDS, record_tokens, token_series
from benelink.config.model import BenelinkConfig
from benelink.errors import KeyError_, UsageError
from benelink.io import state
from benelink.io.layout import OutputLayout
from benelink.io.lock import run_lock
from benelink.pipelines.ingest import load_source
from benelink.standardize import identifiers


@dataclass(frozen=True)
class RotationResult:
    """What the rotation did, for the officer's record."""

    old_fingerprint: str
    new_fingerprint: str
    registry_files: int
    rekeyed: int
    not_rekeyed: int


def rekey_registry(
    registry: pd.DataFrame,
    source_ids: pd.DataFrame,
    old_key: bytes,
    new_key: bytes,
    identifier_values: Mapping[str, pd.Series] | None = None,
) -> tuple[pd.DataFrame, int]:
    """The registry with new-key tokens, and how many rows could not be re-keyed.

    ``identifier_values`` holds, per standardised identifier field (``national_number``,
    ``unhcr_individual_id``), the values the partner files carry; an identifier token
    none of them gives is dropped."""
    ids = source_ids.drop_duplicates()
    translation = pd.Series(
        record_tokens(ids["source"], ids["source_record_id"], new_key).to_numpy(),
        index=record_tokens(ids["source"], ids["source_record_id"], old_key).to_numpy(),
    )
    new_tokens = registry["record_token"].map(translation)
    rekeyed = registry.assign(record_token=new_tokens).dropna(subset=["record_token"])
    for field, column in TOKENISED_FIELDS.items():
        if column not in state.IDENTIFIER_TOKENS or column not in rekeyed.columns:
            continue
        values = pd.Series((identifier_values or {}).get(field, []), dtype="string")
        values = values.dropna().drop_duplicates()
        translated = pd.Series(
            token_series(values, new_key, field).to_numpy(),
            index=token_series(values, old_key, field).to_numpy(),
            dtype="string",
        )
        rekeyed = rekeyed.assign(**{column: rekeyed[column].map(translated).astype("string")})
    # person keys and record digests are made from names, dates, numbers the registry does
    # not hold: they cannot be re-keyed, and come back when each record is seen again
    rekeyed = rekeyed.assign(
        **{c: pd.Series(0, index=rekeyed.index, dtype="int64") for c in state.CODE_COLUMNS}
    )
    return rekeyed.sort_values("record_token", ignore_index=True), int(new_tokens.isna().sum())


def identifier_values(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The standardised national numbers and UNHCR individual ids of a partner file's columns
    (any identifier-like column: partners put ids in each other's columns)."""
    cells = pd.concat(
        [frame[c].dropna().astype(str) for c in _ID_COLUMNS if c in frame.columns]
        or [pd.Series(dtype=str)],
        ignore_index=True,
    ).drop_duplicates()
    return {
        "national_number": cells.map(identifiers.national_number).dropna(),
        "unhcr_individual_id": cells.map(identifiers.unhcr_id).dropna(),
    }


_ID_COLUMNS = ("national_number", "unhcr_individual_id", "unhcr_case_id", "phone")


def rotate_key(
    cfg: BenelinkConfig, months: Sequence[str], old_key: bytes, new_key: bytes
) -> RotationResult:
    """Re-key every identity registry file from the partner files of ``months``.

    Each file is rewritten atomically with the new key's fingerprint inside it,
    so a rotation stopped half-way is simply run again: files already under the
    new key are skipped.
    """
    out_dir = cfg.out_dir
    old_fp, new_fp = key_fingerprint(old_key), key_fingerprint(new_key)
    if old_fp == new_fp:
        raise UsageError("the new key is the same as the current key: nothing to rotate")
    with run_lock(out_dir, "key-rotation"):
        months_on_disk = state.registry_months(out_dir)
        if not months_on_disk:
            raise UsageError(
                f"no identity registry in {OutputLayout(out_dir).state}: nothing to rotate; "
                "simply use the new key from the first run on"
            )
        pending = []
        for month in months_on_disk:
            found = state.fingerprint_of(state.registry_path(out_dir, month))
            if found == old_fp:
                pending.append(month)
            elif found != new_fp:
                raise KeyError_(
                    f"the registry of {month} was made with key {found}, neither the current "
                    f"key ({old_fp}) nor the new one ({new_fp}): set the key earlier runs used"
                )
        frames = [
            load_source(name, settings, cfg.incoming_dir(month)).frame
            for month in months
            for name, settings in cfg.sources.items()
        ]
        source_ids = pd.concat(
            [f[["source", "source_record_id"]].dropna().astype(str) for f in frames],
            ignore_index=True,
        )
        carried = [identifier_values(f) for f in frames]
        values = {
            field: pd.concat([c[field] for c in carried], ignore_index=True)
            for field in ("national_number", "unhcr_individual_id")
        }
        del frames
        rekeyed_rows = missing_rows = 0
        for month in pending:
            registry = state.registry_of(out_dir, month)
            rekeyed, missing = rekey_registry(registry, source_ids, old_key, new_key, values)
            state.write_registry(out_dir, month, rekeyed, new_fp)
            rekeyed_rows, missing_rows = len(rekeyed), missing
    return RotationResult(old_fp, new_fp, len(pending), rekeyed_rows, missing_rows)
