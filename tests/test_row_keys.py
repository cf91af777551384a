"""One key per row over several code columns: equal exactly where every column is."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.row_keys import combined_key, group_sizes, repeated_rows


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


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 60).flatmap(
        lambda rows: st.tuples(
            st.lists(
                st.lists(st.integers(-1, 3), min_size=rows, max_size=rows).map(np.array)
                | st.lists(st.integers(-1, (1 << 40)), min_size=rows, max_size=rows).map(np.array),
                max_size=6,
            ),
            st.sets(st.integers(0, rows - 1)).map(lambda s: np.array(sorted(s), dtype=np.int64)),
        )
    )
)
def test_repeated_rows_are_those_sharing_every_column_with_another(
    drawn: tuple[list[np.ndarray], np.ndarray],
) -> None:
    """Rows set aside once alone (the wide columns force a renumbering midway) are
    exactly the rows no other row of ``among`` equals; the rest keep equal keys exactly
    where their tuples are equal."""
    columns, among = drawn
    at, key = repeated_rows(columns, among)
    tuples = [tuple(int(c[row]) for c in columns) for row in among]
    counts = pd.Series(tuples, dtype=object).value_counts() if tuples else pd.Series()
    expected = [row for row, t in zip(among, tuples, strict=True) if counts[t] > 1]
    assert at.tolist() == expected
    by_tuple = [tuples[among.tolist().index(row)] for row in at]
    assert (pd.factorize(key)[0] == pd.factorize(pd.Series(by_tuple, dtype=object))[0]).all()
