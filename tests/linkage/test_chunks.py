"""Chunked comparison and collection: what both engines run, equal to scoring every pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.config.model import LinkageSettings
from benelink.linkage.block import candidate_pairs
from benelink.linkage.chunks import (
    chunk_bounds,
    compare_chunk,
    concat_scored,
    in_pair_order,
    kept_pairs,
    merged_patterns,
    reachable,
)
from benelink.linkage.cluster import connected_components
from benelink.linkage.compare import COMPARISONS, compare_pairs, encode_records
from benelink.linkage.link import link_records
from benelink.linkage.score import (
    estimate_model,
    match_probability,
    match_weights,
    pattern_counts,
    pattern_index,
    term_frequencies,
)
from tests.helpers import ProgressRecorder, november_records

U_PAIRS = 200_000

level_rows = st.lists(st.lists(st.integers(-1, 6), min_size=3, max_size=3), max_size=80)


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return november_records()


@given(level_rows)
def test_pattern_index_gives_the_levels_back(rows: list[list[int]]) -> None:
    levels = np.asarray(rows, dtype=np.int8).reshape(-1, 3)
    patterns, counts, index = pattern_index(levels)
    assert np.array_equal(patterns[index], levels)
    assert counts.sum() == len(levels)
    assert np.array_equal(np.bincount(index, minlength=len(patterns)), counts)


@settings(max_examples=40)
@given(level_rows, st.lists(st.integers(1, 20), min_size=1, max_size=5))
def test_merged_chunk_patterns_equal_the_whole(rows: list[list[int]], sizes: list[int]) -> None:
    levels = np.asarray(rows, dtype=np.int8).reshape(-1, 3)
    cuts = np.cumsum(sizes)
    chunks = [pattern_counts(part) for part in np.split(levels, cuts[cuts < len(levels)])]
    patterns, counts = merged_patterns(chunks, 3)
    whole_patterns, whole_counts = pattern_counts(levels)
    assert np.array_equal(patterns, whole_patterns.reshape(-1, 3))
    assert np.array_equal(counts, whole_counts)
    assert patterns.dtype == np.int8 and counts.dtype == np.int64


@given(st.integers(0, 50), st.integers(1, 12))
def test_chunk_bounds_cover_every_pair_once(n: int, size: int) -> None:
    bounds = chunk_bounds(n, size)
    covered = [i for start, stop in bounds for i in range(start, stop)]
    assert covered == list(range(n))
    assert all(0 < stop - start <= size for start, stop in bounds)


def test_collected_pairs_are_every_pair_clustering_looks_at(records: pd.DataFrame) -> None:
    """Above the floor, or below it with both records in one match component: the
    pairs clustering reads when every pair is scored, and no others."""
    settings = LinkageSettings()
    floor, n, width = settings.review_threshold, len(records), len(COMPARISONS)
    arr = encode_records(records)
    candidates = candidate_pairs(records, settings.max_candidate_pairs)
    left, right = candidates.left, candidates.right
    levels = compare_pairs(arr, left, right)
    model = estimate_model(COMPARISONS, *pattern_counts(levels), settings.em_max_iterations)
    tf = term_frequencies(arr, COMPARISONS)
    probability = match_probability(match_weights(levels, model, tf, arr, left), model.lambda_)
    chunks = [
        compare_chunk(arr, COMPARISONS, left[start:stop], right[start:stop])
        for start, stop in chunk_bounds(len(left), 4000)
    ]
    assert all(
        np.array_equal(c.patterns[c.index], levels[s:e])
        for c, (s, e) in zip(chunks, chunk_bounds(len(left), 4000), strict=True)
    )

    high = concat_scored([kept_pairs(arr, model, tf, floor, None, c) for c in chunks], width)
    labels = reachable(n, high, settings.match_threshold, None)
    low = concat_scored([kept_pairs(arr, model, tf, floor, labels, c) for c in chunks], width)
    got_left, got_right, got_levels, _, got_probability = in_pair_order(high, low)

    is_match = probability >= settings.match_threshold
    components = connected_components(n, left[is_match], right[is_match])
    wanted = (probability >= floor) | (components[left] == components[right])
    assert len(low[0]) > 0 and (low[4] < floor).all()
    assert np.array_equal(got_left, left[wanted]) and np.array_equal(got_right, right[wanted])
    assert np.array_equal(got_levels, levels[wanted])
    assert np.array_equal(got_probability, probability[wanted])


def test_chunk_size_and_threads_change_no_link(records: pd.DataFrame) -> None:
    whole = link_records(records, LinkageSettings(), u_pairs=U_PAIRS, chunk_pairs=10**9, threads=1)
    for threads in (1, 3):
        small = link_records(
            records, LinkageSettings(), u_pairs=U_PAIRS, chunk_pairs=3_333, threads=threads
        )
        pd.testing.assert_frame_equal(small.pairs, whole.pairs)
        assert np.array_equal(small.cluster, whole.cluster)
        assert small.lambda_ == whole.lambda_


def test_progress_moves_chunk_by_chunk(records: pd.DataFrame) -> None:
    progress = ProgressRecorder()
    result = link_records(
        records, LinkageSettings(), u_pairs=U_PAIRS, chunk_pairs=5_000, progress=progress
    )
    n = result.n_candidate_pairs
    assert progress.sizes == [(n, "pairs")]
    assert progress.advanced == [stop - start for start, stop in chunk_bounds(n, 5_000)]
    assert len(progress.advanced) > 3
