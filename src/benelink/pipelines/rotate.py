"""Changing the secret key without giving everyone a new beneficiary id.

Tokens cannot be converted from one key to another: they are one-way. What
can be done is to recompute, from the partner files still at hand, each
record's token under both keys and rewrite the identity registry with the new
tokens. Records whose files are no longer at hand cannot be re-keyed; they are
counted, and if such a record comes back later it is treated as new.
Earlier snapshots are left as they are (their record tokens stay under the old
key; join months on ``beneficiary_id``, which does not change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from benelink.anonymize.keys import key_fingerprint
from benelink.anonymize.tokens import record_tokens
from benelink.config.model import BenelinkConfig
from benelink.errors import KeyError_, UsageError
from benelink.io import state
from benelink.io.layout import OutputLayout
from benelink.io.lock import run_lock
from benelink.pipelines.ingest import load_source


@dataclass(frozen=True)
class RotationResult:
    """What the rotation did, for the officer's record."""

    old_fingerprint: str
    new_fingerprint: str
    registry_files: int
    rekeyed: int
    not_rekeyed: int


def rekey_registry(
    registry: pd.DataFrame, source_ids: pd.DataFrame, old_key: bytes, new_key: bytes
) -> tuple[pd.DataFrame, int]:
    """The registry with new-key tokens, and how many rows could not be re-keyed."""
    ids = source_ids.drop_duplicates()
    translation = pd.Series(
        record_tokens(ids["source"], ids["source_record_id"], new_key).to_numpy(),
        index=record_tokens(ids["source"], ids["source_record_id"], old_key).to_numpy(),
    )
    new_tokens = registry["record_token"].map(translation)
    rekeyed = registry.assign(record_token=new_tokens).dropna(subset=["record_token"])
    return rekeyed.sort_values("record_token", ignore_index=True), int(new_tokens.isna().sum())


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
        source_ids = pd.concat(
            [
                load_source(name, settings, cfg.incoming_dir(month))
                .frame[["source", "source_record_id"]]
                .dropna()
                .astype(str)
                for month in months
                for name, settings in cfg.sources.items()
            ],
            ignore_index=True,
        )
        rekeyed_rows = missing_rows = 0
        for month in pending:
            registry = state.registry_of(out_dir, month)
            rekeyed, missing = rekey_registry(registry, source_ids, old_key, new_key)
            state.write_registry(out_dir, month, rekeyed, new_fp)
            rekeyed_rows, missing_rows = len(rekeyed), missing
    return RotationResult(old_fp, new_fp, len(pending), rekeyed_rows, missing_rows)
