from __future__ import annotations

import hmac

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize.tokens import digests, pseudonymize, record_tokens, token, token_series

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_pinned_token_values() -> None:
    # Changing these values breaks every stored token: it needs a new token version.
    assert token(KEY, "national_number", "9851234567") == "e000c35741f68879139a3b2c8ffa1600"
    assert token(KEY, "record", "naf\x1fN-000001") == token(KEY, "record", "naf\x1fN-000001")


@given(st.text(min_size=1, max_size=40))
def test_tokens_are_deterministic_and_keyed(value: str) -> None:
    assert token(KEY, "phone", value) == token(KEY, "phone", value)
    assert token(KEY, "phone", value) != token(OTHER_KEY, "phone", value)
    assert value not in token(KEY, "phone", value) or len(value) < 3


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_fields_are_domain_separated(digits: str) -> None:
    assert token(KEY, "phone", digits) != token(KEY, "national_number", digits)


def test_token_series_keeps_missing_and_maps_duplicates_alike() -> None:
    values = pd.Series(["+962791234567", None, "+962791234567"], dtype="string")
    tokens = token_series(values, KEY, "phone")
    assert tokens.isna().tolist() == [False, True, False]
    assert tokens[0] == tokens[2] == token(KEY, "phone", "+962791234567")


@given(st.binary(min_size=16, max_size=80), st.lists(st.one_of(st.none(), st.text(max_size=30))))
def test_token_series_is_the_hmac_definition_per_value(key: bytes, cells: list[str | None]) -> None:
    """Batched tokens equal docs/tokens.md's formula for every value, whatever the storage."""
    for dtype in ("string", "string[pyarrow]", object):
        out = token_series(pd.Series(cells, dtype=dtype), key, "phone")
        expected = [
            None
            if c is None
            else hmac.digest(key, f"benelink/v1/phone\x1f{c}".encode(), "sha256").hex()[:32]
            for c in cells
        ]
        assert [None if pd.isna(t) else t for t in out] == expected


def test_record_token_depends_on_source() -> None:
    ids = pd.Series(["17", "17"])
    tokens = record_tokens(pd.Series(["naf", "jobseekers"]), ids, KEY)
    assert tokens[0] != tokens[1]


def test_pseudonymize_adds_tokens_without_touching_input() -> None:
    frame = pd.DataFrame(
        {
            "source": ["naf"],
            "source_record_id": ["1"],
            "national_number": pd.array(["9851234567"], dtype="string"),
            "phone": pd.array([pd.NA], dtype="string"),
        }
    )
    before = frame.copy()
    out = pseudonymize(frame, KEY)
    pd.testing.assert_frame_equal(frame, before)
    assert out.loc[0, "national_number_token"] == token(KEY, "national_number", "9851234567")
    assert pd.isna(out.loc[0, "phone_token"])
    assert len(out.loc[0, "record_token"]) == 32


@pytest.mark.parametrize("size", [1, 32, 63, 64, 65, 200])
def test_digests_equal_hmac_for_keys_shorter_and_longer_than_a_block(size: int) -> None:
    """SHA-256's block is 64 bytes: shorter keys are padded, longer ones hashed first."""
    key = bytes(range(256))[:size]
    messages = ["", "+962791234567", "محمد"]
    expected = [hmac.digest(key, f"label\x1f{m}".encode(), "sha256") for m in messages]
    assert list(digests(key, "label\x1f", messages)) == expected
