"""EM recovers known m/u; term frequencies make common names weigh less."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.linkage.compare import Comparison, encode_records
from benelink.linkage.score import (
    M_FLOOR,
    estimate_model,
    level_counts,
    match_probability,
    pattern_counts,
    term_frequency_adjustments,
    u_from_random_pairs,
)

COMPARISONS = (
    Comparison("a", "national_number", "national_number"),
    Comparison("b", "exact", "sex"),
    Comparison("c", "exact", "phone"),
    Comparison("d", "national_number", "national_number"),
)
TRUE_M = [
    np.array([0.9, 0.05, 0.02, 0.03]),
    np.array([0.95, 0.05]),
    np.array([0.85, 0.15]),
    np.array([0.8, 0.08, 0.02, 0.1]),
]
TRUE_U = [
    np.array([0.02, 0.05, 0.03, 0.9]),
    np.array([0.5, 0.5]),
    np.array([0.1, 0.9]),
    np.array([0.05, 0.1, 0.05, 0.8]),
]


def _simulate(n: int, lam: float, seed: int) -> np.ndarray:
    """Comparison vectors drawn from the true m/u; level order top-first as in the model."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    levels = np.empty((n, len(TRUE_M)), dtype=np.int8)
    for i, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        top = len(m) - 1
        drawn_m = top - rng.choice(len(m), size=n, p=m)
        drawn_u = top - rng.choice(len(u), size=n, p=u)
        levels[:, i] = np.where(is_match, drawn_m, drawn_u)
    return levels


def test_em_recovers_m_u_and_lambda_from_simulated_vectors() -> None:
    levels = _simulate(60_000, 0.2, seed=7)
    patterns, counts = pattern_counts(levels)
    model = estimate_model(COMPARISONS, patterns, counts, max_iterations=500)
    assert abs(model.lambda_ - 0.2) < 0.01
    for i, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        got_m = model.m[i][1:][::-1]  # slots are level+1; levels run top-first in TRUE_*
        got_u = model.u[i][1:][::-1]
        np.testing.assert_allclose(got_m, m, atol=0.03)
        np.testing.assert_allclose(got_u, u, atol=0.03)


def test_u_from_random_pairs_and_m_by_em_recover_the_population() -> None:
    # a population of pairs (1 % matches); blocking keeps those agreeing on "a";
    # u comes from random pairs of the population, m and λ from EM on the candidates
    population = _simulate(400_000, 0.01, seed=5)
    candidates = population[population[:, 0] >= 1]
    rng = np.random.default_rng(6)
    drawn = population[rng.choice(len(population), size=200_000, replace=False)]
    patterns, counts = pattern_counts(candidates)
    model = estimate_model(
        COMPARISONS,
        patterns,
        counts,
        max_iterations=200,
        random_counts=level_counts(COMPARISONS, drawn),
        population_pairs=len(population),
    )
    assert abs(model.lambda_ - 0.01 * (1 - TRUE_M[0][-1])) < 0.001
    for i, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        np.testing.assert_allclose(model.u[i][1:][::-1], u, atol=0.01)
        if i:  # "a" is the blocking field: its m is seen through blocking only
            np.testing.assert_allclose(model.m[i][1:][::-1], m, atol=0.03)


def test_matches_among_random_pairs_are_taken_out_of_u() -> None:
    # 1,000 random pairs, 100 of them matches that all agree (level 1 of 2)
    counts = np.array([0.0, 900.0 * 0.9, 900.0 * 0.1 + 100.0])
    m = np.array([0.0, 0.0, 1.0])
    naive = u_from_random_pairs(counts, m, 0.0)
    corrected = u_from_random_pairs(counts, m, 0.1)
    assert naive[2] > 0.18
    assert abs(corrected[2] - 0.1) < 0.005
    assert corrected[0] == 0.0 and abs(corrected.sum() - 1.0) < 1e-12


def test_a_level_no_match_shows_keeps_a_bounded_weight() -> None:
    levels = _simulate(20_000, 0.3, seed=4)
    levels[:, 2] = np.where(levels[:, 2] == 0, 1, levels[:, 2])  # nobody disagrees on "c"
    levels[:5, 2] = 0  # ... but five non-matching pairs do
    patterns, counts = pattern_counts(levels)
    model = estimate_model(COMPARISONS, patterns, counts, max_iterations=200)
    assert model.m[2][1] >= M_FLOOR * 0.99
    assert model.weights()[2][1] > -15


def test_null_levels_carry_no_weight() -> None:
    levels = _simulate(20_000, 0.3, seed=3)
    patterns, counts = pattern_counts(levels)
    model = estimate_model(COMPARISONS, patterns, counts, max_iterations=200)
    assert all(w[0] == 0.0 for w in model.weights())
    params = model.parameters()
    assert list(params.columns) == ["comparison", "level", "label", "m", "u", "weight"]
    assert len(params) == 4 + 2 + 2 + 4


def test_pattern_counts_round_trip() -> None:
    levels = np.array([[1, -1, 3], [1, -1, 3], [0, 2, -1]], dtype=np.int8)
    patterns, counts = pattern_counts(levels)
    assert sorted(zip(map(tuple, patterns.tolist()), counts.tolist(), strict=True)) == [
        ((0, 2, -1), 1),
        ((1, -1, 3), 2),
    ]


def test_common_name_agreement_weighs_less_than_a_rare_one() -> None:
    keys = ["mhmd"] * 80 + ["ahmd"] * 15 + ["zyd", "qtb", "smr", "frs", "nsr"]
    arr = encode_records(pd.DataFrame({"key_first": keys}))
    adjustment = term_frequency_adjustments(arr, Comparison("first_name", "name", "first", True))
    common = adjustment[arr.key["first"][0]]
    rare = adjustment[arr.key["first"][-1]]
    assert common < 0 < rare
    assert rare - common > 3


def test_probability_rises_with_weight_and_prior() -> None:
    p = match_probability(np.array([-10.0, 0.0, 10.0]), 0.5)
    assert p[0] < 0.01 < p[1] == 0.5 < 0.99 < p[2]
    assert match_probability(np.array([0.0]), 0.1)[0] < 0.5
