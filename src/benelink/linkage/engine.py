"""The link stage's engine seam: where the work on candidate pairs runs.

The link stage is written once (:func:`benelink.linkage.link.link_records`:
block → compare → merge patterns → u → EM → term frequencies → collect the
kept pairs → finish). An engine only runs the per-chunk functions of
``benelink.linkage.chunks`` over chunks of pairs and gives their results back,
chunk by chunk; the orchestration merges them the same way whatever ran them.
So a feature of the link stage is written in one place and works on every
engine, and two engines cannot drift apart. Splink's ``DatabaseAPI`` is the
model: its linker writes the SQL once and each backend only executes it.

:class:`LocalEngine` runs the chunks on this process's threads;
``benelink.linkage.spark.SparkEngine`` runs them per Spark partition.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from benelink.linkage.chunks import (
    PARTITION_PAIRS,
    ComparedChunk,
    Counts,
    Labels,
    Scored,
    chunk_bounds,
    compare_chunk,
    kept_pairs,
)
from benelink.linkage.compare import Codes, Comparison, Floats, Levels, RecordArrays, compare_pairs
from benelink.linkage.score import Model, TermFrequencies, level_counts
from benelink.threads import threaded, worker_count

LevelCounts = tuple[Floats, ...]  # per comparison, how often each level occurs (slot 0: null)


class PairProgress(Protocol):
    """Who follows the link stage: told how many candidate pairs there are, then
    how many more have been compared after each chunk (a stage handle is one)."""

    def size(self, total: int, unit: str) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class ComparedPairs(Protocol):
    """The candidate pairs, compared and held where the engine works until released.

    Each method runs one chunk function per chunk and returns the results per chunk,
    in any order: the orchestration merges them.
    """

    def patterns(self) -> Sequence[tuple[Levels, Counts]]:
        """Each chunk's distinct comparison vectors and how often each occurs (for EM)."""
        ...

    def level_counts(self, left: Codes, right: Codes) -> Sequence[LevelCounts]:
        """Other pairs (the random pairs that estimate u) compared, as level counts."""
        ...

    def kept(
        self, model: Model, tf: TermFrequencies, floor: float, labels: Labels | None
    ) -> Sequence[Scored]:
        """:func:`~benelink.linkage.chunks.kept_pairs` of each chunk: its pairs at or above
        ``floor``, or with ``labels`` its pairs below it inside one match component."""
        ...


class LinkEngine(Protocol):
    """Runs the per-chunk functions of the link stage over the candidate pairs."""

    def compare(
        self,
        arr: RecordArrays,
        comparisons: tuple[Comparison, ...],
        left: Codes,
        right: Codes,
        *,
        chunk_pairs: int = PARTITION_PAIRS,
        progress: PairProgress | None = None,
    ) -> AbstractContextManager[ComparedPairs]:
        """Compare the pairs ``left[i], right[i]`` (:func:`~benelink.linkage.chunks.compare_chunk`
        on contiguous chunks of at most ``chunk_pairs``), advancing ``progress`` by the pairs
        compared, and hold the compared chunks until the context ends."""
        ...


@dataclass(frozen=True)
class LocalEngine:
    """The chunks on this process's threads (0: one per CPU).

    Threads, not processes: rapidfuzz and numpy release the GIL, and the threads
    share the record arrays instead of copying them (``benelink.threads``).
    """

    threads: int = 0

    @contextmanager
    def compare(
        self,
        arr: RecordArrays,
        comparisons: tuple[Comparison, ...],
        left: Codes,
        right: Codes,
        *,
        chunk_pairs: int = PARTITION_PAIRS,
        progress: PairProgress | None = None,
    ) -> Iterator[ComparedPairs]:
        def one(bounds: tuple[int, int]) -> ComparedChunk:
            start, stop = bounds
            return compare_chunk(arr, comparisons, left[start:stop], right[start:stop])

        chunks: list[ComparedChunk] = []
        for chunk in threaded(one, chunk_bounds(len(left), chunk_pairs), self.threads):
            chunks.append(chunk)
            if progress is not None:
                progress.advance(len(chunk))
        try:
            yield _LocalCompared(arr, comparisons, chunks, chunk_pairs, self.threads)
        finally:
            chunks.clear()  # what clustering runs beside is the kept pairs only


@dataclass(frozen=True)
class _LocalCompared:
    arr: RecordArrays
    comparisons: tuple[Comparison, ...]
    chunks: list[ComparedChunk]
    chunk_pairs: int
    threads: int

    def patterns(self) -> list[tuple[Levels, Counts]]:
        return [(c.patterns, c.counts) for c in self.chunks]

    def level_counts(self, left: Codes, right: Codes) -> list[LevelCounts]:
        def one(bounds: tuple[int, int]) -> LevelCounts:
            start, stop = bounds
            levels = compare_pairs(self.arr, left[start:stop], right[start:stop], self.comparisons)
            return level_counts(self.comparisons, levels)

        # random pairs share few values, so they are cut to keep every thread busy
        size = min(self.chunk_pairs, -(-len(left) // worker_count(self.threads)))
        return list(threaded(one, chunk_bounds(len(left), size), self.threads))

    def kept(
        self, model: Model, tf: TermFrequencies, floor: float, labels: Labels | None
    ) -> list[Scored]:
        def one(chunk: ComparedChunk) -> Scored:
            return kept_pairs(self.arr, model, tf, floor, labels, chunk)

        return list(threaded(one, self.chunks, self.threads))
