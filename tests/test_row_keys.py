"""One key per row over several code columns: equal exactly where every column is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.row_keys import combined_key, group_sizes


def _by_tuples(columns: list[np.ndarray]) -> np.ndarray:
    """The reference: rows numbered by their tuple of codes."""
    return pd.factorize(pd.Series(list(zip(*(c.tolist() for c in columns), strict=True))))[0]


def test_equal_keys_exactly_where_every_column_is_equal() -> None:
    rng = np.random.default_rng(7)
    columns = [rng.integers(-1, width, 5_000) for width in (3, 2, 40, 5, 1)]
    key = combined_key(columns, 5_000)
    assert (pd.factorize(key)[0] == _by_tuples(columns)).all()


def test_wide_columns_are_renumbered_before_the_key_overflows() -> None:
    # six columns of ~2**20 values: their product is far past int64
    rng = np.random.default_rng(11)
    columns = [rng.integers(-1, 1 << 20, 2_000) for _ in range(6)]
    columns.append(columns[0].copy())
    key = combined_key(columns, 2_000)
    assert key.dtype == np.int64 and (key >= 0).all()
    assert (pd.factorize(key)[0] == _by_tuples(columns)).all()


def test_no_columns_is_one_group() -> None:
    assert combined_key([], 4).tolist() == [0, 0, 0, 0]


def test_group_sizes_count_each_rows_key() -> None:
    key = np.array([5, 9, 5, 5, 7], dtype=np.int64)
    assert group_sizes(key).tolist() == [3, 1, 3, 3, 1]
