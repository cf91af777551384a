"""Unchanged pairs keep last month's decisions, and records their remembered identifiers
(linkage.carry, pipelines.linking)."""

from __future__ import annotations

from typing import NoReturn

import numpy as np
import pandas as pd
import pytest

from benelink.config.model import LinkageSettings
from benelink.linkage.carry import CarriedPairs, carry_decisions
from benelink.linkage.cluster import cluster_records
from benelink.pipelines.linking import (
    LastMonth,
    carried_pairs,
    link_month,
    remembered_identifiers,
)
from benelink.pipelines.registry import updated_registry

REVIEW = 0.5


class _NoProgress:
    def size(self, total: int, unit: str) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


def _score(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(left)
    return np.zeros((n, 2), dtype=np.int8), np.full(n, 3.0), np.full(n, 0.2)


def test_unchanged_pairs_keep_last_months_probability_and_the_rest_this_months() -> None:
    # records 0-3 unchanged, 4 changed; last month linked (0,1) at 0.95 and (2,3) at 0.6
    carried = CarriedPairs(
        np.array([True, True, True, True, False]),
        np.array([0, 2]),
        np.array([1, 3]),
        np.array([0.95, 0.6]),
    )
    left, right = np.array([0, 0, 1]), np.array([1, 2, 4])  # (2,3) fell below the floor
    levels = np.ones((3, 2), dtype=np.int8)
    probability = np.array([0.7, 0.93, 0.99])  # a refitted model's view
    out = carry_decisions(carried, 5, _score, REVIEW, left, right, levels, np.zeros(3), probability)
    l_, r_, lv, _, p, last_month = out
    rows = zip(l_, r_, p, last_month, strict=True)
    got = {(int(a), int(b)): (float(x), bool(k)) for a, b, x, k in rows}
    assert got[(0, 1)] == (0.95, True)  # last month's probability
    assert got[(0, 2)][0] < REVIEW and got[(0, 2)][1]  # was not linked: stays below review
    assert got[(1, 4)] == (0.99, False)  # a changed record: this month's model
    assert got[(2, 3)] == (0.6, True)  # scored again and given last month's probability
    assert len(lv) == 4


def test_nothing_carried_changes_nothing() -> None:
    probability = np.array([0.7])
    out = carry_decisions(
        CarriedPairs.none(2), 2, _score, REVIEW, np.array([0]), np.array([1]),
        np.ones((1, 2), dtype=np.int8), np.zeros(1), probability,
    )  # fmt: skip
    assert out[4].tolist() == [0.7] and not out[5].any()


def test_a_record_is_unchanged_only_with_last_months_digest() -> None:
    registry = pd.DataFrame(
        {
            "record_token": ["a", "b", "c", "d"],
            "beneficiary_id": ["B-1", "B-1", "B-1", "B-2"],
            "last_seen_month": ["2026-10", "2026-10", "2026-10", "2026-09"],
            "record_digest": np.array([11, 22, 33, 44], dtype=np.int64),
        }
    )
    links = pd.DataFrame(
        {"left_token": ["a", "a"], "right_token": ["b", "c"], "probability": [0.97, 0.55]}
    )
    tokens = pd.Series(["c", "a", "b", "d", "e"])
    digests = np.array([39, 11, 22, 44, 55], dtype=np.int64)  # c changed; d not seen last month
    carried = carried_pairs(tokens, digests, LastMonth(links, "2026-10"), registry)
    assert carried.unchanged.tolist() == [False, True, True, False, False]
    assert (carried.left.tolist(), carried.right.tolist()) == ([1], [2])
    assert carried.probability.tolist() == [0.97]
    held = carried.held
    assert held is not None  # a and b, unchanged and of one id last month, stay together
    assert held[1] == held[2] >= 0 and (held[[0, 3, 4]] == -1).all()


def test_digests_are_compared_on_all_64_bits() -> None:
    big = -4614016627719915839
    registry = pd.DataFrame(
        {
            "record_token": ["a", "b"],
            "beneficiary_id": ["B-1", "B-2"],
            "last_seen_month": ["2026-10", "2026-10"],
            "record_digest": np.array([big, 7], dtype=np.int64),
        }
    )
    links = pd.DataFrame({"left_token": ["a"], "right_token": ["b"], "probability": [0.97]})
    carried = carried_pairs(
        pd.Series(["a", "b", "x"]),
        np.array([big + 1, 7, 1], dtype=np.int64),
        LastMonth(links, "2026-10"),
        registry,
    )
    assert carried.unchanged.tolist() == [False, True, False]


def test_a_record_that_lost_its_number_keeps_it_for_the_cannot_link() -> None:
    """Two sisters of one father and phone, kept apart last month by their two national
    numbers: the month one number is unreadable, the registry's copy still keeps them apart."""
    registry = pd.DataFrame(
        {
            "record_token": ["rawan", "razan"],
            "beneficiary_id": ["B-1", "B-2"],
            "national_number_token": ["t-rawan", "t-razan"],
            "unhcr_individual_token": [None, None],
        }
    )
    tokens = pd.Series(["rawan", "razan", "newcomer"])
    month = pd.DataFrame(
        {
            "national_number_token": [None, "t-razan", None],  # rawan's number lost
            "unhcr_individual_token": [None, None, None],
        }
    )
    numbers, unhcr_ids = remembered_identifiers(tokens, month, registry)
    assert numbers[0] >= 0 and numbers[1] >= 0 and numbers[0] != numbers[1]
    assert numbers[2] == -1 and (unhcr_ids == -1).all()

    def clusters(exclusive: tuple[np.ndarray, ...]) -> list[int]:
        one_pair = (np.array([0], np.int32), np.array([1], np.int32), np.array([0.9998]))
        out = cluster_records(
            3, *one_pair, match_threshold=0.9, cohesion_threshold=0.5, exclusive=exclusive
        )
        return out.cluster.tolist()

    this_month_only = tuple(
        np.asarray(pd.factorize(month[c])[0], dtype=np.int32) for c in month.columns
    )
    assert clusters(this_month_only) == [0, 0, 1]  # what happened before: merged
    assert clusters((numbers, unhcr_ids)) == [0, 1, 2]


def test_numbers_the_registry_holds_under_one_beneficiary_do_not_keep_her_records_apart() -> None:
    """UNHCR re-registered a refugee under a new individual id; her new job-seeker record
    carries the old one in "UNHCR No". Both numbers are hers in the registry, so clustering
    may join the two records; a stranger's number, a number never seen and a number the
    registry holds under two people still keep apart."""
    registry = pd.DataFrame(
        {
            "record_token": ["unhcr-jan", "unhcr-feb", "stranger", "case-a", "case-b"],
            "beneficiary_id": ["B-1", "B-1", "B-2", "B-3", "B-4"],
            "national_number_token": [None] * 5,
            "unhcr_individual_token": ["u-old", "u-new", "u-x", "u-case", "u-case"],
        }
    )
    tokens = pd.Series(["unhcr-feb", "js-apr", "stranger", "newcomer", "case-a", "js-case"])
    month = pd.DataFrame(
        {
            "national_number_token": [None] * 6,
            "unhcr_individual_token": ["u-new", "u-old", "u-x", "u-y", "u-case", "u-case"],
        }
    )
    _, unhcr_ids = remembered_identifiers(tokens, month, registry)
    assert unhcr_ids[0] == unhcr_ids[1]  # both hers
    assert len(set(unhcr_ids[[0, 2, 3, 4]].tolist())) == 4  # her, a stranger, a newcomer, a case
    assert unhcr_ids[4] == unhcr_ids[5]  # one shared number is still one number
    own = np.asarray(pd.factorize(month["unhcr_individual_token"])[0], dtype=np.int32)
    pair = (np.array([0], np.int32), np.array([1], np.int32), np.array([0.9998]))
    for exclusive, together in ((own, False), (unhcr_ids, True)):
        out = cluster_records(6, *pair, match_threshold=0.9, cohesion_threshold=0.5,
                              exclusive=(exclusive,))  # fmt: skip
        assert bool(out.cluster[0] == out.cluster[1]) is together


def test_the_registry_keeps_a_number_its_record_no_longer_carries() -> None:
    identifiers = pd.DataFrame(
        {"national_number_token": ["t-rawan", "t-razan"], "unhcr_individual_token": [None, None]}
    )
    before = updated_registry(None, pd.Series(["rawan", "razan"]), pd.Series(["B-1", "B-2"]),
                              "2026-02", identifiers=identifiers)  # fmt: skip
    lost = identifiers.assign(national_number_token=[None, "t-razan"])
    after = updated_registry(before, pd.Series(["rawan", "razan"]), pd.Series(["B-1", "B-2"]),
                             "2026-03", identifiers=lost)  # fmt: skip
    kept = after.set_index("record_token")["national_number_token"]
    assert kept.to_dict() == {"rawan": "t-rawan", "razan": "t-razan"}


def test_a_refit_still_keeps_apart_the_numbers_the_registry_remembers() -> None:
    """``--refit-model`` judges every pair again (no last month's links), but clustering
    still reads the numbers the registry remembers: a refit month is no first month."""
    registry = pd.DataFrame(
        {
            "record_token": ["rawan", "razan"],
            "beneficiary_id": ["B-1", "B-2"],
            "national_number_token": ["t-rawan", "t-razan"],
            "unhcr_individual_token": [None, None],
        }
    )
    records = pd.DataFrame(
        {
            "source": ["naf", "naf"],
            "record_token": ["rawan", "razan"],
            "national_number_token": [None, "t-razan"],  # rawan's number lost this month
            "unhcr_individual_token": [None, None],
        }
    )
    seen: list[CarriedPairs | None] = []

    class Captured(Exception):
        pass

    def linker(*args: object) -> NoReturn:
        carried = args[-1]
        assert carried is None or isinstance(carried, CarriedPairs)
        seen.append(carried)
        raise Captured

    for registry_known in (registry, None):
        with pytest.raises(Captured):
            link_month(records, records[["source"]], [], b"k" * 32, None, LinkageSettings(),
                       linker, _NoProgress(), registry=registry_known)  # fmt: skip
    refit, first = seen
    assert refit is not None and not refit.unchanged.any() and refit.left.size == 0
    numbers = refit.identifiers[0]
    assert numbers[0] >= 0 and numbers[1] >= 0 and numbers[0] != numbers[1]
    assert first is not None and first.identifiers == ()  # a first month: its own numbers
