"""Pairwise quality by counting equals pairwise quality by enumerating pairs."""

from __future__ import annotations

from itertools import combinations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benelink.linkage.evaluate import pairwise_quality

record = st.tuples(
    st.sampled_from(["naf", "unhcr", "jobseekers"]), st.integers(0, 3), st.integers(0, 3)
)


def _brute(rows: list[tuple[str, int, int]]) -> dict[str, tuple[int, int, int]]:
    out: dict[str, list[int]] = {}
    for (s1, c1, p1), (s2, c2, p2) in combinations(rows, 2):
        for key in ("all", "~".join(sorted((s1, s2)))):
            counts = out.setdefault(key, [0, 0, 0])
            counts[0] += c1 == c2 and p1 == p2
            counts[1] += c1 == c2
            counts[2] += p1 == p2
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


@given(st.lists(record, max_size=25))
def test_counts_match_brute_force_enumeration(rows: list[tuple[str, int, int]]) -> None:
    predicted = pd.DataFrame(
        {
            "source": [s for s, _, _ in rows],
            "record_key": range(len(rows)),
            "cluster": [c for _, c, _ in rows],
        }
    )
    truth = pd.DataFrame(
        {
            "source": [s for s, _, _ in rows],
            "record_key": range(len(rows)),
            "person_id": [p for *_, p in rows],
        }
    )
    quality = pairwise_quality(predicted, truth)
    brute = _brute(rows)
    expected = brute.get("all", (0, 0, 0))
    assert (quality.true_positive_pairs, quality.predicted_pairs, quality.truth_pairs) == expected
    for key, counts in quality.by_source_pair.items():
        assert (
            counts["true_positive_pairs"],
            counts["predicted_pairs"],
            counts["truth_pairs"],
        ) == brute.get(key, (0, 0, 0))


def test_only_records_in_both_frames_count_and_to_dict_is_json_ready() -> None:
    predicted = pd.DataFrame(
        {
            "source": ["naf", "naf", "unhcr", "unhcr"],
            "record_key": ["1", "2", "3", "9"],
            "cluster": ["a", "a", "a", "a"],
        }
    )
    truth = pd.DataFrame(
        {
            "source": ["naf", "naf", "unhcr"],
            "record_key": ["1", "2", "3"],
            "person_id": ["x", "x", "y"],
        }
    )
    quality = pairwise_quality(predicted, truth)
    assert (quality.true_positive_pairs, quality.predicted_pairs, quality.truth_pairs) == (1, 3, 1)
    assert quality.precision == 1 / 3 and quality.recall == 1.0
    as_dict = quality.to_dict()
    assert as_dict["by_source_pair"]["naf~unhcr"]["predicted_pairs"] == 2
    assert set(as_dict) >= {"precision", "recall", "f1", "by_source_pair"}


@given(st.lists(st.tuples(record, st.booleans()), max_size=25))
def test_a_truth_record_missing_from_the_output_is_a_singleton_that_matches_nobody(
    rows: list[tuple[tuple[str, int, int], bool]],
) -> None:
    """Over all records the missing ones are scored as unlinked; kept_only leaves them out."""
    kept = [r for r, present in rows if present]
    predicted = pd.DataFrame(
        {
            "source": [s for (s, _, _), present in rows if present],
            "record_key": [i for i, (_, present) in enumerate(rows) if present],
            "cluster": [c for (_, c, _), present in rows if present],
        }
    )
    truth = pd.DataFrame(
        {
            "source": [s for (s, _, _), _ in rows],
            "record_key": range(len(rows)),
            "person_id": [p for (*_, p), _ in rows],
        }
    )
    quality = pairwise_quality(predicted, truth)
    # a missing record: a cluster of its own (a negative id no kept record has)
    alone = [(s, c if present else -1 - i, p) for i, ((s, c, p), present) in enumerate(rows)]
    everyone, only_kept = _brute(alone), _brute(kept)
    got = (quality.true_positive_pairs, quality.predicted_pairs, quality.truth_pairs)
    assert got == everyone.get("all", (0, 0, 0))
    assert quality.kept_only is not None
    k = quality.kept_only
    assert (k.true_positive_pairs, k.predicted_pairs, k.truth_pairs) == only_kept.get(
        "all", (0, 0, 0)
    )
    for key, counts in quality.by_source_pair.items():
        expected = everyone.get(key, (0, 0, 0))
        assert (
            counts["true_positive_pairs"],
            counts["predicted_pairs"],
            counts["truth_pairs"],
        ) == expected
    missing: dict[str, int] = {}
    for (s, _, _), present in rows:
        missing[s] = missing.get(s, 0) + (not present)
    assert quality.records_missing == missing
    assert quality.precision == k.precision, "a missing record is in no predicted pair"


def test_the_figures_over_all_records_and_kept_only_differ_when_records_are_lost() -> None:
    """Four records of one person, one rejected: 3 of 6 true pairs are found over all
    records, all 3 of the kept records' pairs kept-only."""
    predicted = pd.DataFrame(
        {"source": ["naf", "unhcr", "unhcr"], "record_key": ["1", "2", "3"], "cluster": "a"}
    )
    truth = pd.DataFrame(
        {"source": ["naf", "naf", "unhcr", "unhcr"], "record_key": ["1", "9", "2", "3"]}
    ).assign(person_id="x")
    quality = pairwise_quality(predicted, truth)
    assert quality.recall == 0.5 and quality.precision == 1.0
    assert quality.kept_only is not None and quality.kept_only.recall == 1.0
    as_dict = quality.to_dict()
    assert as_dict["records"] == {"naf": 2, "unhcr": 2}
    assert as_dict["records_missing"] == {"naf": 1, "unhcr": 0}
    assert as_dict["kept_only"]["recall"] == 1.0
    assert as_dict["kept_only"]["by_source_pair"]["naf~unhcr"]["truth_pairs"] == 2
    assert as_dict["by_source_pair"]["naf~unhcr"]["truth_pairs"] == 4
    assert "kept_only" not in as_dict["kept_only"]
    import json

    assert json.loads(json.dumps(as_dict)) == as_dict


def test_no_truth_record_at_all() -> None:
    empty = pd.DataFrame({"source": [], "record_key": [], "person_id": []})
    predicted = pd.DataFrame({"source": ["naf"], "record_key": ["1"], "cluster": ["a"]})
    quality = pairwise_quality(predicted, empty)
    assert (quality.precision, quality.recall, quality.records_missing) == (1.0, 1.0, {})
