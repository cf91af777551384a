"""Scoring each distinct pair of values once, however many record pairs share it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

Codes = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]


def distinct_pairs(
    out: Floats, a: Codes, b: Codes, n_values: int, top: float
) -> tuple[
    npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """The distinct unordered pairs of different codes among aligned pairs, to score once each.

    Sets ``out`` to ``top`` where both codes are equal (a value against itself);
    returns the mask of pairs left to score, the two codes of each distinct pair
    and, per pair left, the index of its distinct pair. Distinct pairs are found
    by hashing (``pd.factorize``), much faster than sorting at millions of pairs.
    """
    present = (a >= 0) & (b >= 0)
    same = present & (a == b)
    out[same] = top
    ok = present & ~same
    a, b = a[ok].astype(np.int64), b[ok].astype(np.int64)
    lo = np.minimum(a, b)
    inverse, distinct = pd.factorize(lo * n_values + (a + b - lo))  # (smaller, larger) code
    distinct = np.asarray(distinct, dtype=np.int64)
    return ok, distinct // n_values, distinct % n_values, np.asarray(inverse)
