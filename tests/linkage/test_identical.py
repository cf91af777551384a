"""Identical copies: one representative is blocked, each copy is paired with it alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.block import DEFAULT_RULES, BlockingRule, candidate_pairs
from benelink.linkage.compare import encode_records
from benelink.linkage.identical import (
    IdenticalCopies,
    distinct_positions,
    distinct_records,
    identical_copies,
)
from benelink.linkage.link import link_records
from tests.linkage.simulate import make_people, make_records


def _records() -> pd.DataFrame:
    records = make_records(make_people(120, seed=31), seed=32)
    return records.drop(columns=["person_id"]).reset_index(drop=True)


def _with_copies(records: pd.DataFrame, at: int, copies: int) -> pd.DataFrame:
    person = records.iloc[[at]]
    many = pd.concat([person] * copies, ignore_index=True)
    return pd.concat(
        [records, many.assign(source_record_id=[f"C{i}" for i in range(copies)])], ignore_index=True
    )


def test_copies_are_found_on_every_compared_and_blocking_field() -> None:
    frame = pd.DataFrame(
        {
            "source": ["a", "a", "a", "b", "a", "a"],
            "key_first": ["mhmd", "mhmd", "mhmd", "mhmd", "mhmd", None],
            "name_first": ["محمد"] * 6,
            "phone": ["0791", "0791", "0792", "0791", "0791", None],
            "national_number": [None] * 6,
        }
    )
    rules = (BlockingRule("first", ("key_first",)), BlockingRule("phone", ("phone",)))
    found = identical_copies(encode_records(frame), frame, rules)
    # 1 copies 0; 2 has another phone; 3 is another partner's; 5 has no blocking key
    assert found.copy.tolist() == [1, 4] and found.representative.tolist() == [0, 0]
    kept = identical_copies(encode_records(frame), frame, rules, keep=[1])
    assert kept.copy.tolist() == [4]  # a record a reviewer decided on is never set aside


def test_copies_are_paired_with_their_representative_not_blocked() -> None:
    frame = pd.DataFrame({"source": ["a"] * 5, "key_first": ["x"] * 5})
    copies = IdenticalCopies(np.array([1, 2, 3], np.int32), np.array([0, 0, 0], np.int32))
    rules = (BlockingRule("first", ("key_first",)),)
    pairs = candidate_pairs(frame, 100, rules, identical=copies)
    assert list(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)) == [
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
    ]
    assert pairs.identical == 3 and pairs.n_counted == 1 + 3


def test_distinct_records_cut_every_code_array_and_keep_the_vocabularies() -> None:
    arr = encode_records(_records())
    positions = distinct_positions(
        len(arr), IdenticalCopies(np.array([0, 2], np.int32), np.array([1, 1], np.int32))
    )
    cut = distinct_records(arr, positions)
    assert len(cut) == len(arr) - 2
    assert cut.key["first"].tolist() == arr.key["first"][positions].tolist()
    assert cut.key_vocab is arr.key_vocab
    assert distinct_records(arr, distinct_positions(len(arr), None)) is arr


def test_more_identical_copies_than_a_block_holds_are_one_beneficiary() -> None:
    records = _records()
    many = _with_copies(records, 5, 450)
    result = link_records(many, LinkageSettings(), max_block_size=100)
    copies = np.arange(len(records), len(many))
    assert set(result.cluster[copies].tolist()) == {result.cluster[5]}
    assert result.identical_records >= 450
    # the rest of the linkage is what it was without the copies
    alone = link_records(records, LinkageSettings(), max_block_size=100)
    assert (result.cluster[: len(records)] == result.cluster[5]).sum() == (
        alone.cluster == alone.cluster[5]
    ).sum()


def test_a_reject_between_two_copies_holds() -> None:
    records = _records()
    many = _with_copies(records, 5, 450)
    a, b = len(records) + 10, len(records) + 20
    decisions = pd.DataFrame({"left": [a], "right": [b], "decision": ["reject"]})
    result = link_records(many, LinkageSettings(), max_block_size=100, decisions=decisions)
    assert result.cluster[a] != result.cluster[b]
    others = np.setdiff1d(np.arange(len(records), len(many)), [a, b])
    assert set(result.cluster[others].tolist()) == {result.cluster[5]}


def test_records_of_skipped_blocks_are_counted_per_rule() -> None:
    records = _records()
    lookalikes = pd.concat([records.iloc[[5]]] * 150, ignore_index=True)
    lookalikes = lookalikes.assign(
        national_number=[f"{9000000000 + i}" for i in range(150)],
        phone=[f"+96279{i:07d}" for i in range(150)],
        source_record_id=[f"L{i}" for i in range(150)],
    )
    result = link_records(
        pd.concat([records, lookalikes], ignore_index=True), LinkageSettings(), max_block_size=100
    )
    assert result.skipped_records["first_birth_year"] >= 150
    assert result.skipped_records["national_number"] == 0
    assert set(result.skipped_records) == {r.name for r in DEFAULT_RULES}
