"""The recordlinkage toolkit's documented approach, on the shared records.

As in its tutorials: an ``Index`` of blocking and sorted-neighbourhood
indexers, a ``Compare`` of exact and Jaro-Winkler-thresholded string
features (binary), and the unsupervised ``ECMClassifier`` (EM on binary
features). Names are compared on benelink's cross-script key, the only
column on which an Arabic and a Latin spelling can agree.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import recordlinkage
from recordlinkage.index import Block, SortedNeighbourhood

from bench.datasets import Task
from bench.tools.output import ToolOutput

STRING_THRESHOLD = 0.85
NAME_PARTS = ("first", "father", "grandfather", "family")
TEXT = ("locality",)
BLOCKS: tuple[tuple[str, ...], ...] = (
    ("national_number",),
    ("unhcr_individual_id",),
    ("phone",),
    ("key_first", "birth_year"),
    ("key_family", "key_first"),
    ("birth_year", "birth_month", "birth_day", "sex"),
    ("locality",),
)
# sorted neighbourhood on the family key within the same first-name key (window 5)
NEIGHBOURHOOD = ("key_family", "key_first", 5)
EXACT = (
    "dob",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "sex",
    "governorate",
    "nationality",
)

DESCRIPTION = (
    "recordlinkage 0.16, following its tutorials. Index (union): `Block` on national "
    "number; UNHCR individual id; phone; first-name key+birth year; family+first key; "
    "full birth date+sex; locality; plus `SortedNeighbourhood(key_family, window=5, "
    "block_on=key_first)`. Compare (binary features): `string(method='jarowinkler', "
    "threshold=0.85)` on each name part's cross-script key and on the locality; `exact` on the ISO date of birth, "
    "national number, UNHCR individual and case id, phone, sex, governorate, nationality "
    "(features on columns empty in a dataset are left out). Classifier: `ECMClassifier()` "
    "(unsupervised EM on the binary features); its predicted pairs are scored as pairs, "
    "without a transitive closure."
)


def _present(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    return all(c in frame.columns and bool(frame[c].notna().any()) for c in columns)


def _input(records: pd.DataFrame) -> pd.DataFrame:
    """Object columns with NaN for missing (what recordlinkage's comparisons expect)."""
    frame = records.set_index("uid")
    out = frame.astype(object).where(frame.notna(), np.nan)
    return out


def _indexer(frame: pd.DataFrame) -> recordlinkage.Index:
    indexer = recordlinkage.Index()
    for columns in BLOCKS:
        if _present(frame, columns):
            indexer.add(Block(list(columns)))
    on, block_on, window = NEIGHBOURHOOD
    if _present(frame, (on, block_on)):
        indexer.add(SortedNeighbourhood(on, window=window, block_on=block_on))
    return indexer


def _compare(frame: pd.DataFrame) -> recordlinkage.Compare:
    compare = recordlinkage.Compare()
    for part in NAME_PARTS:
        key = f"key_{part}"
        if _present(frame, (key,)):
            compare.string(key, key, method="jarowinkler", threshold=STRING_THRESHOLD, label=key)
    for column in TEXT:
        if _present(frame, (column,)):
            compare.string(
                column, column, method="jarowinkler", threshold=STRING_THRESHOLD, label=column
            )
    for column in EXACT:
        if _present(frame, (column,)):
            compare.exact(column, column, label=column)
    return compare


def run(records: pd.DataFrame, task: Task) -> ToolOutput:
    """Predicted pairs (uid_l < uid_r) from ECM over the indexed candidate pairs."""
    frame = _input(records)
    indexer = _indexer(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside recordlinkage 0.16
        if task == "link":
            sources = sorted(records["source"].astype(str).unique())
            a = frame[records["source"].to_numpy() == sources[0]]
            b = frame[records["source"].to_numpy() == sources[1]]
            candidates = indexer.index(a, b)
            features = _compare(frame).compute(candidates, a, b)
        else:
            candidates = indexer.index(frame)
            features = _compare(frame).compute(candidates, frame)
        classifier = recordlinkage.ECMClassifier()
        matches: Any = classifier.fit_predict(features)
    left = matches.get_level_values(0).to_numpy(dtype=np.int64)
    right = matches.get_level_values(1).to_numpy(dtype=np.int64)
    pairs = pd.DataFrame({"uid_l": np.minimum(left, right), "uid_r": np.maximum(left, right)})
    return ToolOutput(
        "pairs",
        pairs,
        len(candidates),
        {"match_pairs": len(pairs), "prior": float(classifier.p)},
    )
