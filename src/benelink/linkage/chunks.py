"""Candidate pairs in chunks: compare each once, keep only what clustering reads.

A million people give some 40 million candidate pairs. Holding every pair's
comparison vector, match weight and probability at once costs about 70 bytes
a pair, several gigabytes in all. Instead each chunk of at most
``PARTITION_PAIRS`` pairs is compared once and kept as its distinct
comparison vectors plus one small index per pair (two bytes, not thirteen);
EM needs only how often each vector occurs. Scoring then brings back only the
pairs clustering reads: those at or above the review floor, and — once their
match components are known — those below it whose two records share a
component, because clustering averages over *every* scored pair between two
groups. The other pairs are dropped chunk by chunk.

Every engine runs exactly these functions (``benelink.linkage.engine``): the
local one on threads, the Spark one per partition (``benelink.linkage.spark``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.cluster import connected_components
from benelink.linkage.compare import Codes, Comparison, Floats, Levels, RecordArrays, compare_pairs
from benelink.linkage.score import (
    Model,
    TermFrequencies,
    indexed_match_weights,
    level_counts,
    match_probability,
    pattern_index,
)

PARTITION_PAIRS = 1_000_000
Counts = npt.NDArray[np.int64]
Labels = npt.NDArray[np.int64]
# positions, positions, levels, match weights, probabilities of a set of pairs
Scored = tuple[Codes, Codes, Levels, Floats, Floats]


@dataclass(frozen=True)
class ComparedChunk:
    """A chunk of candidate pairs with their comparison vectors, stored compactly:
    the chunk's distinct vectors (``patterns``, with ``counts``) and, per pair,
    the index of its vector."""

    left: Codes
    right: Codes
    patterns: Levels
    counts: Counts
    index: npt.NDArray[np.unsignedinteger]

    def __len__(self) -> int:
        return len(self.left)


def chunk_bounds(n_pairs: int, size: int = PARTITION_PAIRS) -> list[tuple[int, int]]:
    """Contiguous ``(start, stop)`` slices of at most ``size`` pairs: neighbouring pairs
    share values, so each chunk's distinct-value similarity work stays small."""
    return [(s, min(s + size, n_pairs)) for s in range(0, n_pairs, max(size, 1))]


def compare_chunk(
    arr: RecordArrays, comparisons: Sequence[Comparison], left: Codes, right: Codes
) -> ComparedChunk:
    """Compare one chunk of pairs and keep its vectors as patterns plus an index."""
    patterns, counts, inverse = pattern_index(compare_pairs(arr, left, right, comparisons))
    dtype = np.uint16 if len(patterns) <= np.iinfo(np.uint16).max + 1 else np.uint32
    return ComparedChunk(left, right, patterns, counts, inverse.astype(dtype))


def merged_patterns(parts: Iterable[tuple[Levels, Counts]], width: int) -> tuple[Levels, Counts]:
    """Per-chunk pattern counts summed, in ``pattern_counts``' own (lexicographic) order,
    so EM sees exactly the arrays one ``pattern_counts`` over every pair would give."""
    parts = list(parts)
    if not parts:
        return np.zeros((0, width), dtype=np.int8), np.zeros(0, dtype=np.int64)
    stacked = np.concatenate([p for p, _ in parts])
    if len(stacked) == 0:
        return stacked.astype(np.int8), np.zeros(0, dtype=np.int64)
    patterns, inverse = np.unique(stacked, axis=0, return_inverse=True)
    counts = np.zeros(len(patterns), dtype=np.int64)
    np.add.at(counts, inverse.reshape(-1), np.concatenate([c for _, c in parts]))
    return patterns.astype(np.int8), counts


def summed_level_counts(
    parts: Sequence[tuple[Floats, ...]], comparisons: Sequence[Comparison]
) -> tuple[Floats, ...]:
    """Per-chunk level counts (:func:`level_counts` of each chunk's pairs) summed: those
    of all the pairs. The counts are whole numbers, so the order of the sum is moot."""
    if not parts:
        return level_counts(comparisons, np.zeros((0, len(comparisons)), dtype=np.int8))
    return tuple(np.sum([p[i] for p in parts], axis=0) for i in range(len(comparisons)))


def kept_pairs(
    arr: RecordArrays,
    model: Model,
    tf: TermFrequencies,
    floor: float,
    labels: Labels | None,
    chunk: ComparedChunk,
) -> Scored:
    """The chunk's pairs at or above ``floor``; with ``labels`` (match components), its
    pairs below the floor whose two records share a component instead."""
    weight = indexed_match_weights(chunk.patterns, chunk.index, model, tf, arr, chunk.left)
    probability = match_probability(weight, model.lambda_)
    if labels is None:
        keep = probability >= floor
    else:
        keep = (probability < floor) & (labels[chunk.left] == labels[chunk.right])
    levels = chunk.patterns[chunk.index[keep]]
    return chunk.left[keep], chunk.right[keep], levels, weight[keep], probability[keep]


def concat_scored(parts: Sequence[Scored], width: int) -> Scored:
    """Several sets of scored pairs as one."""
    if not parts:
        empty = np.zeros(0, dtype=np.int32)
        floats = np.zeros(0, dtype=np.float64)
        return empty, empty, np.zeros((0, width), dtype=np.int8), floats, floats
    left, right, levels, weight, probability = zip(*parts, strict=True)
    return (
        np.concatenate(left),
        np.concatenate(right),
        np.concatenate(levels),
        np.concatenate(weight),
        np.concatenate(probability),
    )


def reachable(
    n: int, high: Scored, match_threshold: float, decisions: pd.DataFrame | None
) -> Labels:
    """Components of the model's match edges plus reviewers' accepted pairs.

    They contain every component clustering will see (a reviewer's rejection
    only removes edges), so the pairs inside them are all the pairs it needs.
    """
    left, right, _, _, probability = high
    is_match = probability >= match_threshold
    lefts, rights = [left[is_match]], [right[is_match]]
    if decisions is not None and not decisions.empty:
        accepted = decisions[decisions["decision"] == "accept"]
        lefts.append(accepted["left"].to_numpy(dtype=np.int32))
        rights.append(accepted["right"].to_numpy(dtype=np.int32))
    return connected_components(n, np.concatenate(lefts), np.concatenate(rights))


def collect_kept(
    n: int,
    match_threshold: float,
    decisions: pd.DataFrame | None,
    kept: Callable[[Labels | None], Scored],
) -> Scored:
    """Every pair clustering reads, in pair order, from two passes of ``kept`` over the
    chunks (:func:`kept_pairs` on each, on the engine): first the pairs at or
    above the floor, then — with their match components — the pairs below it inside
    one. Scoring twice costs two table look-ups per pair; keeping every pair's
    probability between the passes would cost eight bytes a pair."""
    high = kept(None)
    return in_pair_order(high, kept(reachable(n, high, match_threshold, decisions)))


def in_pair_order(high: Scored, low: Scored) -> Scored:
    """Both collections as one, sorted by (left, right) like the candidate pairs."""
    left, right, levels, weight, probability = (
        np.concatenate([a, b]) for a, b in zip(high, low, strict=True)
    )
    order = np.lexsort((right, left))
    return left[order], right[order], levels[order], weight[order], probability[order]
