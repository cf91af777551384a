"""Last month's beneficiaries hold their unchanged records together.

A woman's NAF and UNHCR records, unchanged all year, were one beneficiary only
through her job-seeker record; when it leaves for a few months the two must not part
and one take a new id. Two numbers, birth dates that say two people and a reviewer's
reject still part them (``linkage.carry``, ``linkage.finish``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benelink.config.model import LinkageSettings
from benelink.linkage.carry import CarriedPairs, held_pairs
from benelink.linkage.link import link_records
from tests.linkage.simulate import make_people, make_records


@pytest.fixture(scope="module")
def two_strangers() -> tuple[pd.DataFrame, int, int]:
    """Records of 150 households, and the positions of two women, each the only record
    of her person, with no number at all: nothing this month links them."""
    records = make_records(make_people(150, seed=21), seed=22).reset_index(drop=True)
    alone = records.groupby("person_id")["person_id"].transform("size") == 1
    women = np.flatnonzero(
        alone
        & records["sex"].eq("F").fillna(False)
        & records["national_number"].isna()
        & records["unhcr_individual_id"].isna()
    )
    return records.drop(columns=["person_id"]), int(women[0]), int(women[1])


def _held(n: int, *groups: tuple[int, ...]) -> CarriedPairs:
    """Nothing carried but ``groups``: records unchanged and last month of one id each."""
    held = np.full(n, -1, dtype=np.int32)
    for code, group in enumerate(groups):
        held[list(group)] = code
    empty = np.zeros(0, dtype=np.int64)
    return CarriedPairs(held >= 0, empty, empty, np.zeros(0), held=held)


def test_held_pairs_chain_each_id_once() -> None:
    left, right = held_pairs(np.array([2, -1, 2, 0, 2, 0], dtype=np.int32))
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 2), (2, 4), (3, 5)]
    assert held_pairs(None)[0].size == 0


def test_records_of_one_id_last_month_stay_together(
    two_strangers: tuple[pd.DataFrame, int, int],
) -> None:
    frame, a, b = two_strangers
    apart = link_records(frame, LinkageSettings())
    assert apart.cluster[a] != apart.cluster[b]  # this month alone: two people
    held = link_records(frame, LinkageSettings(), carried=_held(len(frame), (a, b)))
    assert held.cluster[a] == held.cluster[b]
    assert held.pairs.equals(apart.pairs)  # held for clustering only, nothing published


def test_two_numbers_still_part_them(two_strangers: tuple[pd.DataFrame, int, int]) -> None:
    frame, a, b = two_strangers
    frame = frame.copy()
    frame.loc[a, "national_number"], frame.loc[b, "national_number"] = "9851234567", "9857654321"
    result = link_records(frame, LinkageSettings(), carried=_held(len(frame), (a, b)))
    assert result.cluster[a] != result.cluster[b]


def test_a_reviewers_reject_still_parts_them(two_strangers: tuple[pd.DataFrame, int, int]) -> None:
    frame, a, b = two_strangers
    decisions = pd.DataFrame({"left": [min(a, b)], "right": [max(a, b)], "decision": ["reject"]})
    result = link_records(
        frame, LinkageSettings(), decisions=decisions, carried=_held(len(frame), (a, b))
    )
    assert result.cluster[a] != result.cluster[b]


def test_birth_dates_that_say_two_people_still_part_them(
    two_strangers: tuple[pd.DataFrame, int, int],
) -> None:
    frame, a, b = two_strangers
    frame = frame.copy()
    frame.loc[[a, b], ["birth_year", "birth_month", "birth_day"]] = [[1970, 3, 4], [1995, 8, 20]]
    result = link_records(frame, LinkageSettings(), carried=_held(len(frame), (a, b)))
    assert result.cluster[a] != result.cluster[b]
