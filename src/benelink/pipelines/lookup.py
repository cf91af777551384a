"""Authorised look-up: from a partner's own record id to a beneficiary and their months.

Only someone holding the key can turn a record id into its token, so only
they can find a person this way. The answer is that one person's id and
months — nothing about anyone else — and every look-up is written to the
audit trail (``io.runlog.audit``: the operating-system user, the source and the
token, never the raw id) before the answer is looked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from benelink.anonymize.tokens import record_token
from benelink.config.model import BenelinkConfig
from benelink.errors import UsageError
from benelink.io import state
from benelink.io.layout import OutputLayout
from benelink.io.runlog import audit
from benelink.pipelines.history import beneficiary_history


@dataclass(frozen=True)
class LookupResult:
    beneficiary_id: str
    history: pd.DataFrame


def lookup_record(cfg: BenelinkConfig, source: str, record_id: str, key: bytes) -> LookupResult:
    """The beneficiary a partner record belongs to, and their months."""
    if source not in cfg.sources:
        raise UsageError(
            f"--source {source!r} is not a source of {cfg.path.name}: use one of {', '.join(cfg.sources)}"
        )
    found_token = record_token(key, source, record_id)
    audit(cfg.out_dir, "lookup", source=source, record_token=found_token)
    registry = state.read_registry(cfg.out_dir, "9999-12")
    if registry is None:
        raise UsageError(
            f"no identity registry in {OutputLayout(cfg.out_dir).state}: run `benelink run` first"
        )
    found = registry.loc[registry["record_token"] == found_token, "beneficiary_id"]
    if found.empty:
        raise UsageError(
            f"no record with that id in source {source} in any month so far "
            "(check the id, the source, and that the key is the one the runs used)"
        )
    beneficiary_id = str(found.iloc[0])
    return LookupResult(beneficiary_id, beneficiary_history(cfg.out_dir, beneficiary_id))
