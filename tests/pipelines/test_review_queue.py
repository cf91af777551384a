"""The review queue's content and order: values as read and as sent, comparison levels in
words, the decisions that settle the most first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benelink.linkage.compare import COMPARISONS
from benelink.pipelines.review_queue import (
    level_words,
    queued_rows,
    review_queue,
    review_readings,
)
from benelink.schemas.review import (
    SHOWN_FIELDS,
    compared_marks,
    fields_compared,
    settling_pairs,
)
from tests.review_cases import PAIRS, RAW, STANDARD, TOKENS, sample_queue

BY_NAME = {c.name: c for c in COMPARISONS}


def test_values_are_shown_as_read_with_what_was_sent_when_it_differs() -> None:
    first = sample_queue().iloc[0]
    assert first["left_date_of_birth"] == "1990-06-10 (sent 10/06/1990)"
    assert first["right_date_of_birth"] == "1990-06-10"  # sent as read
    assert first["left_sex"] == "male (sent ذكر)"
    assert first["left_phone"] == "+962791234567 (sent 0791234567)"
    assert first["right_phone"] == "+962791234567"  # "+962 79 123 4567": only spaces differ
    assert first["left_governorate"] == "Amman (sent عمان)"
    assert pd.isna(first["left_unhcr_individual_id"])


def test_a_value_benelink_could_not_read_says_so() -> None:
    unread = STANDARD.assign(sex=pd.array([pd.NA] * 5, dtype="string"))
    queue = review_queue(RAW, TOKENS, PAIRS, review_readings(unread, PAIRS))
    assert queue.iloc[0]["left_sex"] == "not read (sent ذكر)"
    # the year alone, or year and month, as far as the reading goes
    partial = STANDARD.assign(birth_day=pd.array([None] * 5, dtype="Int64"))
    queue = review_queue(RAW, TOKENS, PAIRS, review_readings(partial, PAIRS))
    assert queue.iloc[0]["left_date_of_birth"] == "1990-06 (sent 10/06/1990)"


def test_readings_are_kept_for_the_queued_records_only() -> None:
    readings = review_readings(STANDARD, PAIRS)
    assert readings.index.tolist() == [0, 1, 2, 3, 4]
    only_one = PAIRS.assign(decision=["review", "match", "non_match", "match"])
    assert review_readings(STANDARD, only_one).index.tolist() == [0, 1]
    # an encoded record (beyond the clear ones) has no reading
    assert review_readings(STANDARD.iloc[:3], PAIRS).index.tolist() == [0, 1, 2]


def test_the_queue_reads_the_same_from_the_queued_rows_alone() -> None:
    # once linked, a month keeps the partners' raw fields of its queued records only
    readings = review_readings(STANDARD, PAIRS)
    later = PAIRS.assign(decision=["match", "review", "non_match", "match"])  # records 2 and 3
    for pairs, rows in ((PAIRS, [0, 1, 2, 3, 4]), (later, [2, 3])):
        kept = queued_rows(RAW, pairs)
        assert kept.index.tolist() == rows
        pd.testing.assert_frame_equal(
            review_queue(kept, TOKENS, pairs, readings), review_queue(RAW, TOKENS, pairs, readings)
        )


def test_the_name_is_compared_part_by_part_and_each_field_in_words() -> None:
    first = sample_queue().iloc[0]
    assert first["full_name_compared"] == (
        "✓ first, grandfather, family very close spelling; father same"
    )
    assert first["date_of_birth_compared"] == "✓ same"
    assert first["fields_compared"] == (
        "✓ birth date, sex, national number, phone, governorate, nationality"
    )
    third = sample_queue().iloc[2]  # unhcr (a year only) against naf
    assert third["date_of_birth_compared"] == "≈ year (year-only record)"
    assert third["national_number_compared"] == "· missing"
    assert compared_marks(third["fields_compared"])["birth date"] == "≈"


@pytest.mark.parametrize(
    ("comparison", "level", "said"),
    [
        ("birth_date", 5, ("✓", "day/month swapped")),
        ("birth_date", 1, ("≈", "year ±1")),
        ("birth_date", 0, ("✗", "differs")),
        ("national_number", 2, ("≈", "one digit or transposition")),
        ("first_name", 2, ("✓", "first/family swapped")),
        ("first_name", 3, ("✓", "very close spelling (jaro_winkler>=0.92)")),
        ("first_name", 1, ("≈", "close spelling (jaro_winkler>=0.8 or same consonant skeleton)")),
        ("phone", 1, ("✓", "same")),
    ],
)
def test_levels_are_worded_from_the_comparison_s_own_ladder(
    comparison: str, level: int, said: tuple[str, str]
) -> None:
    assert level_words(BY_NAME[comparison], "clear")[level] == said


def test_encoded_records_word_the_near_levels_by_their_measure() -> None:
    assert level_words(BY_NAME["first_name"], "encoded")[3] == (
        "✓",
        "very close spelling (dice>=0.75)",
    )


def test_shown_fields_name_real_comparisons_and_word_the_ladders_that_need_it() -> None:
    for field in SHOWN_FIELDS:
        ladders = [BY_NAME[c].ladder for c in field.comparisons]
        # a field gets its own *_compared column exactly when it has levels between
        # "same" and "differs" to tell
        assert field.worded == any(len(ladder.levels) > 2 for ladder in ladders), field.name


def test_fields_compared_reads_back() -> None:
    marks = {"sex": "✓", "birth date": "≈", "phone": "✗", "case id": "·", "governorate": "✓"}
    cell = fields_compared(marks)
    assert cell == "✓ sex, governorate; ≈ birth date; ✗ phone; · case id"
    assert compared_marks(cell or "") == marks
    assert fields_compared({}) is None


def _pairs(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["left", "right", "probability"]).assign(decision="review")


def test_the_decisions_that_settle_the_most_come_first() -> None:
    raw = RAW.iloc[[0, 1, 2, 3, 4, 0]].reset_index(drop=True)
    tokens = pd.Series([f"t{i}" for i in range(6)])
    # people: {0, 1, 5} (three records), {2}, {3}, {4}
    cluster = np.array([0, 0, 1, 2, 3, 0], dtype=np.int64)
    pairs = _pairs(
        [
            (3, 4, 0.51),  # joins two people of one record each, nearest 50 %
            (0, 2, 0.80),  # joins {0,1,5} and {2}: four records
            (1, 2, 0.60),  # the same two people again
            (0, 1, 0.55),  # already one person
            (5, 3, 0.85),  # joins {0,1,5} and {3}: four records, further from 50 %
        ]
    )
    queue = review_queue(raw, tokens, pairs, cluster=cluster)
    order = list(zip(queue["left_token"], queue["right_token"], strict=True))
    assert order == [
        ("t0", "t2"),  # four records, the likelier of the two pairs between these people
        ("t5", "t3"),  # four records
        ("t3", "t4"),  # two records
        ("t1", "t2"),  # the same two people as pair 1
        ("t0", "t1"),  # changes nobody
    ]
    assert queue["effect"].tolist() == [
        "joins 2 people (4 records)",
        "joins 2 people (4 records)",
        "joins 2 people (2 records)",
        "same 2 people as pair 1",
        "already 1 person (3 records)",
    ]
    assert queue["pair"].tolist() == [1, 2, 3, 4, 5]
    assert settling_pairs(queue) == 3


def test_the_order_is_the_same_whatever_order_the_pairs_come_in() -> None:
    shuffled = PAIRS.sample(frac=1, random_state=3)
    assert sample_queue().equals(
        review_queue(RAW, TOKENS, shuffled, review_readings(STANDARD, shuffled), np.arange(5))
    )
