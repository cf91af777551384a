"""The measures of bench.months on hand-built months whose answers are known; a tiny run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bench import months_metrics as mm
from bench.months import main
from bench.months_render import targets
from benelink.anonymize.tokens import record_tokens

KEY = bytes(range(32))


def _ids(pairs: dict[str, set[str]]) -> pd.Series:
    return pd.Series({p: frozenset(ids) for p, ids in pairs.items()})


def test_a_person_keeps_their_ids_only_if_none_is_lost_or_added() -> None:
    before = _ids({"A": {"b1"}, "B": {"b2"}, "C": {"b4", "b5"}, "D": {"b6"}, "E": set()})
    after = _ids({"A": {"b1"}, "B": {"b3"}, "C": {"b4"}, "E": set(), "F": {"b7"}})
    # D left, F is new: neither counts; E had no id at all (every row rejected): not kept
    assert mm.retention(before, after) == mm.Share(1, 4)
    assert mm.fragmented(before) == mm.Share(1, 5)
    assert mm.Share(0, 0).share == 1.0


def test_holdings_give_a_rejected_record_no_id() -> None:
    truth = pd.DataFrame(
        {
            "source": ["naf", "naf", "unhcr"],
            "source_record_id": ["1", "2", "945-1"],
            "person_id": ["P1", "P1", "P2"],
            "previous_record_id": ["", "", ""],
        }
    )
    kept = truth.iloc[[0, 2]]
    records = pd.DataFrame(
        {
            "source": kept["source"].to_numpy(),
            "record_token": record_tokens(kept["source"], kept["source_record_id"], KEY).to_numpy(),
            "beneficiary_id": ["B-1", "B-2"],
        }
    )
    h = mm.holdings(truth, records, KEY)
    assert h["beneficiary_id"].isna().tolist() == [False, True, False]
    assert mm.person_ids(h).to_dict() == {"P1": frozenset({"B-1"}), "P2": frozenset({"B-2"})}


def test_an_earlier_id_held_by_a_stranger_is_false_continuity() -> None:
    earlier = pd.DataFrame({"beneficiary_id": ["b1", "b2", "b3"], "person_id": ["A", "B", "C"]})
    now = pd.DataFrame(
        {
            "beneficiary_id": ["b1", "b1", "b2", "b3", "b9"],
            "person_id": ["A", "X", "D", "C", "E"],
        }
    )
    # b1 gained X beside A; b2 passed wholly from B to D; b3 stayed; b9 is new
    assert mm.false_continuity(earlier, now) == mm.Continuity(gained=2, passed=1)
    assert mm.false_continuity(earlier, now.iloc[[0, 3, 4]]) == mm.Continuity(0, 0)


def test_pairs_that_were_together_and_are_apart_flip() -> None:
    before = pd.Series({"r1": "X", "r2": "X", "r3": "Y", "r4": None, "r5": "W"})
    after = pd.Series({"r1": "X", "r2": "Z", "r3": "Z", "r4": None, "r6": "W"})
    # r1-r2 split, r2-r3 joined; r4 was rejected both times (alone); r5/r6 are not in both
    assert mm.cluster_flips(before, after) == 2
    assert mm.cluster_flips(before, before) == 0


def test_a_scored_pair_whose_decision_changed_flips() -> None:
    before = pd.DataFrame(
        {
            "left_token": ["a", "c", "a"],
            "right_token": ["b", "d", "x"],
            "decision": ["match", "review", "match"],
        }
    )
    after = pd.DataFrame(
        {"left_token": ["b", "e"], "right_token": ["a", "f"], "decision": ["match", "match"]}
    )
    # a-b kept (either order); c-d fell below review; a-x and e-f involve changed records
    assert mm.link_flips(before, after, {"a", "b", "c", "d", "e"}) == 1
    # a match clustering kept apart is still a match: its people are the cluster flips'
    apart = after.assign(decision=["match_kept_apart", "match"])
    assert mm.link_flips(before, apart, {"a", "b", "c", "d", "e"}) == 1


def test_unchanged_rows_are_identical_cell_for_cell_and_listed_once() -> None:
    before = pd.DataFrame({"id": ["1", "2", "3", "4", "4"], "phone": ["a", "b", "c", "d", "d"]})
    after = pd.DataFrame({"id": ["1", "2", "4", "5"], "phone": ["a", "B", "d", "e"]})
    assert mm.unchanged_rows(before, after, "id") == {"1"}


def test_flows_follow_the_people_month_to_month() -> None:
    months = [{"A", "B"}, {"B", "C"}, {"A", "C", "D"}]
    assert mm.true_flows(months[:1]) == {"new": 2, "continuing": 0, "returning": 0, "exited": 0}
    assert mm.true_flows(months) == {"new": 1, "continuing": 1, "returning": 1, "exited": 1}


def test_a_reregistration_is_kept_when_it_carries_the_old_records_id() -> None:
    before = pd.DataFrame(
        {"source": ["naf", "naf"], "source_record_id": ["1", "2"], "beneficiary_id": ["B1", "B2"]}
    )
    now = pd.DataFrame(
        {
            "source": ["naf", "naf", "naf"],
            "source_record_id": ["7", "8", "1"],
            "previous_record_id": ["1", "2", ""],
            "beneficiary_id": ["B1", "B9", "B1"],
        }
    )
    assert mm.reregistrations_kept(before, now) == mm.Share(1, 2)


def _row(kept: int, flips: int, new: tuple[int, int], gained: int) -> dict[str, object]:
    return {
        "retention": {"hits": kept, "total": 1000},
        "retention_from_first": {"hits": kept, "total": 1000},
        "cluster_flips": flips,
        "link_flips": 0,
        "reported": {"new": new[0], "exited": 10},
        "truth": {"new": new[1], "exited": 10},
        "false_continuity": {"gained": gained, "passed": 0},
    }


def test_the_targets_can_fail() -> None:
    met = [_row(1000, 0, (100, 100), 0)] * 2
    assert all(ok for *_, ok in targets(met))
    missed = [met[0], _row(980, 2, (120, 100), 1)]
    assert [ok for *_, ok in targets(missed)] == [False, False, False, False, False]


@pytest.mark.slow
def test_a_tiny_series_is_run_measured_and_written(tmp_path: Path) -> None:
    out = tmp_path / "MONTHS.md"
    main(["--out", str(out), "--people", "150", "--months", "2026-01,2026-02"])
    figures = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    first, second = figures["months"]
    assert first["reported"]["new"] == first["truth"]["new"] > 0
    assert 0.5 < second["f1"] <= 1.0 and second["retention"]["total"] > 0
    assert {"cluster_flips", "link_flips", "reregistrations", "false_continuity"} <= set(second)
    page = out.read_text(encoding="utf-8")
    assert "## Targets" in page and "| 2026-02 |" in page and "python -m bench.months" in page
