"""Measuring a month's snapshot against a truth file.

The truth file names records by the partners' own ids; the snapshot only
holds their tokens. With the key, the truth ids are tokenised the same way and
the two are joined on the token, so evaluation never needs raw data in the
snapshot.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benelink.anonymize.tokens import record_tokens
from benelink.config.model import BenelinkConfig
from benelink.errors import ConfigError
from benelink.io import snapshot
from benelink.io.read import file_sha256
from benelink.io.runlog import audit
from benelink.io.truth import read_truth
from benelink.linkage.evaluate import Quality, pairwise_quality


def score_against_truth(records: pd.DataFrame, truth: pd.DataFrame, key: bytes) -> Quality:
    """Pairwise precision, recall and F1 of the snapshot's clusters."""
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
    return pairwise_quality(predicted, expected)


def evaluate_month(cfg: BenelinkConfig, month: str, truth_path: Path, key: bytes) -> Quality:
    """Read the month's snapshot and the truth file, and score one against the other."""
    folder = snapshot.month_dir(cfg.out_dir, month)
    if not (folder / "records.parquet").is_file():
        raise ConfigError(f"no snapshot for {month} in {folder.parent}: run `benelink run` first")
    truth = read_truth(truth_path)
    audit(
        cfg.out_dir,
        "evaluate",
        month=month,
        truth_sha256=file_sha256(truth_path),
        truth_rows=len(truth),
    )
    records = snapshot.read_table(folder, "records", ["source", "record_token", "beneficiary_id"])
    return score_against_truth(records, truth, key)
