"""Fellegi–Sunter scoring: u from random pairs, m by EM, term-frequency adjusted.

For each comparison level, ``m`` is the chance a true match shows it and
``u`` the chance a non-match does; ``log2(m/u)`` is the level's weight and a
pair's match weight is the sum over its comparisons (null levels add
nothing). With the prior λ (the chance two random records match) the match
probability is ``1 / (1 + 2^-(log2(λ/(1-λ)) + weight))``.

u comes from the level counts of random pairs (:func:`u_from_random_pairs`),
m and λ from expectation–maximisation over the candidates — no labels. EM only
needs how often each *distinct* comparison vector occurs, so it runs on a
few thousand patterns whatever the number of pairs.

Term frequencies (as in Splink): an exact agreement on a name key weighs
``log2(Σf² / f_v)`` bits more than average, where ``f_v`` is the share of
records carrying the value — agreeing on "Mohammad" says little, agreeing on a
rare name a lot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.compare import (
    Codes,
    Comparison,
    Floats,
    Levels,
    RecordArrays,
)
from benelink.linkage.similarity import RecordForm

_EPS = 1e-6
TF_MIN_ADJUSTMENT = -8.0
TF_MAX_ADJUSTMENT = 4.0
INITIAL_PRIOR = 0.05
_TOLERANCE = 1e-6
M_FLOOR = 1e-3


@dataclass(frozen=True)
class Model:
    """The fitted model: per comparison, m and u indexed by ``level + 1`` (slot 0 = null)."""

    comparisons: tuple[Comparison, ...]
    m: tuple[Floats, ...]
    u: tuple[Floats, ...]
    lambda_: float
    iterations: int
    form: RecordForm = "clear"

    def weights(self) -> tuple[Floats, ...]:
        """log2(m/u) per level, 0 for the null slot."""
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log2(np.maximum(m, _EPS) / np.maximum(u, _EPS))
            w[0] = 0.0
            out.append(w)
        return tuple(out)

    def parameters(self) -> pd.DataFrame:
        """One row per comparison level: comparison, level, label, m, u, weight."""
        rows = []
        for comparison, m, u, w in zip(
            self.comparisons, self.m, self.u, self.weights(), strict=True
        ):
            for level, label in sorted(comparison.labels(self.form).items(), reverse=True):
                rows.append(
                    {
                        "comparison": comparison.name,
                        "level": level,
                        "label": label,
                        "m": float(m[level + 1]),
                        "u": float(u[level + 1]),
                        "weight": float(w[level + 1]),
                    }
                )
        return pd.DataFrame(rows, columns=["comparison", "level", "label", "m", "u", "weight"])


def pattern_counts(levels: Levels) -> tuple[Levels, npt.NDArray[np.int64]]:
    """Distinct comparison vectors and their counts, via one int64 code per pair."""
    patterns, counts, _ = pattern_index(levels)
    return patterns, counts


def pattern_index(
    levels: Levels,
) -> tuple[Levels, npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Distinct comparison vectors (in lexicographic order), their counts, and for each
    pair the index of its vector: ``patterns[index]`` gives ``levels`` back."""
    n_cols = levels.shape[1]
    if len(levels) == 0:
        return levels, np.zeros(0, np.int64), np.zeros(0, np.intp)
    radix = int(levels.max()) + 2
    code = np.zeros(len(levels), dtype=np.int64)
    for i in range(n_cols):
        code = code * radix + (levels[:, i].astype(np.int64) + 1)
    # hashing, then sorting the few distinct codes: a sort of every pair's code (np.unique)
    # took a sixth of the comparison time
    inverse, distinct = pd.factorize(code, sort=True)
    counts = np.bincount(inverse, minlength=len(distinct))
    patterns = np.empty((distinct.size, n_cols), dtype=np.int8)
    rest = distinct.copy()
    for i in reversed(range(n_cols)):
        patterns[:, i] = (rest % radix - 1).astype(np.int8)
        rest //= radix
    return patterns, counts.astype(np.int64), inverse.astype(np.intp)


def _n_slots(comparison: Comparison) -> int:
    return comparison.top_level + 2


def _initial_m(comparison: Comparison) -> Floats:
    """Prior: matches mostly agree exactly; each weaker level is much rarer."""
    slots = _n_slots(comparison)
    m = np.zeros(slots)
    for level in range(comparison.top_level + 1):
        m[level + 1] = 8.0 ** (level - comparison.top_level)
    m[1] = max(m[1], 0.01)
    out: Floats = m / m.sum()
    return out


def _level_distribution(column: Levels, counts: Floats, slots: int) -> Floats:
    totals = np.bincount(column.astype(np.int64) + 1, weights=counts, minlength=slots)[:slots]
    totals[0] = 0.0
    out: Floats = (totals + _EPS) / (totals[1:].sum() + _EPS * (slots - 1))
    return out


def _m_distribution(column: Levels, match_weights: Floats, slots: int) -> Floats:
    """m per level, each level kept at or above ``M_FLOOR``.

    A level no match shows in this data set (a governorate that differs, a
    UNHCR id two records never share) would otherwise get m ≈ 0 and a
    disagreement weight of −20 bits or more, vetoing every future pair that
    shows it whatever else agrees. The floor says "at least one match in a
    thousand may show any level", which bounds that veto near −10 bits.
    """
    m = _level_distribution(column, match_weights, slots)
    m[1:] = np.maximum(m[1:], M_FLOOR)
    m[1:] /= m[1:].sum()
    m[0] = 0.0
    return m


def _posterior(patterns: Levels, m: Sequence[Floats], u: Sequence[Floats], lam: float) -> Floats:
    """P(match | pattern) under the current parameters (null levels skipped)."""
    log_ratio = np.zeros(len(patterns))
    for i in range(patterns.shape[1]):
        slot = patterns[:, i].astype(np.int64) + 1
        present = slot > 0
        s = slot[present]
        log_ratio[present] += np.log(np.maximum(m[i][s], _EPS)) - np.log(np.maximum(u[i][s], _EPS))
    logit = np.log(lam) - np.log1p(-lam) + log_ratio
    out: Floats = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
    return out


def level_counts(comparisons: Sequence[Comparison], levels: Levels) -> tuple[Floats, ...]:
    """How often each level (slot 0 = null) occurs among the given comparison vectors."""
    return tuple(
        np.bincount(levels[:, i].astype(np.int64) + 1, minlength=_n_slots(c))[: _n_slots(c)].astype(
            np.float64
        )
        for i, c in enumerate(comparisons)
    )


def u_from_random_pairs(counts: Floats, m: Floats, lambda_: float) -> Floats:
    """u of one comparison from its level counts among random pairs.

    Random pairs are a mixture: a share λ of them are matches (in FEBRL3, half
    the records are duplicates and a random pair sharing an id number is
    usually one). Their expected counts, λ·m per non-null pair, are taken
    out. One pseudo-count per level keeps a level never seen among random
    pairs finite: its weight is then bounded by how many pairs were drawn.
    """
    observed = counts[1:]
    expected_matches = lambda_ * observed.sum() * m[1:]
    kept = np.maximum(observed - expected_matches, 0.0) + 1.0
    out: Floats = np.r_[0.0, kept / kept.sum()]
    return out


def estimate_model(
    comparisons: Sequence[Comparison],
    patterns: Levels,
    counts: npt.NDArray[np.int64],
    max_iterations: int,
    *,
    random_counts: Sequence[Floats] | None = None,
    population_pairs: int | None = None,
    form: RecordForm = "clear",
) -> Model:
    """EM over distinct comparison vectors; m starts from priors.

    Without ``random_counts``, u is estimated too, starting from the candidate
    set, and λ is the share of matches among the candidates. With
    ``random_counts`` (level counts among random pairs, :func:`level_counts`)
    u comes from them (:func:`u_from_random_pairs`), and λ is the chance that
    two records drawn from all ``population_pairs`` pairs match:
    blocking chose the candidates *by* their agreement, so P(match | vector) is
    the same among candidates as among all pairs, and every match is assumed
    to be among the candidates.

    Candidate pairs hold two kinds of "similar" pairs: the same person, and
    members of one household (same father, family, phone, case). Left free, EM
    may well pick households as its "match" class. So the comparisons marked
    ``anchor`` (first name, birth date — what tells a person from a sibling)
    keep their prior m while EM runs; one last M-step then estimates their m
    from the converged posteriors.
    """
    comps = tuple(comparisons)
    weights = counts.astype(np.float64)
    slots = [_n_slots(c) for c in comps]
    m = [_initial_m(c) for c in comps]
    if random_counts is None:
        u = [_level_distribution(patterns[:, i], weights, slots[i]) for i in range(len(comps))]
        population = max(weights.sum(), 1.0)
        lam = INITIAL_PRIOR
    else:
        population = float(max(population_pairs or 0, weights.sum(), 1.0))
        lam = float(np.clip(INITIAL_PRIOR * weights.sum() / population, _EPS**2, 1 - _EPS))
        u = [u_from_random_pairs(c, mi, lam) for c, mi in zip(random_counts, m, strict=True)]
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        match_w = _posterior(patterns, m, u, lam) * weights
        new_m = [
            m[i] if c.anchor else _m_distribution(patterns[:, i], match_w, slots[i])
            for i, c in enumerate(comps)
        ]
        new_lam = float(np.clip(match_w.sum() / population, _EPS**2, 1 - _EPS))
        new_u = (
            [
                _level_distribution(patterns[:, i], weights - match_w, slots[i])
                for i in range(len(comps))
            ]
            if random_counts is None
            else [
                u_from_random_pairs(c, mi, new_lam)
                for c, mi in zip(random_counts, new_m, strict=True)
            ]
        )
        change = max(
            abs(new_lam - lam) / lam,
            *(float(np.abs(a - b).max()) for a, b in zip(new_m + new_u, m + u, strict=True)),
        )
        m, u, lam = new_m, new_u, new_lam
        if change < _TOLERANCE:
            break
    if len(patterns):
        match_w = _posterior(patterns, m, u, lam) * weights
        m = [
            _m_distribution(patterns[:, i], match_w, slots[i]) if c.anchor else m[i]
            for i, c in enumerate(comps)
        ]
    for mi, ui in zip(m, u, strict=True):
        mi[0] = ui[0] = 0.0
    return Model(comps, tuple(m), tuple(u), lam, iterations, form)


def term_frequency_adjustments(arr: RecordArrays, comparison: Comparison) -> Floats:
    """Bits added to an exact agreement on each key value: log2(Σf² / f_v), clipped."""
    codes = arr.key[comparison.field]
    present = codes[codes >= 0]
    freq = np.bincount(present, minlength=len(arr.key_vocab)).astype(np.float64)
    if present.size == 0:
        return np.zeros(len(arr.key_vocab))
    freq /= present.size
    average = float((freq**2).sum())
    with np.errstate(divide="ignore"):
        adjustment = np.log2(average / freq)
    return np.clip(adjustment, TF_MIN_ADJUSTMENT, TF_MAX_ADJUSTMENT)


@dataclass(frozen=True)
class TermFrequencies:
    """Per term-frequency comparison: its column in the vector, its level, its adjustments."""

    column: tuple[int, ...]
    exact_level: tuple[int, ...]
    field: tuple[str, ...]
    adjustment: tuple[Floats, ...]


def term_frequencies(arr: RecordArrays, comparisons: Sequence[Comparison]) -> TermFrequencies:
    """The adjustment tables of every comparison that asks for them."""
    chosen = [(i, c) for i, c in enumerate(comparisons) if c.term_frequency]
    return TermFrequencies(
        column=tuple(i for i, _ in chosen),
        exact_level=tuple(c.top_level for _, c in chosen),
        field=tuple(c.field for _, c in chosen),
        adjustment=tuple(term_frequency_adjustments(arr, c) for _, c in chosen),
    )


def match_weights(
    levels: Levels, model: Model, tf: TermFrequencies, arr: RecordArrays, left: Codes
) -> Floats:
    """log2 Bayes factor of each pair: level weights plus term-frequency adjustments."""
    return indexed_match_weights(levels, np.arange(len(levels)), model, tf, arr, left)


def indexed_match_weights(
    patterns: Levels,
    index: npt.NDArray[np.integer],
    model: Model,
    tf: TermFrequencies,
    arr: RecordArrays,
    left: Codes,
) -> Floats:
    """:func:`match_weights` of the pairs whose vectors are ``patterns[index]``.

    The level weights are summed once per distinct vector (a chunk of a million
    pairs holds a few thousand) and taken by index; only the term-frequency
    adjustments depend on the pair's values. Each pair's sum is computed in the
    same order as over its own vector, so the weights are the same to the bit.
    """
    per_pattern = np.zeros(len(patterns))
    for i, w in enumerate(model.weights()):
        per_pattern += w[patterns[:, i].astype(np.int64) + 1]
    total: Floats = per_pattern[index]
    for column, exact, field, adjustment in zip(
        tf.column, tf.exact_level, tf.field, tf.adjustment, strict=True
    ):
        hit = (patterns[:, column] == exact)[index]
        codes = arr.key[field][left[hit]]
        total[hit] += np.where(codes >= 0, adjustment[np.maximum(codes, 0)], 0.0)
    return total


def match_probability(weight: Floats, lambda_: float) -> Floats:
    """Posterior match probability from the prior and the summed weights."""
    logit = np.log2(lambda_) - np.log2(1.0 - lambda_) + weight
    out: Floats = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
    return out
