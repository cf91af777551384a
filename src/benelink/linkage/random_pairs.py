"""Random record pairs: the population ``u`` is estimated on.

``u`` is the chance that two *different* people show a comparison level.
Candidate pairs are a poor sample of different people: blocking chose them
because they agree on names, birth years or ids, so their non-matches agree
far more often than non-matches in general, and in a data set full of
duplicates (FEBRL3) half of them are not non-matches at all. Two records
drawn at random are almost surely different people (matches are about one
pair in n), so their level frequencies estimate ``u`` without labels — the
approach Splink takes. The draw is seeded, so a run is reproducible.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Positions = npt.NDArray[np.int32]

DEFAULT_U_PAIRS = 1_000_000
DEFAULT_U_SEED = 20_261_101


def all_pairs_count(n: int) -> int:
    """Number of unordered pairs of ``n`` records."""
    return n * (n - 1) // 2


def random_pairs(n: int, max_pairs: int, seed: int) -> tuple[Positions, Positions]:
    """Up to ``max_pairs`` distinct pairs ``left < right``, drawn uniformly with a seed.

    When the records have no more pairs than ``max_pairs`` every pair is
    returned; otherwise pairs are drawn with replacement of positions and
    de-duplicated, which for ``max_pairs`` much below n²/2 is uniform enough.
    """
    total = all_pairs_count(n)
    if total <= max_pairs:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int32), j.astype(np.int32)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, size=max_pairs, dtype=np.int64)
    b = rng.integers(0, n - 1, size=max_pairs, dtype=np.int64)
    b = np.where(b >= a, b + 1, b)  # uniform over positions other than a
    code = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    return (code // n).astype(np.int32), (code % n).astype(np.int32)
