"""Person keys (anonymize.person_keys): the same person's records share them, others don't."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.anonymize import person_keys as person_keys_module
from benelink.anonymize.person_keys import PERSON_KEYS, _token_bits, person_keys, record_digests

KEY = bytes(range(32))
PARTS = ("first", "father", "grandfather", "family")


def _records(*rows: tuple[str | None, ...], birth: list[tuple[int | None, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {f"key_{p}": pd.Series([r[i] for r in rows], dtype="string") for i, p in enumerate(PARTS)}
    )
    for i, column in enumerate(("birth_year", "birth_month", "birth_day")):
        frame[column] = pd.array([b[i] for b in birth], dtype="Int64")
    return frame


def _shared(keys: pd.DataFrame, a: int, b: int) -> int:
    return int(sum(keys.at[a, c] == keys.at[b, c] != 0 for c in PERSON_KEYS))


def test_a_name_re_typed_in_one_part_still_shares_keys() -> None:
    keys = person_keys(
        _records(
            ("ALA", "MHMD", "ALY", "ZBN"),
            ("ALA", "MHMD", "ELY", "ZBN"),  # the grandfather re-typed
            ("ALA", "MHMD", "ALY", "ZBN"),
            ("ALA", "MHMD", "ALY", "ZBN"),
            birth=[(1990, 3, 4), (1990, 3, 4), (1990, 4, 3), (1991, 3, 4)],
        ),
        KEY,
    )
    assert (keys != 0).all().all()
    # the key that leaves the grandfather out, and the one of three names and the year
    assert _shared(keys, 0, 1) == 2
    assert _shared(keys, 0, 2) == 1  # day and month swapped: the year's key only
    assert _shared(keys, 0, 3) == 0  # another year


def test_a_year_alone_meets_the_full_date_of_the_same_name() -> None:
    keys = person_keys(
        _records(
            ("MRN", "HSIN", None, "HMS"),  # UNHCR: no grandfather, the year only
            ("MRN", "HSIN", "YSF", "HMS"),
            birth=[(2007, None, None), (2007, 4, 9)],
        ),
        KEY,
    )
    assert keys.at[0, "person_key_5"] == keys.at[1, "person_key_5"] != 0
    assert _shared(keys, 0, 1) == 1


def test_twins_share_only_the_key_without_the_first_name() -> None:
    keys = person_keys(
        _records(
            ("ALA", "MHMD", "ALY", "ZBN"),
            ("HSN", "MHMD", "ALY", "ZBN"),
            birth=[(1990, 3, 4), (1990, 3, 4)],  # twins, even
        ),
        KEY,
    )
    assert _shared(keys, 0, 1) == 1  # the key without the first name: twins share it
    # ... which is why a key held this month by two people is never used (persist)


def test_too_little_to_name_a_person_gives_no_key() -> None:
    keys = person_keys(
        _records(
            ("ALA", "MHMD", "ALY", "ZBN"),  # no birth year
            ("ALA", None, None, "ZBN"),  # two parts, year only
            ("ALA", None, None, "ZBN"),  # two parts, full date: only the keys that keep both
            birth=[(None, 3, 4), (1990, None, None), (1990, 3, 4)],
        ),
        KEY,
    )
    assert (keys.loc[0] == 0).all() and (keys.loc[1] == 0).all()
    assert (keys.loc[2] != 0).tolist() == [False, True, True, False, False]


def test_keys_depend_on_the_secret_key() -> None:
    records = _records(("ALA", "MHMD", "ALY", "ZBN"), birth=[(1990, 3, 4)])
    one, other = person_keys(records, KEY), person_keys(records, bytes(32))
    assert (one != other).all().all()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ALA", "HSN", "", "MHMD"]),
            st.sampled_from(["MHMD", "ALY", ""]),
            st.integers(1950, 1952),
            st.integers(1, 2),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_keys_are_a_function_of_the_record_alone(rows: list[tuple[str, str, int, int]]) -> None:
    frame = _records(
        *[(a, b, "ALY", "ZBN") for a, b, _, _ in rows], birth=[(y, m, 1) for _, _, y, m in rows]
    )
    keys = person_keys(frame, KEY)
    alone = pd.concat([person_keys(frame.iloc[[i]], KEY) for i in range(len(frame))])
    pd.testing.assert_frame_equal(keys, alone)
    digests = record_digests(frame, KEY, list(frame.columns))
    with patch.object(person_keys_module, "_ROWS_AT_ONCE", 3):  # hashed three rows at a time
        pd.testing.assert_frame_equal(person_keys(frame, KEY), keys)
        np.testing.assert_array_equal(record_digests(frame, KEY, list(frame.columns)), digests)


def _first_bits(token: str | None) -> int:
    """The reference: the first 16 characters, "0" past the end and for any other one."""
    if token is None:
        return 0
    digits = [c if c in "0123456789abcdef" else "0" for c in token[:16].ljust(16, "0")]
    return int("".join(digits), 16)


@given(
    st.lists(
        st.text("0123456789abcdef", min_size=32, max_size=32)
        | st.text("0123456789abcdefXz-", max_size=40)
        | st.none(),
        max_size=20,
    ),
    st.integers(0, 3),
)
def test_token_bits_are_each_tokens_first_sixteen_hex_digits(
    tokens: list[str | None], skip: int
) -> None:
    """Read from Arrow's buffers at once when every token is as long, a position at a
    time otherwise; a column cut from a longer one (an offset into its buffers) too."""
    column = pd.Series(["f" * 32] * skip + tokens, dtype="string[pyarrow]").iloc[skip:]
    assert _token_bits(column).tolist() == [_first_bits(t) for t in tokens]
