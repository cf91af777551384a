"""Clustering: no chaining through one weak link, conflicts split, deterministic labels."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.linkage.cluster import (
    _agglomerate,
    _numbered,
    _Pairs,
    cluster_records,
    connected_components,
)


def _edges(edges: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left = np.array([a for a, _, _ in edges], dtype=np.int32)
    right = np.array([b for _, b, _ in edges], dtype=np.int32)
    return left, right, np.array([p for *_, p in edges])


def test_connected_components_label_by_smallest_member() -> None:
    left, right, _ = _edges([(3, 4, 1), (0, 2, 1), (2, 5, 1)])
    assert connected_components(7, left, right).tolist() == [0, 1, 0, 3, 3, 0, 6]


def test_two_strangers_are_not_chained_through_one_weak_link() -> None:
    # people {0,1,2} and {3,4,5}; one spurious above-threshold link 2~3
    strong = [(a, b, 0.99) for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]]
    weak = [(2, 3, 0.91)]
    against = [(a, b, 0.01) for a in (0, 1, 2) for b in (3, 4, 5) if (a, b) != (2, 3)]
    left, right, p = _edges(strong + weak + against)
    result = cluster_records(6, left, right, p, match_threshold=0.9, cohesion_threshold=0.5)
    assert result.cluster.tolist() == [0, 0, 0, 1, 1, 1]
    # plain connected components would have merged them
    assert len(set(connected_components(6, left[p >= 0.9], right[p >= 0.9]).tolist())) == 1


def test_conflicting_ids_split_the_chain_at_the_weakest_bridge() -> None:
    left, right, p = _edges([(0, 1, 0.99), (1, 2, 0.93), (2, 3, 0.99)])
    national = np.array([10, -1, -1, 11], dtype=np.int32)
    result = cluster_records(
        4, left, right, p, match_threshold=0.9, cohesion_threshold=0.5, exclusive=(national,)
    )
    assert result.cluster.tolist() == [0, 0, 1, 1]
    assert not result.conflict.any()
    assert result.record_probability.tolist() == [0.99, 0.99, 0.99, 0.99]


def test_tolerated_typo_merges_but_is_flagged() -> None:
    left, right, p = _edges([(0, 1, 0.99)])
    national = np.array([10, 11, -1], dtype=np.int32)
    result = cluster_records(
        3,
        left,
        right,
        p,
        match_threshold=0.9,
        cohesion_threshold=0.5,
        exclusive=(national,),
        tolerated=np.array([True]),
    )
    assert result.cluster.tolist() == [0, 0, 1]
    assert result.conflict.tolist() == [True, True, False]
    assert result.record_probability[2] == 1.0


def test_labels_do_not_depend_on_edge_order() -> None:
    rng = np.random.default_rng(5)
    edges = [
        (int(a), int(b), float(rng.random())) for a, b in rng.integers(0, 40, (80, 2)) if a < b
    ]
    runs = []
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(edges))
        left, right, p = _edges([edges[i] for i in order])
        result = cluster_records(40, left, right, p, match_threshold=0.6, cohesion_threshold=0.4)
        runs.append(result.cluster.tolist())
        assert result.cluster[0] == 0 and set(result.cluster.tolist()) == set(
            range(max(runs[-1]) + 1)
        )
    assert runs[0] == runs[1] == runs[2]


def test_group_holding_two_numbers_accepts_a_record_with_either() -> None:
    # 0 and 1 merged through a tolerated edge (two numbers); 2 carries 0's number
    # and links to 1 only: sharing one of the group's numbers is no conflict
    left, right, p = _edges([(0, 1, 0.999), (1, 2, 0.99), (0, 2, 0.6), (2, 3, 0.95)])
    national = np.array([10, 11, 10, 12], dtype=np.int32)
    result = cluster_records(
        4,
        left,
        right,
        p,
        match_threshold=0.9,
        cohesion_threshold=0.5,
        exclusive=(national,),
        tolerated=np.array([True, False, False, False]),
    )
    # 3 carries a third number and no tolerated edge: kept apart
    assert result.cluster.tolist() == [0, 0, 0, 1]
    assert result.conflict.tolist() == [True, True, True, False]


@st.composite
def _scored_pairs(draw: st.DrawFn) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
    n = draw(st.integers(2, 12))
    possible = [(a, b) for a in range(n) for b in range(a + 1, n)]
    chosen = draw(st.lists(st.sampled_from(possible), unique=True, max_size=20))
    k = len(chosen)
    columns = [
        np.array([a for a, _ in chosen], dtype=np.int32),
        np.array([b for _, b in chosen], dtype=np.int32),
        np.array(
            draw(st.lists(st.sampled_from([0.2, 0.45, 0.6, 0.92, 0.97]), min_size=k, max_size=k))
        ),
        np.array(draw(st.lists(st.booleans(), min_size=k, max_size=k)), dtype=bool),
        np.array(
            draw(st.lists(st.sampled_from([-1, 0, 0, 0, 1]), min_size=k, max_size=k)), dtype=np.int8
        ),
    ]
    ids = [
        np.array(draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n)), dtype=np.int32)
        for _ in range(draw(st.integers(0, 2)))
    ]
    return n, columns, ids


@settings(max_examples=300, deadline=None)
@given(_scored_pairs())
def test_two_record_components_decided_as_the_agglomeration_would(
    case: tuple[int, list[np.ndarray], list[np.ndarray]],
) -> None:
    """The shortcut for components of one pair gives what agglomerating every pair gives."""
    n, (left, right, p, tolerated, reviewed), ids = case
    result = cluster_records(
        n,
        left,
        right,
        p,
        match_threshold=0.9,
        cohesion_threshold=0.5,
        exclusive=ids,
        tolerated=tolerated,
        reviewed=reviewed,
    )
    component = connected_components(n, *(x[(p >= 0.9) | (reviewed > 0)] for x in (left, right)))
    inside = component[left] == component[right]
    root = np.arange(n, dtype=np.int64)
    held = np.ones(n)
    pairs = _Pairs(left, right, p, tolerated, reviewed).where(inside)
    _agglomerate(root, held, pairs, ids, 0.9, 0.5)
    assert np.array_equal(result.cluster, _numbered(root))
    assert np.array_equal(result.record_probability, held)
