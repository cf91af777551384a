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
