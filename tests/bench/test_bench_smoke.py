"""The benchmark harness on tiny data, so it cannot rot; scoring checked by brute force."""

from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.quality import cluster_quality, keyed_cluster_quality, pair_quality
from bench.report import render
from bench.run import Options, run_bench


def _brute_force(
    sources: list[str], predicted: set[tuple[int, int]], person: list[str], eval_pair: str | None
) -> tuple[int, int, int]:
    """(true positives, predicted, truth) counted pair by pair."""
    tp = pred = true = 0
    for i, j in combinations(range(len(person)), 2):
        if eval_pair is not None and "~".join(sorted((sources[i], sources[j]))) != eval_pair:
            continue
        same = person[i] == person[j]
        linked = (i, j) in predicted
        tp += same and linked
        pred += linked
        true += same
    return tp, pred, true


def _frames(sources: list[str], person: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(person)
    records = pd.DataFrame(
        {"uid": np.arange(n), "source": sources, "record_key": [f"r{i}" for i in range(n)]}
    )
    truth = pd.DataFrame(
        {"source": sources, "record_key": records["record_key"], "person_id": person}
    )
    return records, truth


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 4), st.integers(0, 4)),
        min_size=2,
        max_size=14,
    ),
    st.sampled_from([None, "a~b"]),
)
def test_cluster_scores_match_brute_force(
    rows: list[tuple[str, int, int]], eval_pair: str | None
) -> None:
    sources = [r[0] for r in rows]
    person = [f"p{r[1]}" for r in rows]
    cluster = [r[2] for r in rows]
    records, truth = _frames(sources, person)
    clusters = pd.DataFrame({"uid": np.arange(len(rows)), "cluster": cluster})
    predicted = {(i, j) for i, j in combinations(range(len(rows)), 2) if cluster[i] == cluster[j]}
    got = cluster_quality(records, clusters, truth, eval_pair)
    tp, pred, true = _brute_force(sources, predicted, person, eval_pair)
    assert (got["true_positive_pairs"], got["predicted_pairs"], got["truth_pairs"]) == (
        tp,
        pred,
        true,
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 4)), min_size=2, max_size=12),
    st.sets(st.tuples(st.integers(0, 11), st.integers(0, 11))),
    st.sampled_from([None, "a~b"]),
)
def test_pair_scores_match_brute_force(
    rows: list[tuple[str, int]], raw_pairs: set[tuple[int, int]], eval_pair: str | None
) -> None:
    n = len(rows)
    sources = [r[0] for r in rows]
    person = [f"p{r[1]}" for r in rows]
    pairs = {(min(i, j), max(i, j)) for i, j in raw_pairs if i < n and j < n and i != j}
    records, truth = _frames(sources, person)
    frame = pd.DataFrame(sorted(pairs), columns=["uid_l", "uid_r"], dtype="int64")
    # pairs given in either order count once
    frame = pd.concat([frame, frame.rename(columns={"uid_l": "uid_r", "uid_r": "uid_l"})])
    got = pair_quality(records, frame, truth, eval_pair)
    tp, pred, true = _brute_force(sources, pairs, person, eval_pair)
    assert (got["true_positive_pairs"], got["predicted_pairs"], got["truth_pairs"]) == (
        tp,
        pred,
        true,
    )


def test_unlisted_records_are_singletons() -> None:
    records, truth = _frames(["a", "a", "a"], ["p1", "p1", "p2"])
    clusters = pd.DataFrame({"uid": [0, 1], "cluster": ["x", "x"]})
    got = cluster_quality(records, clusters, truth, None)
    assert (got["precision"], got["recall"], got["predicted_pairs"]) == (1.0, 1.0, 1)


@pytest.mark.slow
def test_harness_runs_benelink_on_tiny_partner_like_files(tmp_path: Path) -> None:
    """The partner-like dataset: the generator's mess written as files with a configuration
    mapping the job seekers' UNHCR No, every tool scored over every record of the files."""
    options = Options(datasets=("partner80",), tools=("benelink",), timeout_minutes=2)
    rows, described = run_bench(options, tmp_path)
    (row,) = rows
    assert row.status == "ok", row.error
    assert 0.5 <= row.quality["f1"] <= 1.0
    assert row.quality["kept_only"]["truth_pairs"] <= row.quality["truth_pairs"]
    assert "partner-like" in described["partner80"]


@pytest.mark.slow
def test_harness_runs_benelink_on_tiny_jordan_data(tmp_path: Path) -> None:
    options = Options(datasets=("jordan60",), tools=("benelink",), timeout_minutes=2)
    rows, described = run_bench(options, tmp_path)
    (row,) = rows
    assert row.status == "ok", row.error
    assert row.candidate_pairs is not None and row.candidate_pairs > 0
    assert row.tool_seconds is not None and row.process_seconds >= row.tool_seconds
    assert row.peak_mb > 50  # a Python process with pandas loaded
    assert 0.5 <= row.quality["f1"] <= 1.0
    assert "naf~unhcr" in row.quality["by_source_pair"]
    text = render(rows, "python -m bench.run", {"benelink": "x"}, described, 2, [])
    assert "| benelink |" in text and "jordan60" in text


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("splink") is None, reason="splink not installed")
def test_harness_runs_splink_on_febrl4(tmp_path: Path) -> None:
    options = Options(datasets=("febrl4",), tools=("splink",), timeout_minutes=2)
    (row,), _ = run_bench(options, tmp_path)
    assert row.status == "ok", row.error
    assert row.quality["f1"] > 0.9


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3), st.integers(0, 3), st.booleans()),
        min_size=2,
        max_size=12,
    ),
    st.sampled_from([None, "a~b"]),
)
def test_truth_records_no_tool_was_given_count_as_missed(
    rows: list[tuple[str, int, int, bool]], eval_pair: str | None
) -> None:
    """A record validation rejected is in the truth, not in the records: both scorers count
    its true pairs as missed, and give the kept-only figures beside."""
    sources = [r[0] for r in rows]
    person = [f"p{r[1]}" for r in rows]
    _, truth = _frames(sources, person)
    given_ = [i for i, r in enumerate(rows) if r[3]]
    records = pd.DataFrame(
        {
            "uid": np.arange(len(given_)),
            "source": [sources[i] for i in given_],
            "record_key": [f"r{i}" for i in given_],
        }
    )
    same = {
        (a, b)
        for a, b in combinations(range(len(given_)), 2)
        if rows[given_[a]][2] == rows[given_[b]][2]
    }
    # in the original numbering, for the brute force over every record
    predicted = {(given_[a], given_[b]) for a, b in same}
    expected = _brute_force(sources, predicted, person, eval_pair)
    clusters = pd.DataFrame(
        {"uid": np.arange(len(given_)), "cluster": [rows[i][2] for i in given_]}
    )
    pair_frame = pd.DataFrame(sorted(same), columns=["uid_l", "uid_r"], dtype="int64")
    kept_sources = [sources[i] for i in given_]
    kept_person = [person[i] for i in given_]
    kept_expected = _brute_force(kept_sources, same, kept_person, eval_pair)
    missing = {s: sum(1 for r in rows if r[0] == s and not r[3]) for s in sorted(set(sources))}
    for got in (
        cluster_quality(records, clusters, truth, eval_pair),
        pair_quality(records, pair_frame, truth, eval_pair),
    ):
        assert (got["true_positive_pairs"], got["predicted_pairs"], got["truth_pairs"]) == expected
        kept = got["kept_only"]
        assert (
            kept["true_positive_pairs"],
            kept["predicted_pairs"],
            kept["truth_pairs"],
        ) == kept_expected
        assert got["records_missing"] == missing


def test_month_truth_keeps_every_record_keyed_as_the_standardised_ids() -> None:
    from bench.quality import month_truth

    truth = pd.DataFrame(
        {
            "source": ["naf", "naf", "naf", "naf", "naf"],
            "source_record_id": ["N-000123", "N ٠٠٠١٢٤", "---", "\u200b-", "N000123"],
            "person_id": ["p1", "p2", "p3", "p4", "p1"],
        }
    )
    got = month_truth(truth)
    assert got["record_key"].tolist() == ["N000123", "N000124", "~---", "~\u200b-"]
    assert got["person_id"].tolist() == ["p1", "p2", "p3", "p4"]


def test_a_dropped_record_is_a_missed_one() -> None:
    """Scored over every record of the files, a record the tool never saw lowers recall."""
    records, truth = _frames(["a", "b"], ["p1", "p1"])
    truth_all = pd.concat(
        [truth, pd.DataFrame({"source": ["b"], "record_key": ["r9"], "person_id": ["p1"]})]
    )
    clusters = pd.DataFrame({"uid": [0, 1], "cluster": ["x", "x"]})
    got = cluster_quality(records, clusters, truth_all, None)
    assert (got["true_positive_pairs"], got["predicted_pairs"], got["truth_pairs"]) == (1, 1, 3)
    assert got["kept_only"]["recall"] == 1.0
    assert got["by_source_pair"]["a~b"]["truth_pairs"] == 2
    keyed = pd.DataFrame({"source": ["a", "b"], "record_key": ["r0", " r1 "], "cluster": [1, 1]})
    assert keyed_cluster_quality(keyed, truth_all)["truth_pairs"] == 3


_NO_TUNED = any(importlib.util.find_spec(m) is None for m in ("splink", "anyascii"))


@pytest.mark.skipif(_NO_TUNED, reason="the bench extra (splink, anyascii) is not installed")
def test_tuned_splink_preparation_meets_scripts_and_formats() -> None:
    from bench.tools import splink_tuned_prepare as prep

    assert prep.skeleton(prep.name_part("محمد") or "") == prep.skeleton("mohammad")
    assert prep.name_part("Abd al-Rahman") == prep.name_part("Abdulrahman") == "abdalrahman"
    assert prep.name_part("Al-Omari", family=True) == "omari"
    assert prep.parse_date("12 Mar 1990") == prep.parse_date("12/03/1990") == "1990-03-12"
    assert prep.parse_date("١٢ آذار ١٩٩٠") == "1990-03-12"
    assert prep.phone("+962 79 123 4567") == prep.phone("0791234567") == "791234567"


@pytest.mark.slow
@pytest.mark.skipif(_NO_TUNED, reason="the bench extra (splink, anyascii) is not installed")
def test_harness_runs_tuned_splink_from_the_partner_files(tmp_path: Path) -> None:
    options = Options(datasets=("jordan300",), tools=("splink-tuned",), timeout_minutes=3)
    (row,), _ = run_bench(options, tmp_path)
    assert row.status == "ok", row.error
    assert row.quality["f1"] > 0.9
    assert "kept_only" in row.quality and "naf~unhcr" in row.quality["by_source_pair"]
