"""Measuring a month's snapshot against a truth file.

The truth file names records by the partners' own ids; the snapshot only
holds their tokens. With the key, the truth ids are tokenised the same way and
the two are joined on the token, so evaluation never needs raw data in the
snapshot.

Every record of the month is scored, not only those validation kept: a record
the partner sent that is not in the snapshot (its row was rejected) is a
person linked to no one, and its true pairs are missed. The month's records
are the truth's records that the month's partner files hold (a truth file made
for several months names records of other months too); they are found by
reading the files' record ids again. A source whose file is no longer there is
scored over every record the truth names for it, and the figures say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from benelink.anonymize.tokens import record_tokens
from benelink.config.model import BenelinkConfig
from benelink.errors import ConfigError, InputError
from benelink.io import snapshot
from benelink.io.read import file_sha256
from benelink.io.runlog import audit
from benelink.io.truth import read_truth
from benelink.linkage.evaluate import Quality, pairwise_quality
from benelink.pipelines.encoded import load_encoded_source
from benelink.pipelines.ingest import load_source

# which of the truth's records a source was scored over
Scope = Literal["month_files", "truth_file"]


@dataclass(frozen=True)
class Evaluation:
    """The quality of a month's snapshot, and which truth records each source was scored on."""

    quality: Quality
    scope: dict[str, Scope] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"precision", "recall", "f1", "by_source_pair"}`` over every record of the
        month, then ``records``, ``records_missing``, ``kept_only`` and ``truth_scope``."""
        out = self.quality.to_dict()
        out["truth_scope"] = dict(self.scope)
        return out


def score_against_truth(
    records: pd.DataFrame,
    truth: pd.DataFrame,
    key: bytes,
    month_tokens: dict[str, pd.Series | None] | None = None,
) -> Quality:
    """Pairwise precision, recall and F1 of the snapshot's clusters over every truth record
    of the month, and over the records the snapshot kept (``kept_only``).

    ``month_tokens`` gives, per source, the record tokens of every row its file holds
    (None: every truth record of the source is the month's); a truth row of another
    source is left out. Without it, every truth record is scored.
    """
    predicted = pd.DataFrame(
        {
            "source": records["source"].astype(str),
            "record_key": records["record_token"].astype(str),
            "cluster": records["beneficiary_id"].astype(str),
        }
    )
    expected = pd.DataFrame(
        {
            "source": truth["source"].astype(str),
            "record_key": record_tokens(truth["source"], truth["source_record_id"], key).astype(
                str
            ),
            "person_id": truth["person_id"].astype(str),
        }
    )
    if month_tokens is not None:
        expected = _of_the_month(expected, month_tokens)
    return pairwise_quality(predicted, expected)


def _of_the_month(truth: pd.DataFrame, month_tokens: dict[str, pd.Series | None]) -> pd.DataFrame:
    keep = pd.Series(False, index=truth.index)
    for source, tokens in month_tokens.items():
        mine = truth["source"] == source
        keep |= mine if tokens is None else mine & truth["record_key"].isin(tokens.astype(str))
    return truth.loc[keep]


def month_record_tokens(cfg: BenelinkConfig, month: str, key: bytes) -> dict[str, pd.Series | None]:
    """Per source, the record tokens of every row of the month's file, kept or rejected;
    None for a source whose file cannot be read any more."""
    folder = cfg.incoming_dir(month)
    found: dict[str, pd.Series | None] = {}
    for name, settings in cfg.sources.items():
        try:
            if settings.file_format == "encoded":
                encoded = load_encoded_source(name, settings, folder, None, month)
                found[name] = encoded.records["record_token"].dropna()
                continue
            source = load_source(name, settings, folder, config_label=cfg.path.name)
        except InputError:
            found[name] = None
            continue
        ids = source.frame["source_record_id"]
        found[name] = record_tokens(source.frame["source"], ids, key).dropna()
    return found


def evaluate_month(cfg: BenelinkConfig, month: str, truth_path: Path, key: bytes) -> Evaluation:
    """Read the month's snapshot, its partner files' record ids and the truth file, and
    score the snapshot over every record of the month."""
    folder = snapshot.month_dir(cfg.out_dir, month)
    if month not in snapshot.snapshot_months(cfg.out_dir):
        raise ConfigError(
            f"no snapshot for {month} in {cfg.out_dir}: run `benelink run --month {month}` first"
        )
    truth = read_truth(truth_path)
    audit(
        cfg.out_dir,
        "evaluate",
        month=month,
        truth_sha256=file_sha256(truth_path),
        truth_rows=len(truth),
    )
    records = snapshot.read_table(folder, "records", ["source", "record_token", "beneficiary_id"])
    tokens = month_record_tokens(cfg, month, key)
    scope: dict[str, Scope] = {
        name: "truth_file" if t is None else "month_files" for name, t in tokens.items()
    }
    return Evaluation(score_against_truth(records, truth, key, tokens), scope)
