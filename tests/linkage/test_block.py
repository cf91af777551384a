"""Blocking: pairs within groups, rule union, over-size blocks, the budget error."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.errors import CandidateBudgetError
from benelink.linkage.block import (
    BlockingRule,
    ColumnCodes,
    candidate_pairs,
    count_candidate_pairs,
    group_codes,
    pairs_within_groups,
)


@given(st.lists(st.integers(-1, 4), max_size=30))
def test_pairs_within_groups_match_brute_force(codes: list[int]) -> None:
    left, right = pairs_within_groups(np.array(codes, dtype=np.int64))
    got = sorted(zip(left.tolist(), right.tolist(), strict=True))
    expected = sorted(
        (i, j)
        for i, j in combinations(range(len(codes)), 2)
        if codes[i] >= 0 and codes[i] == codes[j]
    )
    assert got == expected


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key_first": ["mhmd", "mhmd", "mhmd", "ahmd", None],
            "birth_year": pd.array([1990, 1990, 1991, 1990, 1990], dtype="Int64"),
            "phone": ["+962791", None, "+962791", None, "+962791"],
        }
    )


def test_union_of_rules_is_deduplicated_and_ordered() -> None:
    rules = (
        BlockingRule("first_year", ("key_first", "birth_year")),
        BlockingRule("phone", ("phone",)),
        BlockingRule("first", ("key_first",)),
    )
    pairs = candidate_pairs(_frame(), 100, rules)
    got = list(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True))
    assert got == [(0, 1), (0, 2), (0, 4), (1, 2), (2, 4)]
    assert pairs.n_counted == 1 + 3 + 3  # counted per rule, duplicates included


def test_oversize_blocks_are_refined_or_skipped() -> None:
    frame = pd.DataFrame({"key_first": ["mhmd"] * 6, "sex": ["M", "M", "M", "F", "F", "F"]})
    refined = count_candidate_pairs(frame, (BlockingRule("first", ("key_first",), ("sex",)),), 4)
    assert refined[0].pairs == 3 + 3 and refined[0].skipped_blocks == 1
    skipped = count_candidate_pairs(frame, (BlockingRule("first", ("key_first",)),), 4)
    assert skipped[0].pairs == 0 and skipped[0].skipped_records == 6


def test_budget_error_names_the_worst_rule_and_the_remedy() -> None:
    rules = (
        BlockingRule("first_year", ("key_first", "birth_year")),
        BlockingRule("phone", ("phone",)),
    )
    with pytest.raises(CandidateBudgetError) as caught:
        candidate_pairs(_frame(), 2, rules)
    message = str(caught.value)
    assert "'phone'" in message and "max_candidate_pairs" in message
    assert "mhmd" not in message and "+962791" not in message


def test_locality_rule_finds_pairs_that_share_only_the_place() -> None:
    records = pd.DataFrame(
        {
            "key_first": ["jk", "smr", "ali", "mhmd"],
            "locality": ["frenchs forest 6728", "frenchs forest 6728", "penola 6168", pd.NA],
        },
        dtype="string",
    )
    found = candidate_pairs(records, 1000)
    assert list(zip(found.left.tolist(), found.right.tolist(), strict=True)) == [(0, 1)]
    counts = {c.rule: c.pairs for c in found.counts}
    assert counts["locality"] == 1
    assert counts["locality"] == found.n_counted
    no_locality = candidate_pairs(records.drop(columns="locality"), 1000)
    assert len(no_locality) == 0


def _one_common_name() -> tuple[pd.DataFrame, tuple[BlockingRule, ...]]:
    """100 records in one first name + year block, 25 per birth month."""
    frame = pd.DataFrame(
        {
            "key_first": ["mhmd"] * 100,
            "birth_year": [1990] * 100,
            "birth_month": [i % 4 + 1 for i in range(100)],
        }
    )
    return frame, (BlockingRule("first_year", ("key_first", "birth_year"), ("birth_month",)),)


def test_block_cap_is_lowered_until_the_pairs_fit_the_budget() -> None:
    frame, rules = _one_common_name()
    assert candidate_pairs(frame, 10**6, rules, 400).max_block_size == 400
    assert len(candidate_pairs(frame, 10**6, rules, 400)) == 100 * 99 // 2

    fitted = candidate_pairs(frame, 2_000, rules, 400)  # 400 → 200 → 100 → 50
    assert fitted.max_block_size == 50
    explicit = candidate_pairs(frame, 10**6, rules, 50)
    assert np.array_equal(fitted.left, explicit.left)
    assert np.array_equal(fitted.right, explicit.right)
    assert len(fitted) == 4 * (25 * 24 // 2)

    # at the floor (20) the 25-record months are skipped too: nothing is left, within budget
    floor = candidate_pairs(frame, 100, rules, 400)
    assert floor.max_block_size == 20 and len(floor) == 0


def test_budget_error_says_the_cap_was_lowered_in_vain() -> None:
    frame = pd.DataFrame({"phone": ["+962791000000"] * 20})
    with pytest.raises(CandidateBudgetError, match="even with blocks cut at 20 records"):
        candidate_pairs(frame, 10, (BlockingRule("phone", ("phone",)),), 400)


def test_skipped_records_are_those_left_in_no_block() -> None:
    frame = pd.DataFrame({"key_first": ["mhmd"] * 6, "sex": ["M", "M", "M", "F", "F", None]})
    rule = (BlockingRule("first", ("key_first",), ("sex",)),)
    refined = count_candidate_pairs(frame, rule, 4)[0]
    assert refined.skipped_blocks == 1 and refined.skipped_records == 1  # the one without sex
    assert count_candidate_pairs(frame, rule, 2)[0].skipped_records == 4  # M block stays big


def test_column_codes_number_blocks_as_group_codes() -> None:
    """Shared per-column codes give the very block ids a group-by over the columns gives."""
    rng = np.random.default_rng(5)
    n = 3_000
    frame = pd.DataFrame(
        {
            name: pd.array(rng.choice([None, *(f"{name}{i}" for i in range(k))], n), dtype="string")
            for name, k in (("a", 40), ("b", 5), ("c", 900))
        }
    )
    shared = ColumnCodes(frame)
    for columns in (("a",), ("a", "b"), ("c", "a", "b"), ("b", "absent")):
        found = shared(columns)
        assert (found == group_codes(frame, columns)).all()
        found[:] = 7  # a fresh array each time: the cache is not written through
    assert (shared(("a",)) == group_codes(frame, ("a",))).all()
