from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from benelink.errors import InputError
from benelink.io.cells import defuse
from benelink.io.review import read_review_file, write_review_queue
from benelink.pipelines.review import (
    DecisionCounts,
    decision_counts,
    display_names,
    merge_decisions,
    parse_decisions,
    review_queue,
    undecided_pairs,
)

RAW = pd.DataFrame(
    {
        "source": ["naf", "unhcr", "jobseekers"],
        "source_record_id": ["N1", "U1", "J1"],
        "row_number": [2, 2, 2],
        "first_name": pd.array(["محمد", "Mohammad", pd.NA], dtype="string"),
        "family_name": pd.array(["الحريري", "Al-Hariri", pd.NA], dtype="string"),
        "full_name": pd.array([pd.NA, pd.NA, '=HYPERLINK("http://x")'], dtype="string"),
    }
)
TOKENS = pd.Series(["t-naf", "t-unhcr", "t-js"])
PAIRS = pd.DataFrame(
    {
        "left": [0, 1, 0],
        "right": [1, 2, 2],
        "probability": [0.7, 0.55, 0.99],
        "decision": ["review", "review", "match"],
    }
)


def test_display_name_joins_parts_or_keeps_full_name() -> None:
    assert display_names(RAW).tolist() == [
        "محمد الحريري",
        "Mohammad Al-Hariri",
        '=HYPERLINK("http://x")',
    ]


def test_queue_holds_review_band_only_most_useful_first() -> None:
    queue = review_queue(RAW, TOKENS, PAIRS)
    # both pairs join two people of one record each: the one nearest 50 % comes first
    assert queue["probability"].tolist() == [0.55, 0.7]
    assert queue.loc[1, "left_full_name"] == "محمد الحريري"
    assert queue.loc[0, "right_record"] == "jobseekers, row 2, id J1"
    assert queue["decision"].eq("").all()
    assert queue.loc[1, "left_token"] == "t-naf"
    assert queue["effect"].tolist() == ["joins 2 people (2 records)"] * 2


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_defused(value: str) -> None:
    assert defuse(value) == "'" + value


def test_queue_files_are_restricted_and_safe(tmp_path: Path) -> None:
    folder = write_review_queue(tmp_path, "2026-11", review_queue(RAW, TOKENS, PAIRS))
    for level in (tmp_path / "restricted", tmp_path / "restricted" / "review", folder):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700
    for name in ("review.xlsx", "review.csv", "written.json"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    sheet = load_workbook(folder / "review.xlsx")["review"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    crafted = [c for c in cells if c.value == '=HYPERLINK("http://x")']
    # shown as written, never a formula: text, with Excel's quote prefix (no apostrophe)
    assert crafted and all(c.data_type == "s" and c.quotePrefix for c in crafted)
    assert all(c.data_type != "f" for c in cells)
    csv = pd.read_csv(folder / "review.csv", dtype=str, encoding="utf-8-sig")
    assert '\'=HYPERLINK("http://x")' in csv.to_numpy().ravel().tolist()


def test_returned_file_round_trip(tmp_path: Path) -> None:
    folder = write_review_queue(tmp_path, "2026-11", review_queue(RAW, TOKENS, PAIRS))
    book = load_workbook(folder / "review.xlsx")
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    column = header.index("decision") + 1
    sheet.cell(row=2, column=column, value="Accept")
    sheet.cell(row=3, column=column, value=" reject ")
    book.save(folder / "review.xlsx")
    decisions = parse_decisions(read_review_file(folder / "review.xlsx"), "2026-11", "review.xlsx")
    assert decisions[["left_token", "right_token", "decision", "month"]].to_dict("records") == [
        {"left_token": "t-js", "right_token": "t-unhcr", "decision": "accept", "month": "2026-11"},
        {"left_token": "t-naf", "right_token": "t-unhcr", "decision": "reject", "month": "2026-11"},
    ]
    assert decisions["reviewer"].isna().all()  # none typed: the applying account's, later


def test_unknown_decision_names_the_row() -> None:
    filled = pd.DataFrame(
        {"decision": ["accept", "maybe"], "left_token": ["a", "b"], "right_token": ["c", "d"]}
    )
    with pytest.raises(InputError, match="row\\(s\\) 3"):
        parse_decisions(filled, "2026-11", "review.csv")


def test_newer_decision_replaces_older() -> None:
    old = pd.DataFrame(
        [{"left_token": "a", "right_token": "b", "decision": "accept", "month": "2026-10"}]
    )
    new = pd.DataFrame(
        [{"left_token": "a", "right_token": "b", "decision": "reject", "month": "2026-11"}]
    )
    merged = merge_decisions(old, new)
    assert merged["decision"].tolist() == ["reject"]


def test_review_queue_without_doubtful_pairs_is_empty() -> None:
    from benelink.pipelines.review import review_queue, review_sources

    raw = review_sources(
        pd.DataFrame(
            {"source": ["naf", "naf"], "first_name": ["A", "B"], "family_name": ["C", "D"]}
        )
    )
    pairs = pd.DataFrame(
        {"left": [0], "right": [1], "probability": [0.2], "decision": ["non_match"]}
    )
    queue = review_queue(raw, pd.Series(["t0", "t1"]), pairs)
    assert queue.empty and "left_full_name" in queue.columns


def _filled(decisions: list[str], left: list[str] | None = None) -> pd.DataFrame:
    n = len(decisions)
    return pd.DataFrame(
        {
            "decision": decisions,
            "left_token": left or [f"a{i}" for i in range(n)],
            "right_token": [f"b{i}" for i in range(n)],
        }
    )


def test_only_the_documented_words_count_in_any_case_and_spacing() -> None:
    filled = _filled(["ACCEPT ", " Reject", "قبول", "رفض", "", "Not  Sure", "غير متأكد"])
    decisions = parse_decisions(filled, "2026-11", "review.csv")
    assert decisions["decision"].tolist() == ["accept", "reject", "accept", "reject"]
    assert undecided_pairs(filled) == 1
    assert decision_counts(filled) == DecisionCounts(not_sure=2, undecided=1)


@pytest.mark.parametrize("word", ["yes", "1", "same", "نعم", "accepted", "match"])
def test_other_words_are_refused_and_the_message_lists_the_words(word: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_decisions(_filled(["accept", word]), "2026-11", "review.csv")
    message = str(refused.value)
    assert "accept, reject or not sure (in Arabic قبول, رفض or غير متأكد)" in message
    assert "row(s) 3" in message
    assert word == "1" or word not in message  # the value itself is never echoed


def test_formulas_are_refused_with_their_rows() -> None:
    filled = _filled(["accept", '=IF(B3>0.5,"accept","reject")', "reject"])
    filled.loc[2, "left_token"] = "=A1"
    with pytest.raises(InputError, match=r"formula.*row\(s\) 3, 4"):
        parse_decisions(filled, "2026-11", "review.xlsx")


def test_same_token_twice_or_a_missing_token_is_refused() -> None:
    with pytest.raises(InputError, match=r"same record token.*row\(s\) 3"):
        parse_decisions(_filled(["accept", "reject"], ["a0", "b1"]), "2026-11", "review.csv")
    missing = _filled(["accept", "reject"])
    missing.loc[0, "right_token"] = " "
    with pytest.raises(InputError, match=r"without its left_token and right_token.*row\(s\) 2"):
        parse_decisions(missing, "2026-11", "review.csv")


def test_unknown_tokens_are_refused_with_their_rows_undecided_rows_are_not_checked() -> None:
    filled = _filled(["accept", "", "reject", "accept"])
    known = {"a0", "b0", "a1", "b1", "b2", "a3"}  # a2 and b3 unknown; a1/b1 undecided
    with pytest.raises(InputError, match=r"no run of this output folder wrote.*row\(s\) 4, 5;"):
        parse_decisions(filled, "2026-11", "review.csv", known)
    decided = parse_decisions(filled.iloc[:2], "2026-11", "review.csv", known)
    assert len(decided) == 1


def test_one_pair_decided_both_ways_is_refused_the_same_twice_is_one() -> None:
    twice = pd.DataFrame(
        {"decision": ["accept", "accept"], "left_token": ["a", "b"], "right_token": ["b", "a"]}
    )
    assert len(parse_decisions(twice, "2026-11", "review.csv")) == 1
    both = twice.assign(decision=["accept", "reject"])
    with pytest.raises(InputError, match=r"accepted and rejected.*row\(s\) 2, 3"):
        parse_decisions(both, "2026-11", "review.csv")


def test_many_rows_are_counted_not_all_listed() -> None:
    with pytest.raises(InputError, match=r"row\(s\) 2, 3, 4, 5, 6 and 7 more;"):
        parse_decisions(_filled(["maybe"] * 12), "2026-11", "review.csv")


def test_queue_names_the_sheet_only_when_a_source_was_read_from_several() -> None:
    assert "sheet" not in " ".join(review_queue(RAW, TOKENS, PAIRS)["left_record"])
    sheets = pd.array(["Part 2", pd.NA, pd.NA], dtype="string")
    queue = review_queue(RAW.assign(sheet=sheets), TOKENS, PAIRS)
    assert queue.loc[1, "left_record"] == "naf, row 2, id N1, sheet Part 2"
    assert queue.loc[0, "left_record"] == "unhcr, row 2, id U1"
