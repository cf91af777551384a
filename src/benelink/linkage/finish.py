"""The link stage's last step: from the kept scored pairs to beneficiaries.

Whatever engine compared and scored the candidate pairs, what follows runs once,
here, on the pairs it kept (``benelink.linkage.chunks.collect_kept``): the pairs
inside small match components that blocking did not propose are scored, the
reviewers' decisions are laid over the model, the records are clustered and the
pairs frame the snapshot writes is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.block import CandidatePairs, pair_positions, pairs_within_groups
from benelink.linkage.carry import CarriedPairs, carry_decisions, held_pairs
from benelink.linkage.chunks import Scored
from benelink.linkage.cluster import cluster_records, connected_components
from benelink.linkage.compare import (
    Codes,
    Comparison,
    Floats,
    Levels,
    RecordArrays,
    birth_dates_apart,
    compare_pairs,
    identifiers_agree,
    ids_overridable,
)
from benelink.linkage.kept import ModelChoice
from benelink.linkage.score import Model, TermFrequencies, match_probability, match_weights

# components up to this size get every internal pair scored before clustering
FILL_COMPONENT_MAX = 60


@dataclass(frozen=True)
class Blocking:
    """What blocking did, as the report and the run log tell it."""

    n_candidate_pairs: int
    max_block_size: int  # the block cap blocking used (lowered to meet the pair budget)
    skipped_records: Mapping[str, int] = field(default_factory=dict)  # per rule
    identical_records: int = 0  # copies paired with their representative, not blocked

    @classmethod
    def of(cls, candidates: CandidatePairs, n_candidate_pairs: int) -> Blocking:
        return cls(
            n_candidate_pairs,
            candidates.max_block_size,
            candidates.skipped_records,
            candidates.identical,
        )


@dataclass(frozen=True)
class LinkResult:
    """What the link stage hands on: scored pairs, the model, and the clusters."""

    pairs: pd.DataFrame
    n_candidate_pairs: int
    max_block_size: int  # the block cap blocking used (lowered to meet the pair budget)
    parameters: pd.DataFrame
    lambda_: float
    cluster: npt.NDArray[np.int64]
    record_probability: npt.NDArray[np.float64]
    conflict: npt.NDArray[np.bool_]
    # per rule, the records left in no block because theirs stayed over the cap
    skipped_records: Mapping[str, int] = field(default_factory=dict)
    identical_records: int = 0  # identical copies linked through their representative
    model_choice: ModelChoice | None = None  # the model used: fitted, kept or refitted, and why


def score_pairs(
    arr: RecordArrays,
    left: Codes,
    right: Codes,
    model: Model,
    tf: TermFrequencies,
) -> tuple[Levels, Floats, Floats]:
    """Levels, match weights and probabilities of a few pairs, on the driver (the filled
    and the decided pairs blocking did not propose)."""
    levels = compare_pairs(arr, left, right, model.comparisons)
    weight = match_weights(levels, model, tf, arr, left)
    return levels, weight, match_probability(weight, model.lambda_)


def _fill_components(
    n: int, left: Codes, right: Codes, probability: Floats, match_threshold: float
) -> tuple[Codes, Codes]:
    """Pairs inside small match components that blocking did not propose."""
    is_match = probability >= match_threshold
    component = connected_components(n, left[is_match], right[is_match])
    sizes = np.bincount(component, minlength=n)
    small = (sizes[component] >= 3) & (sizes[component] <= FILL_COMPONENT_MAX)
    fl, fr = pairs_within_groups(np.where(small, component, -1))
    if fl.size == 0:
        return fl, fr
    new = pair_positions(n, left, right, fl, fr) < 0
    return fl[new], fr[new]


def _apply_decisions(
    decisions: pd.DataFrame | None,
    arr: RecordArrays,
    model: Model,
    tf: TermFrequencies,
    left: Codes,
    right: Codes,
    levels: Levels,
    weight: Floats,
    probability: Floats,
) -> tuple[Codes, Codes, Levels, Floats, Floats, npt.NDArray[np.int8]]:
    """Reviewers' decisions laid over the model: accepted pairs get probability 1,
    rejected ones 0; decided pairs blocking did not propose are scored first."""
    reviewed = np.zeros(len(left), dtype=np.int8)
    if decisions is None or decisions.empty:
        return left, right, levels, weight, probability, reviewed
    a = decisions["left"].to_numpy(dtype=np.int64)
    b = decisions["right"].to_numpy(dtype=np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    verdict = np.where(decisions["decision"].to_numpy() == "accept", 1, -1).astype(np.int8)
    n = len(arr)
    known = left.astype(np.int64) * n + right
    wanted = lo * n + hi
    missing = ~np.isin(wanted, known)
    if missing.any():
        extra_levels, extra_weight, extra_probability = score_pairs(
            arr, lo[missing].astype(left.dtype), hi[missing].astype(right.dtype), model, tf
        )
        left = np.concatenate([left, lo[missing].astype(left.dtype)])
        right = np.concatenate([right, hi[missing].astype(right.dtype)])
        levels = np.concatenate([levels, extra_levels])
        weight = np.concatenate([weight, extra_weight])
        probability = np.concatenate([probability, extra_probability])
        reviewed = np.zeros(len(left), dtype=np.int8)
    at = pair_positions(n, left, right, lo, hi)  # every decided pair is one of them now
    reviewed[at] = verdict
    probability = probability.copy()
    probability[at] = np.where(verdict > 0, 1.0, 0.0)
    return left, right, levels, weight, probability, reviewed


@dataclass(frozen=True)
class _Edges:
    """What clustering reads of the pairs: their probability for clustering (a pair whose
    birth dates say two people counts 0), typos tolerated, reviewers' verdicts."""

    left: Codes
    right: Codes
    probability: Floats
    tolerated: npt.NDArray[np.bool_]
    reviewed: npt.NDArray[np.int8]

    def holding(
        self, n: int, held_left: Codes, held_right: Codes, arr: RecordArrays, threshold: float
    ) -> _Edges:
        """These edges with last month's beneficiaries held together (``linkage.carry``):
        each held pair is a match at ``threshold``, for clustering only, unless a reviewer
        decided it or its birth dates say two people; a number still parts it."""
        keep = ~birth_dates_apart(arr, held_left, held_right)
        lo = np.minimum(held_left, held_right)[keep].astype(np.int64)
        hi = np.maximum(held_left, held_right)[keep].astype(np.int64)
        if not lo.size:
            return self
        at = pair_positions(n, self.left, self.right, lo, hi)
        scored = at >= 0
        probability = self.probability.copy()
        raise_ = at[scored]
        raise_ = raise_[self.reviewed[raise_] == 0]
        probability[raise_] = np.maximum(probability[raise_], threshold)
        extra = ~scored
        return _Edges(
            np.concatenate([self.left, lo[extra].astype(self.left.dtype)]),
            np.concatenate([self.right, hi[extra].astype(self.right.dtype)]),
            np.concatenate([probability, np.full(int(extra.sum()), threshold)]),
            np.concatenate([self.tolerated, np.zeros(int(extra.sum()), dtype=bool)]),
            np.concatenate([self.reviewed, np.zeros(int(extra.sum()), dtype=np.int8)]),
        )


def across(source: Codes | None, left: Codes, right: Codes) -> tuple[Codes, Codes]:
    """The pairs joining two different sources (all pairs when ``source`` is None)."""
    if source is None:
        return left, right
    keep = source[left] != source[right]
    return left[keep], right[keep]


def _decisions(probability: Floats, settings: LinkageSettings) -> npt.NDArray[np.object_]:
    return np.select(
        [probability >= settings.match_threshold, probability >= settings.review_threshold],
        ["match", "review"],
        "non_match",
    ).astype(object)


def finish_link(
    arr: RecordArrays,
    settings: LinkageSettings,
    comparisons: Sequence[Comparison],
    decisions: pd.DataFrame | None,
    model: Model,
    tf: TermFrequencies,
    blocking: Blocking,
    scored: Scored,
    *,
    source: Codes | None = None,
    carried: CarriedPairs | None = None,
) -> LinkResult:
    """Everything after scoring: score the pairs inside small match components that
    blocking missed, lay reviewers' decisions over the model, cluster, and build the
    pairs frame. ``scored``: the kept pairs in pair order; ``blocking``: how many
    candidate pairs blocking gave, the block cap it used, what it skipped; ``source``:
    with a link-only task, each record's source (filled pairs join two sources);
    ``carried``: last month's pairs among unchanged records, which keep their
    probability, and the identifiers clustering keeps apart, remembered where a record
    lost its own (``linkage.carry``)."""
    n = len(arr)
    left, right, levels, weight, probability = scored
    extra_left, extra_right = across(
        source, *_fill_components(n, left, right, probability, settings.match_threshold)
    )
    if extra_left.size:
        extra_levels, extra_weight, extra_probability = score_pairs(
            arr, extra_left, extra_right, model, tf
        )
        left = np.concatenate([left, extra_left])
        right = np.concatenate([right, extra_right])
        levels = np.concatenate([levels, extra_levels])
        weight = np.concatenate([weight, extra_weight])
        probability = np.concatenate([probability, extra_probability])

    left, right, levels, weight, probability, last_month = carry_decisions(
        carried,
        n,
        lambda a, b: score_pairs(arr, a, b, model, tf),
        settings.review_threshold,
        left,
        right,
        levels,
        weight,
        probability,
    )
    left, right, levels, weight, probability, reviewed = _apply_decisions(
        decisions, arr, model, tf, left, right, levels, weight, probability
    )
    last_month = np.concatenate([last_month, np.zeros(len(left) - len(last_month), dtype=bool)])
    # a pair whose birth dates say two people (a mother and a daughter of one name) is,
    # for clustering, a vote against, not a link, unless a reviewer says otherwise; a
    # match it keeps apart is published as such (``publish.label_kept_apart``)
    apart = (
        birth_dates_apart(arr, left, right)
        & ~identifiers_agree(levels, comparisons)
        & (reviewed == 0)
    )
    edges = _Edges(
        left,
        right,
        np.where(apart, 0.0, probability),
        ids_overridable(levels, comparisons),
        reviewed,
    ).holding(n, *held_pairs(carried.held if carried else None), arr, settings.match_threshold)
    clustering = cluster_records(
        n,
        edges.left,
        edges.right,
        edges.probability,
        match_threshold=settings.match_threshold,
        cohesion_threshold=settings.review_threshold,
        exclusive=carried.identifiers
        if carried is not None and carried.identifiers
        else (arr.national_number, arr.exact["unhcr_individual_id"]),
        tolerated=edges.tolerated,
        reviewed=edges.reviewed,
    )

    kept = (probability >= settings.review_threshold) | (reviewed != 0)
    pairs = pd.DataFrame(
        {
            "left": left[kept].astype(np.int64),
            "right": right[kept].astype(np.int64),
            "probability": probability[kept],
            "match_weight": weight[kept],
            **{f"level_{c.name}": levels[kept, i] for i, c in enumerate(comparisons)},
            "decision": _decisions(probability[kept], settings),
            "decided_by": np.select(
                [reviewed[kept] != 0, last_month[kept]], ["reviewed", "last_month"], "auto"
            ).astype(object),
        }
    )
    pairs = pairs.sort_values(["left", "right"], kind="stable").reset_index(drop=True)
    return LinkResult(
        pairs=pairs,
        n_candidate_pairs=blocking.n_candidate_pairs,
        max_block_size=blocking.max_block_size,
        parameters=model.parameters(),
        lambda_=model.lambda_,
        cluster=clustering.cluster,
        record_probability=clustering.record_probability,
        conflict=clustering.conflict,
        skipped_records=dict(blocking.skipped_records),
        identical_records=blocking.identical_records,
    )
