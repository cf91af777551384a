"""The Spark engine (``--engine spark``): the link stage's chunk functions per partition.

Nothing here compares or scores a pair itself, blocks, fits the model or
clusters: :func:`benelink.linkage.link.link_records` does all of that once,
whatever the engine, and :class:`SparkEngine` implements the small
:class:`~benelink.linkage.engine.LinkEngine` seam underneath. The candidate
pairs are cut into contiguous chunks and shipped as an RDD; the encoded record
arrays (:class:`RecordArrays`) are broadcast once. On the executors each chunk
runs the local engine's chunk functions (``benelink.linkage.chunks``):
:func:`compare_chunk` (kept, persisted, as distinct comparison vectors plus an
index per pair), then, with the model the driver fitted from the summed
pattern counts, :func:`kept_pairs` — so the links are the local engine's, bit
for bit.

Only what the driver needs comes back: each chunk's pattern counts, the random
pairs' level counts, and the pairs at or above the review floor, then — once
their match components are known — the lower pairs inside those components.
The other pairs never leave the executors. While the pairs are compared, a
thread reads Spark's status tracker so the progress bar moves partition by
partition.

Privacy: the broadcast holds normalised names and id numbers. ``spark_session``
turns on Spark's local-disk I/O encryption so that a spilled or broadcast
block never lands on disk in the clear; on a cluster also enable
authentication and RPC encryption (docs/spark.md).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from benelink.errors import ConfigError
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
from benelink.linkage.compare import Codes, Comparison, Levels, RecordArrays, compare_pairs
from benelink.linkage.engine import ComparedPairs, LevelCounts, PairProgress
from benelink.linkage.score import Model, TermFrequencies, level_counts

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast, SparkContext
    from pyspark.sql import SparkSession

T = TypeVar("T")
Chunk = tuple[Codes, Codes]

INSTALL_HINT = "install the extra: pip install 'benelink[spark]' (PySpark needs Java 17+)"


def spark_session(
    master: str = "local[2]", app_name: str = "benelink", *, driver_memory: str = "2g"
) -> SparkSession:
    """A Spark session for the link stage: local mode by default, or an existing cluster.

    ``master`` is anything ``spark-submit --master`` takes (``local[4]``,
    ``spark://host:7077``, ``yarn``). In local mode the Python workers are
    this interpreter, so they see the installed benelink; on a cluster they
    run ``PYSPARK_PYTHON``, which must have benelink installed (docs/spark.md).
    The UI is off, shuffles are small (the stage shuffles nothing big) and
    local-disk I/O is encrypted because broadcast records hold personal data.
    """
    session_class = _session_class()
    local = master.startswith("local")
    if local:
        # a bare "python3" on PATH would lack numpy and benelink; only this one has them
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        session_class.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.io.encryption.enabled", "true")
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.memory", driver_memory)
    )
    if local:
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextmanager
def spark_engine(
    master: str = "local[2]", *, partitions: int | None = None
) -> Iterator[SparkEngine]:
    """A :class:`SparkEngine` for one link stage (``benelink run --engine spark``).

    It runs on the Spark session already active in this thread when there is one
    (a notebook's, a test module's): that session belongs to whoever started it and
    is left running. Otherwise it starts one on ``master`` (:func:`spark_session`)
    and stops it at the end.
    """
    active = _session_class().getActiveSession()
    spark = active if active is not None else spark_session(master)
    try:
        yield SparkEngine(spark, partitions)
    finally:
        if active is None:
            spark.stop()


def _session_class() -> type[SparkSession]:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(f"--engine spark needs PySpark: {INSTALL_HINT}") from exc
    found: type[SparkSession] = SparkSession  # typed also where mypy runs without PySpark
    return found


@dataclass(frozen=True)
class SparkEngine:
    """The chunk functions run per partition of ``spark``.

    ``partitions`` is the number of Spark partitions of the candidate pairs
    (default: the cluster's parallelism, or more so that no chunk holds over
    ``chunk_pairs`` pairs).
    """

    spark: SparkSession
    partitions: int | None = None

    def __post_init__(self) -> None:
        if self.partitions is not None and self.partitions < 1:
            raise ConfigError("the Spark link stage needs at least one partition")

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
        from pyspark import StorageLevel

        sc = self.spark.sparkContext
        parts = self.partitions or max(sc.defaultParallelism, -(-len(left) // chunk_pairs))
        broadcasts = _Broadcasts(sc)
        shared_arr = broadcasts.share(arr)
        chunks: RDD[ComparedChunk] = (
            _pairs_rdd(sc, left, right, parts, chunk_pairs)
            .mapPartitions(partial(_compare_chunks, shared_arr, comparisons))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        try:
            with _tasks_reported(sc, progress, len(left)):
                # the compare job runs here: the one whose tasks the progress bar follows
                patterns = chunks.map(_chunk_patterns).collect()
            yield _SparkCompared(
                broadcasts, shared_arr, comparisons, parts, chunk_pairs, chunks, patterns
            )
        finally:
            chunks.unpersist()
            broadcasts.destroy()


@dataclass
class _Broadcasts:
    """What one link stage broadcast, destroyed together when it is done."""

    sc: SparkContext
    shared: list[_Shared[Any]] = field(default_factory=list)

    def share(self, value: T) -> _Shared[T]:
        shared: _Shared[T] = _share(self.sc, value)
        self.shared.append(shared)
        return shared

    def destroy(self) -> None:
        for shared in self.shared:
            shared.broadcast.destroy()


@dataclass
class _SparkCompared:
    """The compared chunks, persisted on the executors, and their pattern counts."""

    broadcasts: _Broadcasts
    arr: _Shared[RecordArrays]
    comparisons: tuple[Comparison, ...]
    parts: int
    chunk_pairs: int
    chunks: RDD[ComparedChunk]
    pattern_counts: list[tuple[Levels, Counts]]
    # the model of the last scoring pass, broadcast once for both passes
    scoring: tuple[Model, TermFrequencies, _Shared[tuple[Model, TermFrequencies]]] | None = None

    def patterns(self) -> list[tuple[Levels, Counts]]:
        return self.pattern_counts

    def level_counts(self, left: Codes, right: Codes) -> list[LevelCounts]:
        counting = partial(_random_level_counts, self.arr, self.comparisons)
        pairs = _pairs_rdd(self.broadcasts.sc, left, right, self.parts, self.chunk_pairs)
        return list(pairs.mapPartitions(counting).collect())

    def kept(
        self, model: Model, tf: TermFrequencies, floor: float, labels: Labels | None
    ) -> list[Scored]:
        if self.scoring is None or self.scoring[0] is not model or self.scoring[1] is not tf:
            self.scoring = (model, tf, self.broadcasts.share((model, tf)))
        component = None if labels is None else self.broadcasts.share(labels)
        scoring = partial(_kept_chunks, self.arr, self.scoring[2], floor, component)
        return list(self.chunks.mapPartitions(scoring).collect())


def _pairs_rdd(
    sc: SparkContext, left: Codes, right: Codes, parts: int, chunk_pairs: int
) -> RDD[Chunk]:
    """Contiguous chunks of pair positions, at most ``chunk_pairs`` each, over ``parts``
    partitions: neighbouring pairs share values, so each chunk's distinct-value
    similarity work stays small."""
    size = max(1, min(chunk_pairs, -(-len(left) // parts)))
    chunks = [(left[a:b], right[a:b]) for a, b in chunk_bounds(len(left), size)]
    with _unclosed_sockets_ignored():
        return sc.parallelize(chunks, parts)


@contextmanager
def _tasks_reported(
    sc: SparkContext, progress: PairProgress | None, total: int, interval: float = 0.5
) -> Iterator[None]:
    """Advance ``progress`` as the tasks of the jobs started inside finish.

    The executors compare out of the driver's sight, so a thread polls Spark's
    status tracker for the finished share of those jobs' tasks (one task per
    partition of pairs) and reports that share of ``total`` pairs.
    """
    if progress is None:
        yield
        return
    group = f"benelink-compare-{uuid.uuid4().hex}"
    sc.setJobGroup(group, "benelink: compare candidate pairs")
    stop = threading.Event()
    reported = 0

    def poll() -> None:
        nonlocal reported
        while not stop.wait(interval):
            finished, tasks = _task_counts(sc, group)
            now = total * finished // tasks if tasks else 0
            if now > reported:
                progress.advance(now - reported)
                reported = now

    thread = threading.Thread(target=poll, name="benelink-spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        cast(Any, sc).setLocalProperty("spark.jobGroup.id", None)  # None clears the group
        if reported < total:
            progress.advance(total - reported)


def _task_counts(sc: SparkContext, group: str) -> tuple[int, int]:
    """Finished and total tasks over the stages of a job group's jobs."""
    tracker = sc.statusTracker()
    finished = tasks = 0
    for job_id in tracker.getJobIdsForGroup(group):
        job = tracker.getJobInfo(job_id)
        for stage_id in job.stageIds if job is not None else ():
            stage = tracker.getStageInfo(stage_id)
            if stage is not None:
                finished += stage.numCompletedTasks
                tasks += stage.numTasks
    return finished, tasks


@dataclass(frozen=True)
class _Shared(Generic[T]):
    """A broadcast value shipped as one pickled ``bytes``.

    PySpark's encrypted broadcast cannot write pickle's out-of-band buffers
    (numpy arrays over a few kB), so the value is pickled here first; each
    task unpickles it once per partition.
    """

    broadcast: Broadcast[bytes]

    def value(self) -> T:
        return cast(T, pickle.loads(self.broadcast.value))


def _share(sc: SparkContext, value: T) -> _Shared[T]:
    with _unclosed_sockets_ignored():
        return _Shared(sc.broadcast(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))


@contextmanager
def _unclosed_sockets_ignored() -> Iterator[None]:
    """PySpark's encrypted hand-over (broadcast, parallelize) leaves its socket to the
    garbage collector, which warns; the data has been sent and the socket is done."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        yield


def _compare_chunks(
    shared: _Shared[RecordArrays], comparisons: tuple[Comparison, ...], chunks: Iterable[Chunk]
) -> Iterator[ComparedChunk]:
    arr = shared.value()
    for left, right in chunks:
        yield compare_chunk(arr, comparisons, left, right)


def _chunk_patterns(chunk: ComparedChunk) -> tuple[Levels, Counts]:
    return chunk.patterns, chunk.counts


def _kept_chunks(
    shared: _Shared[RecordArrays],
    scoring: _Shared[tuple[Model, TermFrequencies]],
    floor: float,
    component: _Shared[Labels] | None,
    chunks: Iterable[ComparedChunk],
) -> Iterator[Scored]:
    arr = shared.value()
    model, tf = scoring.value()
    labels = None if component is None else component.value()
    for chunk in chunks:
        yield kept_pairs(arr, model, tf, floor, labels, chunk)


def _random_level_counts(
    shared: _Shared[RecordArrays], comparisons: tuple[Comparison, ...], chunks: Iterable[Chunk]
) -> Iterator[LevelCounts]:
    arr = shared.value()
    for left, right in chunks:
        yield level_counts(comparisons, compare_pairs(arr, left, right, comparisons))
