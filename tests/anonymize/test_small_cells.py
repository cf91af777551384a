from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize.small_cells import safe_rate, suppress_cells


def test_small_cells_are_hidden_and_never_alone() -> None:
    assert suppress_cells({"a": 40, "b": 2, "c": 9, "d": 0}, 5) == {
        "a": 40,
        "b": None,
        "c": None,  # else b = total - a - c
        "d": 0,
    }
    assert suppress_cells({"a": 40, "b": 2, "c": 3}, 5) == {"a": 40, "b": None, "c": None}
    assert safe_rate(3, 40, 5) is None and safe_rate(10, 40, 5) == 0.25


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 30), max_size=8), st.integers(2, 10))
def test_no_shown_cell_is_small_and_no_hidden_cell_is_alone(counts: dict[str, int], k: int) -> None:
    shown = suppress_cells(counts, k)
    assert all(v is None or v == 0 or v >= k for v in shown.values())
    hidden = [n for n, v in shown.items() if v is None]
    assert len(hidden) != 1 or not [n for n, v in counts.items() if v > 0 and n not in hidden]
