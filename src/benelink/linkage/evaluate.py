"""Pairwise linkage quality, counted from contingency tables.

Every unordered pair of records is either linked (same predicted cluster) or
not, and truly the same person or not. Counting those pairs one by one is
quadratic; instead, for a group of ``k`` records there are ``k(k-1)/2`` pairs
inside it, and for two sources ``s``, ``t`` a group holds ``k_s·k_t`` cross
pairs. True positives are the pairs inside a (cluster, person) cell. This
works at a million records in a few group-bys.

Quality is measured over every record of the truth: a record the truth names
that the output does not hold (rejected by validation, lost on the way) is a
singleton that matches nobody, so its true pairs count as missed. Scoring only
the records that were kept makes a run that lost 4 % of a source look better
than it is; that kept-only figure is given beside the other (``kept_only``),
never instead of it.
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
    """Overall pair counts, plus the same measures per source pair ("naf~unhcr", "naf~naf").

    ``records`` counts the truth's records per source, ``records_missing`` those of them
    the output does not hold; ``kept_only`` is the same measure over the records present
    in both (None on the kept-only figure itself).
    """

    by_source_pair: dict[str, dict[str, float | int]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    records_missing: dict[str, int] = field(default_factory=dict)
    kept_only: Quality | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = super().to_dict()
        out["by_source_pair"] = {k: dict(v) for k, v in self.by_source_pair.items()}
        if self.kept_only is not None:
            out["records"] = dict(self.records)
            out["records_missing"] = dict(self.records_missing)
            kept = self.kept_only.to_dict()
            out["kept_only"] = {k: v for k, v in kept.items() if k != "records"}
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
    """Pairwise precision, recall and F1 over every record of ``truth``, and over the
    records present in both frames (``kept_only``).

    ``predicted`` holds ``source, record_key, cluster``, ``truth`` holds ``source,
    record_key, person_id``. A truth record absent from ``predicted`` is a cluster of its
    own; a predicted record the truth does not name is not scored (nothing says who it
    is). A key given twice in one frame counts once (its first row).
    """
    keys = ["source", "record_key"]
    truth = truth[[*keys, "person_id"]].astype({"source": str, "record_key": str})
    truth = truth.drop_duplicates(keys)
    predicted = predicted[[*keys, "cluster"]].astype({"source": str, "record_key": str})
    predicted = predicted.drop_duplicates(keys)
    joined = truth.merge(predicted, on=keys, how="left", indicator=True)
    present = (joined.pop("_merge") == "both").to_numpy()
    codes = pd.factorize(joined["cluster"])[0].astype(np.int64)  # -1 where absent
    # each absent record a singleton: ids past every predicted cluster's
    absent = np.flatnonzero(~present)
    codes[absent] = codes.max(initial=-1) + 1 + np.arange(len(absent), dtype=np.int64)
    joined = joined.assign(
        cluster=codes, person_id=pd.factorize(joined["person_id"])[0].astype(np.int64)
    )
    sources = sorted(joined["source"].unique().tolist())
    records = joined.groupby("source").size()
    missing = joined.loc[~present].groupby("source").size()
    kept = _quality(joined.loc[present], sources)
    overall = _quality(joined, sources)
    return Quality(
        overall.true_positive_pairs,
        overall.predicted_pairs,
        overall.truth_pairs,
        by_source_pair=overall.by_source_pair,
        records={s: int(records.get(s, 0)) for s in sources},
        records_missing={s: int(missing.get(s, 0)) for s in sources},
        kept_only=kept,
    )


def _quality(joined: pd.DataFrame, sources: list[str]) -> Quality:
    """The pair counts of ``joined`` (source, cluster, person_id), overall and per pair of
    ``sources``."""
    total = PairCounts(
        _within(joined.groupby(["cluster", "person_id"]).size()),
        _within(joined.groupby("cluster").size()),
        _within(joined.groupby("person_id").size()),
    )
    tables = {
        "tp": _counts_by_source(joined, ["cluster", "person_id"]),
        "predicted": _counts_by_source(joined, ["cluster"]),
        "truth": _counts_by_source(joined, ["person_id"]),
    }
    by_pair: dict[str, dict[str, float | int]] = {}
    for s, t in combinations_with_replacement(sources, 2):
        if s not in tables["truth"].columns or t not in tables["truth"].columns:
            got = {"tp": 0, "predicted": 0, "truth": 0}  # a source with no record here
        elif s == t:
            got = {k: _within(table[s]) for k, table in tables.items()}
        else:
            got = {k: _across(table, s, t) for k, table in tables.items()}
        by_pair[f"{s}~{t}"] = PairCounts(got["tp"], got["predicted"], got["truth"]).to_dict()
    return Quality(
        total.true_positive_pairs, total.predicted_pairs, total.truth_pairs, by_source_pair=by_pair
    )
