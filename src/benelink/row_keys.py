"""One integer key per row from several integer code columns, equal exactly where every
column is equal.

Grouping a million rows on seven code columns (a pandas group-by, or one hash pass per
column) costs seconds; numbering the combinations in mixed radix costs a multiply-add per
column, and a hash pass only when the next column would overflow int64. Used by the
disclosure check (group sizes) and the link stage (identical copies).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

_LIMIT: Final = 1 << 62  # every combined key stays below it


def combined_key(
    columns: Iterable[npt.NDArray[np.integer[Any]]], rows: int
) -> npt.NDArray[np.int64]:
    """The key of each of ``rows`` rows over ``columns`` (integer codes, each >= -1, so
    ``-1`` for missing is a value of its own); keys are not numbered 0, 1, ..."""
    key = np.zeros(rows, dtype=np.int64)
    bound = 1  # every key is below it
    for codes in columns:
        width = int(codes.max(initial=-1)) + 2
        if bound * width > _LIMIT:  # Python integers: the test itself never overflows
            key = pd.factorize(key)[0].astype(np.int64)
            bound = int(key.max(initial=-1)) + 1
        key = key * width + (codes.astype(np.int64) + 1)
        bound *= width
    return key


def repeated_rows(
    columns: Iterable[npt.NDArray[np.integer[Any]]], among: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The rows of ``among`` equal to another of them on every one of ``columns`` (integer
    codes per row, each >= -1), and a key for each, equal exactly where every column is.

    A row alone in its group stays alone whatever the columns after, so it is dropped
    at each hash pass: over a million records, the rows that repeat are a few percent.
    """
    at, key, bound = among, np.zeros(len(among), dtype=np.int64), 1
    for codes in columns:
        values = codes[at]
        width = int(values.max(initial=-1)) + 2
        if bound * width > _LIMIT:
            at, key = _repeated(at, key)
            values = codes[at]
            bound = int(key.max(initial=-1)) + 1
        key = key * width + (values.astype(np.int64) + 1)
        bound *= width
    return _repeated(at, key)


def _repeated(
    at: npt.NDArray[np.int64], key: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The rows whose key another row shares, and their keys numbered 0, 1, ..."""
    groups = pd.factorize(key)[0]
    shared = np.bincount(groups)[groups] > 1
    return at[shared], groups[shared].astype(np.int64)


def group_sizes(key: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each row, how many rows share its key."""
    groups = pd.factorize(key)[0]
    return np.bincount(groups).astype(np.int64)[groups]
