"""The link stage wired in one place: block → compare → score → decide → cluster.

The candidate pairs are compared and scored chunk by chunk
(``benelink.linkage.chunks``): only the pairs clustering reads are ever held
scored, so memory grows with the matches, not with the candidates. The Spark
engine runs the same chunk functions per partition and shares everything
after scoring (:func:`finish_link`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.block import (
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_RULES,
    BlockingRule,
    CandidatePairs,
    pairs_within_groups,
)
from benelink.linkage.block import candidate_pairs as block_candidates
from benelink.linkage.chunks import (
    PARTITION_PAIRS,
    ComparedChunk,
    Labels,
    Scored,
    chunk_bounds,
    collect_kept,
    compare_chunk,
    concat_scored,
    kept_pairs,
    merged_patterns,
)
from benelink.linkage.cluster import cluster_records, connected_components
from benelink.linkage.compare import (
    COMPARISONS,
    Codes,
    Comparison,
    Floats,
    Levels,
    RecordArrays,
    compare_pairs,
    encode_records,
    ids_overridable,
)
from benelink.linkage.identical import distinct_positions, distinct_records, identical_copies
from benelink.linkage.random_pairs import (
    DEFAULT_U_PAIRS,
    DEFAULT_U_SEED,
    all_pairs_count,
    random_pairs,
)
from benelink.linkage.score import (
    Model,
    TermFrequencies,
    estimate_model,
    level_counts,
    match_probability,
    match_weights,
    term_frequencies,
)
from benelink.linkage.similarity import RecordForm
from benelink.schemas.columns import SOURCE
from benelink.threads import threaded

# components up to this size get every internal pair scored before clustering
FILL_COMPONENT_MAX = 60


class PairProgress(Protocol):
    """Who follows the link stage: told how many candidate pairs there are, then
    how many more have been compared after each chunk (a stage handle is one)."""

    def size(self, total: int, unit: str) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


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


def decided_positions(decisions: pd.DataFrame | None) -> npt.NDArray[np.int64]:
    """The records a reviewer has decided on (never treated as identical copies)."""
    if decisions is None or decisions.empty:
        return np.zeros(0, dtype=np.int64)
    both = decisions[["left", "right"]].to_numpy(dtype=np.int64).ravel()
    return np.unique(both)


def compare_partitions(
    arr: RecordArrays, left: Codes, right: Codes, comparisons: Sequence[Comparison]
) -> Levels:
    """Comparison vectors, computed partition by partition to bound temporary memory."""
    out = np.empty((len(left), len(comparisons)), dtype=np.int8)
    for start in range(0, len(left), PARTITION_PAIRS):
        stop = start + PARTITION_PAIRS
        out[start:stop] = compare_pairs(arr, left[start:stop], right[start:stop], comparisons)
    return out


def score_partition(
    arr: RecordArrays,
    left: Codes,
    right: Codes,
    model: Model,
    tf: TermFrequencies,
) -> tuple[Levels, Floats, Floats]:
    """Levels, match weights and probabilities for one partition of pairs."""
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
    known = np.sort(left.astype(np.int64) * n + right)
    wanted = fl.astype(np.int64) * n + fr
    at = np.minimum(np.searchsorted(known, wanted), max(known.size - 1, 0))
    new = known[at] != wanted if known.size else np.ones(wanted.size, dtype=bool)
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
        extra_levels, extra_weight, extra_probability = score_partition(
            arr, lo[missing].astype(left.dtype), hi[missing].astype(right.dtype), model, tf
        )
        left = np.concatenate([left, lo[missing].astype(left.dtype)])
        right = np.concatenate([right, hi[missing].astype(right.dtype)])
        levels = np.concatenate([levels, extra_levels])
        weight = np.concatenate([weight, extra_weight])
        probability = np.concatenate([probability, extra_probability])
        reviewed = np.zeros(len(left), dtype=np.int8)
        known = left.astype(np.int64) * n + right
    order = np.argsort(known, kind="stable")
    at = order[np.searchsorted(known[order], wanted)]
    reviewed[at] = verdict
    probability = probability.copy()
    probability[at] = np.where(verdict > 0, 1.0, 0.0)
    return left, right, levels, weight, probability, reviewed


def _source_codes(records: pd.DataFrame) -> Codes:
    """One integer per source name (missing sources share one code)."""
    codes, _ = pd.factorize(records[SOURCE].astype("string").fillna(""))
    return np.asarray(codes, dtype=np.int32)


def _across(source: Codes | None, left: Codes, right: Codes) -> tuple[Codes, Codes]:
    """The pairs joining two different sources (all pairs when ``source`` is None)."""
    if source is None:
        return left, right
    keep = source[left] != source[right]
    return left[keep], right[keep]


def _across_count(source: Codes) -> int:
    """Pairs of records from two different sources."""
    sizes = np.bincount(source).astype(np.int64)
    return int((sizes.sum() ** 2 - (sizes**2).sum()) // 2)


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
) -> LinkResult:
    """Everything after scoring, shared by the local and the Spark engine: score the pairs
    inside small match components that blocking missed, lay reviewers' decisions over
    the model, cluster, and build the pairs frame. ``blocking``: how many candidate
    pairs blocking gave, the block cap it used, what it skipped."""
    n = len(arr)
    left, right, levels, weight, probability = scored
    extra_left, extra_right = _across(
        source, *_fill_components(n, left, right, probability, settings.match_threshold)
    )
    if extra_left.size:
        extra_levels, extra_weight, extra_probability = score_partition(
            arr, extra_left, extra_right, model, tf
        )
        left = np.concatenate([left, extra_left])
        right = np.concatenate([right, extra_right])
        levels = np.concatenate([levels, extra_levels])
        weight = np.concatenate([weight, extra_weight])
        probability = np.concatenate([probability, extra_probability])

    left, right, levels, weight, probability, reviewed = _apply_decisions(
        decisions, arr, model, tf, left, right, levels, weight, probability
    )
    clustering = cluster_records(
        n,
        left,
        right,
        probability,
        match_threshold=settings.match_threshold,
        cohesion_threshold=settings.review_threshold,
        exclusive=(arr.national_number, arr.exact["unhcr_individual_id"]),
        tolerated=ids_overridable(levels, comparisons),
        reviewed=reviewed,
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
            "decided_by": np.where(reviewed[kept] != 0, "reviewed", "auto").astype(object),
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


def _collect_local(
    arr: RecordArrays,
    model: Model,
    tf: TermFrequencies,
    settings: LinkageSettings,
    decisions: pd.DataFrame | None,
    chunks: Sequence[ComparedChunk],
    threads: int,
) -> Scored:
    """:func:`collect_kept` over the compared chunks, in this process."""

    def kept(labels: Labels | None) -> Scored:
        floor = settings.review_threshold

        def one(chunk: ComparedChunk) -> Scored:
            return kept_pairs(arr, model, tf, floor, labels, chunk)

        parts = list(threaded(one, chunks, threads))
        return concat_scored(parts, len(model.comparisons))

    return collect_kept(len(arr), settings.match_threshold, decisions, kept)


def link_records(
    records: pd.DataFrame,
    settings: LinkageSettings,
    *,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    comparisons: Sequence[Comparison] = COMPARISONS,
    form: RecordForm = "clear",
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    decisions: pd.DataFrame | None = None,
    u_pairs: int = DEFAULT_U_PAIRS,
    u_seed: int = DEFAULT_U_SEED,
    link_only: bool = False,
    progress: PairProgress | None = None,
    chunk_pairs: int = PARTITION_PAIRS,
    threads: int = 0,
) -> LinkResult:
    """Link and de-duplicate standardised records (positions 0..n-1) into beneficiaries.

    ``form`` says whether ``records`` are in the clear or encoded (every record of
    a run with an encoded source): the same comparisons, judged by the form's
    similarity. ``decisions`` holds reviewers' decisions as record positions ``left``,
    ``right`` and ``decision`` ("accept" or "reject"); they override the model.
    u comes from ``u_pairs`` random pairs drawn with ``u_seed``; m and the prior
    from EM over the candidate pairs. ``link_only`` compares records of different
    ``source`` only (a link task between files that are each free of duplicates,
    as FEBRL4): pairs within one source are dropped from the candidates, the
    random pairs and the prior's population. ``progress`` hears of each chunk
    of ``chunk_pairs`` pairs compared; chunks are compared and scored on
    ``threads`` threads (0: one per CPU).
    """
    n = len(records)
    comps = tuple(comparisons)
    arr = encode_records(records, form)
    # a link-only task keeps the copies within a source apart, so none is set aside
    copies = (
        None if link_only else identical_copies(arr, records, rules, decided_positions(decisions))
    )
    candidates = block_candidates(
        records, settings.max_candidate_pairs, rules, max_block_size, threads, copies
    )
    source = _source_codes(records) if link_only else None
    left, right = _across(source, candidates.left, candidates.right)
    blocking = Blocking.of(candidates, len(left))
    del candidates
    if progress is not None:
        progress.size(len(left), "pairs")

    def compare(bounds: tuple[int, int]) -> ComparedChunk:
        return compare_chunk(arr, comps, left[bounds[0] : bounds[1]], right[bounds[0] : bounds[1]])

    chunks = []
    for chunk in threaded(compare, chunk_bounds(len(left), chunk_pairs), threads):
        chunks.append(chunk)
        if progress is not None:
            progress.advance(len(chunk))

    patterns, counts = merged_patterns(((c.patterns, c.counts) for c in chunks), len(comps))
    # u, the prior's population and the term frequencies are about different people:
    # identical copies count once
    distinct = distinct_positions(n, copies)
    u_left, u_right = (distinct[p] for p in random_pairs(len(distinct), u_pairs, u_seed))
    u_left, u_right = _across(source, u_left, u_right)
    random_counts = level_counts(comps, compare_partitions(arr, u_left, u_right, comps))
    model = estimate_model(
        comps,
        patterns,
        counts,
        settings.em_max_iterations,
        random_counts=random_counts,
        population_pairs=all_pairs_count(len(distinct))
        if source is None
        else _across_count(source[distinct]),
        form=arr.form,
    )
    tf = term_frequencies(distinct_records(arr, distinct), comps)
    scored = _collect_local(arr, model, tf, settings, decisions, chunks, threads)
    del chunks  # clustering runs without them
    return finish_link(arr, settings, comps, decisions, model, tf, blocking, scored, source=source)
