"""Pairwise linkage quality, counted from contingency tables.

Every unordered pair of records is either linked (same predicted cluster) or
not, and truly the same person or not. Counting those pairs one by one is
quadratic; instead, for a group of ``k`` records there are ``k(k-1)/2`` pairs
inside it, and for two sources ``s``, ``t`` a group holds ``k_s·k_t`` cross
pairs. True positives are the pairs inside a (cluster, person) cell. This
works at a million records in a few group-bys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PairCounts:
    """Pair counts and the measures derived from them (0/0 counts as perfect)."""

    true_positive_pairs: int
    predicted_pairs: int
    truth_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.truth_pairs if self.truth_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_positive_pairs": self.true_positive_pairs,
            "predicted_pairs": self.predicted_pairs,
            "truth_pairs": self.truth_pairs,
        }


@dataclass(frozen=True)
class Quality(PairCounts):
    """Overall pair counts, plus the same measures per source pair ("naf~unhcr", "naf~naf")."""

    by_source_pair: dict[str, dict[str, float | int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = super().to_dict()
        out["by_source_pair"] = {k: dict(v) for k, v in self.by_source_pair.items()}
        return out


def _within(sizes: pd.Series) -> int:
    k = sizes.to_numpy(dtype=np.int64)
    return int((k * (k - 1) // 2).sum())


def _across(table: pd.DataFrame, s: str, t: str) -> int:
    return int((table[s].to_numpy(dtype=np.int64) * table[t].to_numpy(dtype=np.int64)).sum())


def _counts_by_source(frame: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Records per group and source: one column per source."""
    return frame.groupby([*groups, "source"], observed=True).size().unstack("source", fill_value=0)


def pairwise_quality(predicted: pd.DataFrame, truth: pd.DataFrame) -> Quality:
    """Pairwise precision, recall and F1 over all record pairs present in both frames."""
    joined = predicted[["source", "record_key", "cluster"]].merge(
        truth[["source", "record_key", "person_id"]], on=["source", "record_key"], how="inner"
    )
    joined = joined.assign(
        source=joined["source"].astype(str),
        cluster=pd.factorize(joined["cluster"])[0],
        person_id=pd.factorize(joined["person_id"])[0],
    )
    total = PairCounts(
        _within(joined.groupby(["cluster", "person_id"]).size()),
        _within(joined.groupby("cluster").size()),
        _within(joined.groupby("person_id").size()),
    )
    sources = sorted(joined["source"].unique().tolist())
    tables = {
        "tp": _counts_by_source(joined, ["cluster", "person_id"]),
        "predicted": _counts_by_source(joined, ["cluster"]),
        "truth": _counts_by_source(joined, ["person_id"]),
    }
    by_pair: dict[str, dict[str, float | int]] = {}
    for s, t in combinations_with_replacement(sources, 2):
        if s == t:
            got = {k: _within(table[s]) for k, table in tables.items()}
        else:
            got = {k: _across(table, s, t) for k, table in tables.items()}
        by_pair[f"{s}~{t}"] = PairCounts(got["tp"], got["predicted"], got["truth"]).to_dict()
    return Quality(
        total.true_positive_pairs, total.predicted_pairs, total.truth_pairs, by_source_pair=by_pair
    )
