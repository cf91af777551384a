"""What a reviewer typed into a month's review files survives a re-run of the month."""

from __future__ import annotations

import pandas as pd
import pytest

from benelink.errors import UsageError
from benelink.pipelines.review_carry import carry_typed
from benelink.schemas.review import TypedReview
from tests.review_cases import sample_queue


def _typed(rows: list[dict[str, str]], label: str = "review.xlsx") -> TypedReview:
    queue = sample_queue().astype("string").fillna("").astype(object)
    frame = queue.iloc[[0, 1, 2]].reset_index(drop=True)
    for at, cells in enumerate(rows):
        for column, value in cells.items():
            frame.loc[at, column] = value
    return TypedReview(label, frame)


def test_typed_cells_go_to_the_same_pair_wherever_it_now_stands() -> None:
    typed = _typed(
        [
            {"decision": "Accept ", "reviewer": "Suha", "decided_on": "2026-11-30"},
            {"decision": "", "note": "ask the NAF office"},
            {"decision": "غير متأكد"},
        ]
    )
    new = sample_queue().iloc[::-1].reset_index(drop=True)  # another order
    carried, count = carry_typed(new, [typed], None)
    assert count == 3
    by_pair = carried.set_index(["left_token", "right_token"])
    first = typed.rows.loc[0, ["left_token", "right_token"]]
    assert by_pair.loc[tuple(first), "decision"] == "accept"  # as the drop-down spells it
    assert by_pair.loc[tuple(first), "reviewer"] == "Suha"
    second = typed.rows.loc[1, ["left_token", "right_token"]]
    assert by_pair.loc[tuple(second), "note"] == "ask the NAF office"
    third = typed.rows.loc[2, ["left_token", "right_token"]]
    assert by_pair.loc[tuple(third), "decision"] == "غير متأكد"


def test_a_pair_is_found_whichever_record_is_on_the_left() -> None:
    typed = _typed([{"decision": "reject"}])
    swapped = typed.rows.rename(columns={"left_token": "right_token", "right_token": "left_token"})
    carried, count = carry_typed(sample_queue(), [TypedReview("review.csv", swapped)], None)
    assert count == 1
    assert carried.loc[0, "decision"] == "reject"


def test_nothing_typed_changes_nothing() -> None:
    queue = sample_queue()
    carried, count = carry_typed(queue, [_typed([])], None)
    assert count == 0 and carried.equals(queue)


def test_a_typed_decision_whose_pair_left_the_queue_stops_the_run() -> None:
    typed = _typed([{}, {"decision": "accept"}, {"decision": "reject"}])
    shorter = sample_queue().iloc[[0]]
    with pytest.raises(UsageError) as refused:
        carry_typed(shorter, [typed], None)
    message = str(refused.value)
    assert message.startswith("review.xlsx: 2 decision(s) typed in it but not recorded")
    assert "row(s) 3, 4" in message and "benelink review apply review.xlsx" in message
    assert "\n" not in message


def test_unless_the_decision_store_already_holds_it() -> None:
    typed = _typed([{}, {"decision": "accept"}, {"decision": "not sure"}])
    row = typed.rows.loc[1]
    recorded = pd.DataFrame(
        [{"left_token": row["right_token"], "right_token": row["left_token"], "decision": "accept"}]
    )
    _, count = carry_typed(sample_queue().iloc[[0]], [typed], recorded)
    assert count == 0  # the first row had nothing typed
    # a different decision stored than typed is a decision not yet recorded
    with pytest.raises(UsageError, match=r"row\(s\) 3"):
        carry_typed(sample_queue().iloc[[0]], [typed], recorded.assign(decision="reject"))


def test_two_files_deciding_one_pair_differently_stop_the_run() -> None:
    xlsx = _typed([{"decision": "accept"}], "review.xlsx")
    csv = _typed([{"decision": "رفض"}], "review.csv")
    with pytest.raises(UsageError, match=r"^review\.csv and review\.xlsx: 1 pair\(s\) decided"):
        carry_typed(sample_queue(), [xlsx, csv], None)
    # accept in Arabic is no conflict; a cell typed in one file only is taken from it
    same = _typed([{"decision": "قبول", "note": "same family book"}], "review.csv")
    carried, count = carry_typed(sample_queue(), [xlsx, same], None)
    assert count == 1
    assert carried.loc[0, ["decision", "note"]].tolist() == ["accept", "same family book"]
