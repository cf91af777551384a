"""Partner-side encoding: keyed Bloom filters, birth codes, the encoded extract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.anonymize.encode import (
    DEFAULT_BLOOM,
    ENCODED_COLUMNS,
    BloomSpec,
    birth_codes,
    bloom_filter,
    bloom_series,
    code,
    encode_records,
    link_frame,
    qgrams,
)
from benelink.anonymize.tokens import pseudonymize
from benelink.linkage.similarity import CLOSENESS, dice
from benelink.pipelines.standardize import standardize

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def _dice(a: bytes, b: bytes) -> float:
    ma = np.frombuffer(a, dtype=np.uint64)[None, :]
    mb = np.frombuffer(b, dtype=np.uint64)[None, :]
    return float(dice(ma, mb)[0])


def _standard(names: list[str], dobs: list[str]) -> pd.DataFrame:
    n = len(names)
    canonical = pd.DataFrame(
        {
            "source": ["naf"] * n,
            "source_record_id": [f"N-{i}" for i in range(n)],
            "row_number": [str(i + 2) for i in range(n)],
            "full_name": names,
            "date_of_birth": dobs,
            "national_number": ["9851234567"] * n,
            "phone": ["0791234567"] * n,
            "sex": ["M"] * n,
        },
        dtype="string",
    )
    return pseudonymize(standardize(canonical, "naf"), KEY)


def test_qgrams_are_padded_bigrams() -> None:
    assert qgrams("ab", 2) == frozenset({"\x02a", "ab", "b\x03"})
    assert qgrams("a", 1) == frozenset({"a"})


def test_filter_is_fixed_length_deterministic_and_keyed() -> None:
    a = bloom_filter("mohammad", KEY, "name")
    assert len(a) == DEFAULT_BLOOM.n_bytes == 128
    assert a == bloom_filter("mohammad", KEY, "name")
    assert _dice(a, bloom_filter("mohammad", OTHER_KEY, "name")) < 0.35
    assert _dice(a, bloom_filter("mohammad", KEY, "key")) < 0.35


def test_spec_refuses_sizes_that_break_uniform_positions() -> None:
    with pytest.raises(ValueError):
        BloomSpec(bits=1000)
    with pytest.raises(ValueError):
        BloomSpec(hashes=17)


def test_series_filters_equal_single_filters_and_keep_missing() -> None:
    values = pd.Series(["mhmd", None, "", "mhmd", "hald"], dtype="string")
    out = bloom_series(values, KEY, "key")
    assert out[0] == out[3] == bloom_filter("mhmd", KEY, "key")
    assert out[4] == bloom_filter("hald", KEY, "key")
    assert out[[1, 2]].isna().all()


@settings(max_examples=30)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_equal_values_give_equal_filters(a: str, b: str) -> None:
    fa, fb = bloom_filter(a, KEY, "name"), bloom_filter(b, KEY, "name")
    assert (fa == fb) == (qgrams(a, 2) == qgrams(b, 2))


def test_same_name_across_scripts_reaches_the_top_level() -> None:
    records = _standard(
        ["محمد احمد الحريري", "Mohammad Ahmad Al-Hariri", "Khaled Yousef Zoubi"],
        ["1990-03-07"] * 3,
    )
    encoded = encode_records(records, KEY)
    for part in ("first", "father", "family"):
        arabic, latin, other = encoded[f"{part}_key_bloom"]
        assert _dice(arabic, latin) >= CLOSENESS["encoded"]["name"].high
        assert _dice(arabic, other) < CLOSENESS["encoded"]["name"].low
        assert _dice(latin, other) < CLOSENESS["encoded"]["name"].low


def test_birth_codes_keep_the_equalities_the_levels_need() -> None:
    records = pd.DataFrame(
        {
            "birth_year": pd.array([1990, 1990, 1990, 1991, None], dtype="Int64"),
            "birth_month": pd.array([3, 7, 3, None, None], dtype="Int64"),
            "birth_day": pd.array([7, 3, 8, None, None], dtype="Int64"),
        }
    )
    codes = birth_codes(records, KEY)
    year, month, day = codes["birth_year_code"], codes["birth_month_code"], codes["birth_day_code"]
    assert year[0] == year[1] == year[2] != year[3]
    assert month[0] == day[1] and day[0] == month[1]  # day/month swap survives
    assert month[0] == month[2] and day[0] != day[2]
    assert month[3:].isna().all() and pd.isna(year[4])
    assert all(0 <= int(v) < 2**30 for v in year.dropna())


@settings(max_examples=30)
@given(st.integers(1900, 2100), st.integers(1900, 2100))
def test_codes_are_deterministic_and_separate_values(a: int, b: int) -> None:
    assert code(KEY, "birth_year", str(a)) == code(KEY, "birth_year", str(a))
    assert (code(KEY, "birth_year", str(a)) == code(KEY, "birth_year", str(b))) == (a == b)


def test_encoded_extract_has_its_columns_and_no_raw_value() -> None:
    records = _standard(["Mohammad Ahmad Al-Hariri"], ["1990-03-07"])
    encoded = encode_records(records, KEY)
    assert tuple(encoded.columns) == ENCODED_COLUMNS
    text = " ".join(str(v) for v in encoded.iloc[0].tolist())
    for raw in ("mohammad", "ahmad", "hariri", "1990", "9851234567", "791234567", "MHMD"):
        assert raw not in text.lower() and raw.lower() not in text.lower()


def test_link_frame_keeps_equality_under_standard_names() -> None:
    records = _standard(["Mohammad Ahmad", "محمد احمد"], ["1990-03-07", "07/03/1990"])
    linked = link_frame(encode_records(records, KEY), "naf")
    assert linked.loc[0, "key_first"] == linked.loc[1, "key_first"]
    assert len(str(linked.loc[0, "key_first"])) == 2 * DEFAULT_BLOOM.n_bytes
    assert linked.loc[0, "birth_year"] == linked.loc[1, "birth_year"]
    assert linked.loc[0, "national_number"] == linked.loc[0, "national_number_token"]
    assert linked["source"].tolist() == ["naf", "naf"]
