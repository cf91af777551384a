from __future__ import annotations

import base64
import hmac
import itertools
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benelink.pipelines.persist import (
    IdentityChanges,
    assign_ids,
    new_beneficiary_id,
    new_beneficiary_ids,
)

KEY = bytes(range(32))


def _tokens(*names: str) -> pd.Series:
    return pd.Series(list(names), dtype="string")


def _assigned(*args: Any) -> tuple[pd.Series, IdentityChanges]:
    """Each record's id (as a column) and the changes; checks the coded form on the way."""
    coded, changes = assign_ids(*args)
    distinct = coded.distinct.to_pylist()
    assert distinct == sorted(set(distinct))  # ascending, each id once
    assert len(coded.person) == len(coded.token_rank) == len(args[0])
    tokens = args[0].tolist()
    for i, j in itertools.combinations(range(len(tokens)), 2):  # ranks order the tokens
        assert np.sign(coded.token_rank[i] - coded.token_rank[j]) == (
            (tokens[i] > tokens[j]) - (tokens[i] < tokens[j])
        )
    return coded.per_record(), changes


def test_first_run_gives_deterministic_ids_one_per_cluster() -> None:
    tokens = _tokens("a", "b", "c")
    ids, changes = _assigned(tokens, np.array([0, 0, 1]), None, KEY)
    again, _ = _assigned(tokens, np.array([0, 0, 1]), None, KEY)
    assert ids.tolist() == again.tolist()
    assert ids[0] == ids[1] != ids[2]
    assert all(i.startswith("B-") and len(i) == 18 for i in ids)
    assert (changes.new, changes.continuing, changes.exited) == (2, 0, 0)


def test_ids_carry_forward_through_record_tokens() -> None:
    previous = pd.DataFrame(
        {"record_token": ["a", "b", "c"], "beneficiary_id": ["B-X", "B-X", "B-Y"]}
    )
    # cluster labels change from run to run; ids must not
    ids, changes = _assigned(_tokens("c", "a", "b", "d"), np.array([0, 1, 1, 2]), previous, KEY)
    assert ids.tolist()[:3] == ["B-Y", "B-X", "B-X"]
    assert ids[3] not in {"B-X", "B-Y"}
    assert (changes.new, changes.continuing, changes.exited) == (1, 2, 0)


def test_merge_keeps_the_larger_id_and_records_it() -> None:
    previous = pd.DataFrame(
        {"record_token": ["a", "b", "c"], "beneficiary_id": ["B-X", "B-X", "B-Y"]}
    )
    ids, changes = _assigned(_tokens("a", "b", "c"), np.array([0, 0, 0]), previous, KEY)
    assert set(ids) == {"B-X"}
    assert changes.merges == [("B-Y", "B-X")]
    assert changes.exited == 0


def test_split_keeps_id_on_larger_part_and_records_it() -> None:
    previous = pd.DataFrame({"record_token": ["a", "b", "c"], "beneficiary_id": ["B-X"] * 3})
    ids, changes = _assigned(_tokens("a", "b", "c"), np.array([0, 0, 1]), previous, KEY)
    assert ids.tolist()[:2] == ["B-X", "B-X"]
    assert ids[2] != "B-X"
    assert changes.splits == [("B-X", ids[2])]


def test_exited_people_are_counted() -> None:
    previous = pd.DataFrame({"record_token": ["a", "z"], "beneficiary_id": ["B-X", "B-Z"]})
    _, changes = _assigned(_tokens("a"), np.array([0]), previous, KEY)
    assert changes.exited == 1


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.integers(0, 1000))
def test_no_record_lost_and_one_id_per_cluster(labels: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    cluster = np.array(labels)
    tokens = _tokens(*[f"t{i}" for i in range(len(labels))])
    prev_ids = rng.integers(0, 4, size=len(labels))
    previous = pd.DataFrame(
        {"record_token": tokens.tolist(), "beneficiary_id": [f"B-{i}" for i in prev_ids]}
    ).sample(frac=0.7, random_state=seed)
    ids, _ = _assigned(tokens, cluster, previous, KEY)
    assert len(ids) == len(labels) and ids.notna().all()
    per_cluster = pd.DataFrame({"c": cluster, "id": ids.to_numpy()}).groupby("c")["id"].nunique()
    assert (per_cluster == 1).all()
    per_id = pd.DataFrame({"c": cluster, "id": ids.to_numpy()}).groupby("id")["c"].nunique()
    assert (per_id == 1).all()


@given(
    st.binary(min_size=16, max_size=80),
    st.lists(st.text(max_size=40), max_size=20),
    st.integers(0, 3),
)
def test_new_ids_are_the_hmac_of_their_anchor_in_base32(
    key: bytes, anchors: list[str], attempt: int
) -> None:
    """The batched ids equal the definition: "B-" + base32(HMAC-SHA256(key, label)[:10])."""

    def defined(anchor: str) -> str:
        message = f"benelink/v1/beneficiary\x1f{anchor}\x1f{attempt}".encode()
        return "B-" + base64.b32encode(hmac.digest(key, message, "sha256")[:10]).decode("ascii")

    assert new_beneficiary_ids(key, anchors, attempt) == [defined(a) for a in anchors]


def test_a_new_id_already_taken_is_derived_again() -> None:
    """An id is never given twice: a candidate held by a known person takes the next attempt."""
    taken = new_beneficiary_id(KEY, "b")
    previous = pd.DataFrame({"record_token": ["z"], "beneficiary_id": [taken]})
    ids, changes = _assigned(_tokens("b", "c"), np.array([0, 1]), previous, KEY)
    assert ids.tolist() == [new_beneficiary_id(KEY, "b", 1), new_beneficiary_id(KEY, "c")]
    assert changes.new == 2 and changes.exited == 1


def test_a_merge_keeps_the_oldest_id_whatever_its_size_and_name() -> None:
    previous = pd.DataFrame(
        {
            "record_token": ["a", "b", "c"],
            "beneficiary_id": ["B-A", "B-A", "B-Z"],  # B-Z: fewer records, sorts last, older
            "first_seen_month": ["2026-09", "2026-09", "2026-05"],
            "last_seen_month": ["2026-10"] * 3,
            "id_since": ["2026-09", "2026-09", "2026-05"],
        }
    )
    ids, changes = _assigned(_tokens("a", "b", "c"), np.array([0, 0, 0]), previous, KEY)
    assert set(ids) == {"B-Z"}
    assert changes.merges == [("B-A", "B-Z")]


def test_an_id_born_of_a_split_is_as_new_as_its_first_snapshot() -> None:
    previous = pd.DataFrame(
        {
            "record_token": ["a", "b", "c"],
            "beneficiary_id": ["B-X"] * 3,
            "first_seen_month": ["2026-03"] * 3,
            "last_seen_month": ["2026-10"] * 3,
            "id_since": ["2026-03"] * 3,
        }
    )
    coded, changes = assign_ids(
        _tokens("a", "b", "c"), np.array([0, 0, 1]), previous, KEY, None, "2026-11"
    )
    since = dict(zip(coded.distinct.to_pylist(), coded.since.to_pylist(), strict=True))
    ids = coded.per_record().tolist()
    assert since[ids[0]] == "2026-03"  # the id stays on the part with most earlier records
    assert since[ids[2]] == "2026-11" and changes.splits == [("B-X", ids[2])]


def test_a_split_into_equal_parts_leaves_the_id_with_the_record_seen_first() -> None:
    """Two parts of one earlier record each: the tie goes to the part whose record has
    been seen longest, whichever part's tokens sort first (the key decides that)."""
    for older, newer in (("a", "b"), ("b", "a")):
        previous = pd.DataFrame(
            {
                "record_token": [older, newer],
                "beneficiary_id": ["B-X", "B-X"],
                "first_seen_month": ["2026-01", "2026-04"],
                "last_seen_month": ["2026-04", "2026-04"],
                "id_since": ["2026-01", "2026-01"],
            }
        )
        ids, changes = _assigned(_tokens("a", "b"), np.array([0, 1]), previous, KEY)
        kept = dict(zip(["a", "b"], ids.tolist(), strict=True))
        assert kept[older] == "B-X" and kept[newer] != "B-X"
        assert changes.splits == [("B-X", kept[newer])]
