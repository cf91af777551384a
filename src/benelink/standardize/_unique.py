"""Apply a per-value Python function once per distinct value of a column.

Partner columns repeat values heavily (a million records hold a few thousand
distinct first names and dates), so every standardiser is written for one
value and lifted to a column here: factorise, compute per distinct value, take
the results back by code. Missing stays missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from benelink.arrow_text import arrow_series

T = TypeVar("T")


def map_unique(values: pd.Series, func: Callable[[str], T]) -> tuple[np.ndarray, list[T]]:
    """(codes, results): ``results[codes[i]]`` is ``func`` of row i; code -1 marks missing."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # tolist: iterating Arrow-backed uniques converts one element per call
    return codes, [func(str(u)) for u in uniques.tolist()]


def string_column(values: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """``func`` applied per distinct value; "" and None results become <NA>."""
    codes, results = map_unique(values, func)
    return take_strings(codes, results, values.index)


def take_strings(codes: np.ndarray, results: Sequence[str | None], index: pd.Index) -> pd.Series:
    """Strings picked by code, as an Arrow-backed "string" column with <NA> for -1, "" and
    None: Arrow copies the picked values into one buffer, where a Python-backed column
    held an object per row."""
    table = pa.array([r if r else None for r in results], type=pa.string())
    return arrow_series(table.take(pa.array(codes, mask=codes < 0)), index)


def take_ints(codes: np.ndarray, results: Sequence[int | None], index: pd.Index) -> pd.Series:
    """Integers picked by code, as a nullable "Int64" column with <NA> for -1 and None."""
    present = np.array([r is not None for r in results] + [False], dtype=bool)
    numbers = np.array([r if r is not None else 0 for r in results] + [0], dtype=np.int64)
    return pd.Series(
        pd.arrays.IntegerArray(numbers[codes], ~present[codes]), index=index, dtype="Int64"
    )
