"""Clustering scored pairs into beneficiaries without chaining strangers together.

Connected components of the match edges alone would merge two people as soon
as one weak-but-above-threshold link joins them (A~B strong, B~C strong, C~D
just above the threshold, A and D clearly different people). So within each
component the records are re-agglomerated, strongest edge first, and two
groups merge only when

* they share a value of an exclusive identifier (national number, UNHCR
  individual id), or one of them has none — two groups with only different
  values is the classic sign of chaining, so it is a cannot-link (a group
  that took a second value through a tolerated edge, a typo or a clerk's
  slip, keeps both, and a record carrying either may join it); and
* the *average* probability over all scored pairs between the two groups is
  at least ``cohesion_threshold`` — one strong edge cannot outvote many pairs
  that say "different people". The link stage scores every pair inside small
  components first, so the average sees them all.

An edge that fails these tests is a weak bridge and is simply not used, which
cuts it. The order is fixed (probability, then positions), so the result is
deterministic; labels are numbered by each cluster's smallest position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Positions = npt.NDArray[np.int32]
Labels = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Clustering:
    """One label per record, its weakest holding link, and whether its cluster conflicts."""

    cluster: Labels
    record_probability: Floats
    conflict: Bools


def connected_components(n: int, left: Positions, right: Positions) -> Labels:
    """Component label per record = its smallest member position (hooking + pointer jumping)."""
    labels = np.arange(n, dtype=np.int64)
    while len(left):
        lo = np.minimum(labels[left], labels[right])
        hi = np.maximum(labels[left], labels[right])
        moving = lo != hi
        if not moving.any():
            break
        np.minimum.at(labels, hi[moving], lo[moving])
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
    return labels


def _numbered(root: Labels) -> Labels:
    """Labels 0..k-1 in order of each cluster's smallest member position."""
    if root.size == 0:
        return root
    _, first, inverse = np.unique(root, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.reshape(-1)]


def cluster_conflicts(cluster: Labels, exclusive: Sequence[Codes]) -> Bools:
    """True for records whose cluster holds two different values of any exclusive id."""
    conflict = np.zeros(cluster.size, dtype=bool)
    for codes in exclusive:
        present = codes >= 0
        if not present.any():
            continue
        combos = np.unique(np.stack([cluster[present], codes[present].astype(np.int64)]), axis=1)
        distinct = np.bincount(combos[0], minlength=int(cluster.max()) + 1)
        conflict |= distinct[cluster] > 1
    return conflict


class _Agglomeration:
    """Union-find whose roots carry their exclusive ids and summed links to other roots."""

    def __init__(self, n: int, exclusive: Sequence[Codes]) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.ids = [c.tolist() for c in exclusive]
        # a group that merged through a tolerated edge holds several ids: the rest live here
        self.more_ids: list[dict[int, set[int]]] = [{} for _ in exclusive]
        self.links: dict[int, dict[int, list[float]]] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def add_link(self, a: int, b: int, p: float, forbidden: bool = False) -> None:
        entry = self.links.setdefault(a, {}).get(b)
        if entry is None:
            entry = [0.0, 0.0, 0.0]
            self.links[a][b] = entry
            self.links.setdefault(b, {})[a] = entry
        entry[0] += p
        entry[1] += 1.0
        entry[2] = max(entry[2], 1.0 if forbidden else 0.0)

    def may_merge(self, a: int, b: int, cohesion: float, tolerated: bool, forced: bool) -> bool:
        entry = self.links.get(a, {}).get(b)
        if entry is not None and entry[2] > 0:
            return False  # a reviewer said some record of one group is not one of the other
        if forced:
            return True  # a reviewer said these two records are the same person
        if not tolerated and any(
            self._id_set(k, a).isdisjoint(self._id_set(k, b))
            for k in range(len(self.ids))
            if self.ids[k][a] >= 0 and self.ids[k][b] >= 0
        ):
            return False
        return entry is not None and entry[0] / entry[1] >= cohesion

    def _id_set(self, k: int, root: int) -> set[int]:
        """Every id of exclusive ``k`` the group of ``root`` holds (one, unless tolerated)."""
        return self.more_ids[k].get(root) or {self.ids[k][root]}

    def merge(self, a: int, b: int) -> None:
        keep, gone = (a, b) if len(self.links.get(a, {})) >= len(self.links.get(b, {})) else (b, a)
        self.parent[gone] = keep
        self.size[keep] += self.size[gone]
        for k, ids in enumerate(self.ids):
            if ids[keep] < 0:
                ids[keep] = ids[gone]
                if gone in self.more_ids[k]:
                    self.more_ids[k][keep] = self.more_ids[k].pop(gone)
            elif ids[gone] >= 0:
                held = self._id_set(k, keep) | self.more_ids[k].pop(gone, {ids[gone]})
                if len(held) > 1:
                    self.more_ids[k][keep] = held
        kept = self.links.setdefault(keep, {})
        kept.pop(gone, None)
        for other, entry in self.links.pop(gone, {}).items():
            if other == keep:
                continue
            theirs = self.links[other]
            del theirs[gone]
            if other in kept:
                kept[other][0] += entry[0]
                kept[other][1] += entry[1]
                kept[other][2] = max(kept[other][2], entry[2])
            else:
                kept[other] = entry
                theirs[keep] = entry


class _Pairs(NamedTuple):
    """The pairs inside match components."""

    left: Positions
    right: Positions
    probability: Floats
    tolerated: Bools
    reviewed: npt.NDArray[np.int8]

    def where(self, mask: Bools) -> _Pairs:
        return _Pairs(
            self.left[mask],
            self.right[mask],
            self.probability[mask],
            self.tolerated[mask],
            self.reviewed[mask],
        )


def cluster_records(
    n: int,
    left: Positions,
    right: Positions,
    probability: Floats,
    *,
    match_threshold: float,
    cohesion_threshold: float,
    exclusive: Sequence[Codes] = (),
    tolerated: Bools | None = None,
    reviewed: npt.NDArray[np.int8] | None = None,
) -> Clustering:
    """Clusters from scored pairs: components of match edges, re-agglomerated with checks.

    ``tolerated`` marks pairs whose exclusive ids differ only by a typo (one
    digit): those may merge despite the difference, and their cluster is then
    flagged as a conflict for review. ``reviewed`` carries reviewers'
    decisions per pair (1 accept, -1 reject, 0 none): an accepted pair merges
    whatever the model says, and no cluster ever holds both records of a
    rejected pair.

    Most components are two records joined by their one pair; those are
    decided at once (:func:`_single_pairs`), with the same rules the
    agglomeration applies, and only larger components go through it.
    """
    tolerated = np.zeros(len(left), dtype=bool) if tolerated is None else tolerated
    reviewed = np.zeros(len(left), dtype=np.int8) if reviewed is None else reviewed
    is_match = (probability >= match_threshold) | (reviewed > 0)
    component = connected_components(n, left[is_match], right[is_match])
    inside = component[left] == component[right]
    pairs = _Pairs(left, right, probability, tolerated, reviewed).where(inside)
    owner = component[pairs.left]
    single = (np.bincount(component, minlength=n)[owner] == 2) & (
        np.bincount(owner, minlength=n)[owner] == 1
    )
    root = np.arange(n, dtype=np.int64)
    held = np.ones(n, dtype=np.float64)
    _single_pairs(root, held, pairs.where(single), exclusive, cohesion_threshold)
    _agglomerate(root, held, pairs.where(~single), exclusive, match_threshold, cohesion_threshold)
    cluster = _numbered(root)
    return Clustering(cluster, held, cluster_conflicts(cluster, exclusive))


def _single_pairs(
    root: Labels, held: Floats, pairs: _Pairs, exclusive: Sequence[Codes], cohesion: float
) -> None:
    """Components of two records and one pair: merged unless a reviewer rejected the pair,
    or (not accepted by one) their exclusive ids differ without a tolerated typo, or the
    pair is below ``cohesion`` — :meth:`_Agglomeration.may_merge` for two single records."""
    a, b, p, t, v = pairs
    differ = np.zeros(len(a), dtype=bool)
    for codes in exclusive:
        ca, cb = codes[a], codes[b]
        differ |= (ca >= 0) & (cb >= 0) & (ca != cb)
    merged = (v > 0) | ((v == 0) & ~(differ & ~t) & (p >= cohesion))
    root[b[merged]] = a[merged]
    held[a[merged]] = np.minimum(held[a[merged]], p[merged])
    held[b[merged]] = np.minimum(held[b[merged]], p[merged])


def _agglomerate(
    root: Labels,
    held: Floats,
    pairs: _Pairs,
    exclusive: Sequence[Codes],
    match_threshold: float,
    cohesion: float,
) -> None:
    """Re-agglomerate the records of ``pairs``, strongest edge first (see the module)."""
    left, right, probability, tolerated, reviewed = pairs
    order = np.lexsort((right, left, -probability, -reviewed))
    l_in, r_in, p_in = left[order].tolist(), right[order].tolist(), probability[order].tolist()
    t_in, v_in = tolerated[order].tolist(), reviewed[order].tolist()
    state = _Agglomeration(len(root), exclusive)
    for a, b, p, v in zip(l_in, r_in, p_in, v_in, strict=True):
        state.add_link(a, b, p, forbidden=v < 0)
    for a, b, p, t, v in zip(l_in, r_in, p_in, t_in, v_in, strict=True):
        if p < match_threshold and v <= 0:
            break
        ra, rb = state.find(a), state.find(b)
        if ra == rb or not state.may_merge(ra, rb, cohesion, t, v > 0):
            continue
        state.merge(ra, rb)
        held[a] = min(held[a], p)
        held[b] = min(held[b], p)
    records = np.unique(np.concatenate([left, right]).astype(np.int64))
    root[records] = [state.find(int(i)) for i in records.tolist()]
