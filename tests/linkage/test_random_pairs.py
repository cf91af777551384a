"""Random pairs for u: distinct, ordered, seeded, and all pairs when there are few."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.linkage.random_pairs import all_pairs_count, random_pairs


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 400), wanted=st.integers(1, 5_000), seed=st.integers(0, 2**31))
def test_pairs_are_distinct_ordered_and_in_range(n: int, wanted: int, seed: int) -> None:
    left, right = random_pairs(n, wanted, seed)
    assert len(left) == len(right) <= max(wanted, all_pairs_count(n))
    assert (left < right).all() and left.min() >= 0 and right.max() < n
    code = left.astype(np.int64) * n + right
    assert np.unique(code).size == code.size


def test_few_records_give_every_pair() -> None:
    left, right = random_pairs(30, 10_000, seed=1)
    assert len(left) == all_pairs_count(30) == 435
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {
        (i, j) for i in range(30) for j in range(i + 1, 30)
    }


def test_seeded_and_roughly_uniform() -> None:
    a = random_pairs(2_000, 50_000, seed=3)
    b = random_pairs(2_000, 50_000, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    hits = np.bincount(np.concatenate(a), minlength=2_000)
    assert abs(hits.mean() - 50.0) < 1.0 and hits.std() < 12.0  # binomial sd ≈ 7
