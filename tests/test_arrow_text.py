"""Arrow-backed cell text: trimmed exactly as Python's str.strip trims."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import example, given
from hypothesis import strategies as st

from benelink.arrow_text import (
    ARROW_TEXT,
    WHITESPACE,
    as_text,
    is_blank,
    sort_order,
    trimmed_text,
    with_arrow_text,
)


def test_whitespace_is_everything_python_strips() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITESPACE) == every


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(" \t\x1fa\u3000\xa0b")))))
def test_trimmed_text_is_str_strip_with_blanks_missing(cells: list[str | None]) -> None:
    values = pd.Series(cells, dtype=object)
    out = trimmed_text(values)
    assert out.dtype == ARROW_TEXT
    expected = [None if c is None or not c.strip() else c.strip() for c in cells]
    assert [None if pd.isna(v) else v for v in out] == expected
    assert is_blank(values).tolist() == [e is None for e in expected]


def test_with_arrow_text_converts_only_string_columns() -> None:
    frame = pd.DataFrame(
        {"a": pd.array(["x", None], dtype="string"), "n": [1, 2], "o": [object(), None]}
    )
    out = with_arrow_text(frame)
    assert out["a"].dtype == ARROW_TEXT and out["a"].isna().tolist() == [False, True]
    assert out["n"].dtype == frame["n"].dtype and out["o"].dtype == object
    assert with_arrow_text(out) is out


def test_as_text_keeps_a_string_column_and_writes_anything_else_as_text() -> None:
    arrow = pd.Series(["a", None], dtype="string[pyarrow]")
    assert as_text(arrow) is arrow  # no copy into Python strings
    assert as_text(pd.Series([7, 12])).tolist() == ["7", "12"]
    assert as_text(pd.Series([7, 12])).dtype == ARROW_TEXT


_HEX_TEXT = st.integers(1, 33).flatmap(
    lambda width: st.lists(
        st.text("0123456789abcdef", min_size=width, max_size=width)
        | st.text("0123456789abcdefA", min_size=width, max_size=width)  # not all hex
        | st.none(),
        min_size=1,
        max_size=30,
    )
)


@given(_HEX_TEXT, st.integers(0, 5))
@example(["a0", "A0", "90", "0a"], 0)  # "A" is no lowercase hex digit: Arrow's order
def test_hex_tokens_sort_as_arrow_sorts_text(values: list[str | None], repeat: int) -> None:
    """Record tokens are sorted on their value (numpy) where they are all lowercase hex of
    one width: the order is Arrow's string order exactly, ties in their first 16 digits
    and equal tokens included; other text goes through Arrow's sort."""
    values = [*values, *values[:repeat]]
    if values[0] is not None and len(values[0]) > 16:  # one sharing its first 16 digits
        values.append(values[0][:16] + "0" * (len(values[0]) - 16))
    frame = pd.DataFrame({"token": pd.Series(values, dtype=ARROW_TEXT)})
    expected = pc.sort_indices(
        pa.table({"token": pa.array(values, type=pa.string())}), sort_keys=[("token", "ascending")]
    )
    assert np.array_equal(sort_order(frame, ["token"]), np.asarray(expected))
