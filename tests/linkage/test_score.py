"""EM recovers known m/u; term frequencies make common names weigh less."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.linkage.compare import Comparison, encode_records
from benelink.linkage.score import (
    estimate_model,
    match_probability,
    pattern_counts,
    term_frequency_adjustments,
)

COMPARISONS = (
    Comparison("a", "national_number", "national_number"),
    Comparison("b", "exact", "sex"),
    Comparison("c", "exact", "phone"),
    Comparison("d", "national_number", "national_number"),
)
TRUE_M = [
    np.array([0.9, 0.07, 0.03]),
    np.array([0.95, 0.05]),
    np.array([0.85, 0.15]),
    np.array([0.8, 0.1, 0.1]),
]
TRUE_U = [
    np.array([0.02, 0.08, 0.9]),
    np.array([0.5, 0.5]),
    np.array([0.1, 0.9]),
    np.array([0.05, 0.15, 0.8]),
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


def test_null_levels_carry_no_weight() -> None:
    levels = _simulate(20_000, 0.3, seed=3)
    patterns, counts = pattern_counts(levels)
    model = estimate_model(COMPARISONS, patterns, counts, max_iterations=200)
    assert all(w[0] == 0.0 for w in model.weights())
    params = model.parameters()
    assert list(params.columns) == ["comparison", "level", "label", "m", "u", "weight"]
    assert len(params) == 3 + 2 + 2 + 3


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
