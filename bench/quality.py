"""Pairwise precision, recall and F1 of a tool's output against the truth.

Clustering tools (benelink, Splink) are scored on the pairs their clusters
imply, with ``benelink.linkage.evaluate.pairwise_quality`` (contingency
counts, so it scales); pairwise tools (recordlinkage) on the pairs they
predict, counted here by set intersection. Both give the same dictionary:
precision, recall, f1, pair counts, and ``by_source_pair``. When a dataset
has an ``eval_pair`` ("a~b") the headline figures are that source pair's
(a link task is scored on cross-file pairs only).

Every record of the truth is scored, the ones validation rejected included: a
record a tool was never given is one it linked to no one, so its true pairs are
missed (``records_missing`` counts them per source; ``kept_only`` gives the
figures over the records the tools were given, for comparison).
``keyed_cluster_quality`` scores a tool that read the partner files itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.evaluate import PairCounts, Quality, pairwise_quality
from benelink.standardize.identifiers import record_id_column

Keys = npt.NDArray[np.int64]


def month_truth(truth: pd.DataFrame) -> pd.DataFrame:
    """A sample's truth (``source, source_record_id, person_id``) keyed as the standardised
    records are (``record_key``: the record id as ``identifiers.record_id`` normalises it),
    with every record kept: also those validation will reject.

    An id that normalises to nothing (a row that is rejected as missing its id) keeps its
    typed form, so each such record is still one record, missed by every tool.
    """
    typed = truth["source_record_id"].astype(str)
    key = record_id_column(truth["source_record_id"]).astype("string")
    out = pd.DataFrame(
        {
            "source": truth["source"].astype(str).to_numpy(),
            "record_key": key.fillna("~" + typed).astype(str).to_numpy(),
            "person_id": truth["person_id"].astype(str).to_numpy(),
        }
    )
    # an id typed twice in two ways is one record: validation keeps the first row
    return out.drop_duplicates(["source", "record_key"]).reset_index(drop=True)


def _headline(
    by_pair: dict[str, dict[str, Any]],
    overall: PairCounts,
    eval_pair: str | None,
    quality: Quality | None = None,
) -> dict[str, Any]:
    if eval_pair is None:
        out: dict[str, Any] = overall.to_dict()
    else:
        out = dict(by_pair.get(eval_pair, PairCounts(0, 0, 0).to_dict()))
    out["by_source_pair"] = by_pair
    if quality is not None:
        out["records_missing"] = dict(quality.records_missing)
        if quality.kept_only is not None:
            kept = quality.kept_only
            out["kept_only"] = _headline(
                kept.by_source_pair,
                PairCounts(kept.true_positive_pairs, kept.predicted_pairs, kept.truth_pairs),
                eval_pair,
            )
    return out


def cluster_quality(
    records: pd.DataFrame, clusters: pd.DataFrame, truth: pd.DataFrame, eval_pair: str | None
) -> dict[str, Any]:
    """Scores of the pairs implied by ``clusters`` (uid, cluster); unlisted uids are singletons."""
    given = clusters.drop_duplicates("uid")
    factor = pd.factorize(given["cluster"].astype(str))[0].astype(np.int64)
    # unlisted records: singleton ids past every listed cluster's id
    cluster = np.arange(len(records), dtype=np.int64) + len(given)
    cluster[given["uid"].to_numpy(dtype=np.int64)] = factor
    predicted = pd.DataFrame(
        {
            "source": records["source"].astype(str).to_numpy(),
            "record_key": records["record_key"].astype(str).to_numpy(),
            "cluster": cluster,
        }
    )
    quality = pairwise_quality(predicted, truth)
    overall = PairCounts(quality.true_positive_pairs, quality.predicted_pairs, quality.truth_pairs)
    return _headline(quality.by_source_pair, overall, eval_pair, quality)


def truth_pairs(records: pd.DataFrame, truth: pd.DataFrame) -> tuple[Keys, Keys]:
    """Every pair of uids (lo < hi) that the truth says is one person."""
    joined = records[["uid", "source", "record_key"]].astype({"source": str, "record_key": str})
    joined = joined.merge(truth, on=["source", "record_key"], how="inner")[["uid", "person_id"]]
    pairs = joined.merge(joined, on="person_id", suffixes=("_l", "_r"))
    pairs = pairs[pairs["uid_l"] < pairs["uid_r"]]
    return pairs["uid_l"].to_numpy(np.int64), pairs["uid_r"].to_numpy(np.int64)


def _labels(
    source_codes: npt.NDArray[np.intp], names: list[str], lo: Keys, hi: Keys
) -> npt.NDArray[np.object_]:
    a, b = source_codes[lo], source_codes[hi]
    first, second = np.minimum(a, b), np.maximum(a, b)
    label_of = np.array([[f"{s}~{t}" for t in names] for s in names], dtype=object)
    out: npt.NDArray[np.object_] = label_of[first, second]
    return out


def pair_quality(
    records: pd.DataFrame, pairs: pd.DataFrame, truth: pd.DataFrame, eval_pair: str | None
) -> dict[str, Any]:
    """Scores of predicted pairs (uid_l, uid_r) against every true pair, per source pair too;
    the true pairs of truth records missing from ``records`` count as missed."""
    n = len(records)
    pl, pr = pairs["uid_l"].to_numpy(np.int64), pairs["uid_r"].to_numpy(np.int64)
    predicted = np.unique(np.minimum(pl, pr) * n + np.maximum(pl, pr))
    tl, tr = truth_pairs(records, truth)
    true = np.unique(tl * n + tr)
    hit = np.isin(predicted, true)
    # every true pair, the missing records' included: counted on singletons, no pair listed
    alone = pd.DataFrame(
        {
            "source": records["source"].astype(str).to_numpy(),
            "record_key": records["record_key"].astype(str).to_numpy(),
            "cluster": np.arange(n, dtype=np.int64),
        }
    )
    everyone = pairwise_quality(alone, truth)
    names = sorted(set(records["source"].astype(str)) | set(everyone.records))
    codes = pd.Index(names).get_indexer(records["source"].astype(str))
    pred_label = _labels(codes, names, predicted // n, predicted % n)
    true_label = _labels(codes, names, true // n, true % n)
    by_pair: dict[str, dict[str, Any]] = {}
    kept_by_pair: dict[str, dict[str, Any]] = {}
    for i, s in enumerate(names):
        for t in names[i:]:
            label = f"{s}~{t}"
            in_pred = pred_label == label
            found, linked = int((hit & in_pred).sum()), int(in_pred.sum())
            all_true = int(everyone.by_source_pair.get(label, {}).get("truth_pairs", 0))
            by_pair[label] = PairCounts(found, linked, all_true).to_dict()
            kept_true = int((true_label == label).sum())
            kept_by_pair[label] = PairCounts(found, linked, kept_true).to_dict()
    overall = PairCounts(int(hit.sum()), int(predicted.size), everyone.truth_pairs)
    out = _headline(by_pair, overall, eval_pair)
    out["records_missing"] = dict(everyone.records_missing)
    kept = PairCounts(int(hit.sum()), int(predicted.size), int(true.size))
    out["kept_only"] = _headline(kept_by_pair, kept, eval_pair)
    return out


def keyed_cluster_quality(clusters: pd.DataFrame, truth_all: pd.DataFrame) -> dict[str, Any]:
    """Scores of clusters keyed by (source, record_key), over every record of the truth."""
    keyed = clusters.assign(
        source=clusters["source"].astype(str),
        record_key=clusters["record_key"].astype(str).str.strip(),
    ).drop_duplicates(["source", "record_key"])
    # pairwise_quality scores every record of the truth, and the kept-only figures beside
    return pairwise_quality(keyed, truth_all).to_dict()
