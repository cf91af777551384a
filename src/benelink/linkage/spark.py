"""The link stage on PySpark (``--engine spark``): the same functions, distributed.

Nothing here compares or scores a pair itself. The driver encodes the
records and blocks them exactly as :func:`benelink.linkage.link.link_records`
does; the candidate pairs are cut into contiguous chunks of at most
``PARTITION_PAIRS`` and shipped as an RDD; the encoded record arrays
(:class:`RecordArrays`) are broadcast once. On the executors each chunk runs
the local engine's chunk functions (``benelink.linkage.chunks``):
:func:`compare_chunk` (kept, persisted, as distinct comparison vectors plus an
index per pair), then, with the model fitted on the driver from the summed
pattern counts, :func:`kept_pairs` — so the links are the local engine's, bit
for bit.

Only the pairs the driver needs come back: those at or above the review floor
(every match edge among them), then — once their match components are known
— the lower pairs inside those components. The other pairs never leave the
executors. While the pairs are compared, a thread reads Spark's status tracker
so the progress bar moves partition by partition.

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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.errors import ConfigError
from benelink.linkage.block import DEFAULT_MAX_BLOCK_SIZE, DEFAULT_RULES, BlockingRule
from benelink.linkage.block import candidate_pairs as block_candidates
from benelink.linkage.chunks import (
    PARTITION_PAIRS,
    ComparedChunk,
    Counts,
    Scored,
    chunk_bounds,
    collect_kept,
    compare_chunk,
    concat_scored,
    kept_pairs,
    merged_patterns,
)
from benelink.linkage.compare import (
    COMPARISONS,
    Codes,
    Comparison,
    Floats,
    Levels,
    RecordArrays,
    compare_pairs,
    encode_records,
)
from benelink.linkage.identical import distinct_positions, distinct_records, identical_copies
from benelink.linkage.link import (
    Blocking,
    LinkResult,
    PairProgress,
    decided_positions,
    finish_link,
)
from benelink.linkage.random_pairs import (
    DEFAULT_U_PAIRS,
    DEFAULT_U_SEED,
    all_pairs_count,
    random_pairs,
)
from benelink.linkage.score import (
    Model,
    TermFrequencies,
    estimate_model,
    level_counts,
    term_frequencies,
)
from benelink.linkage.similarity import RecordForm

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
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(f"--engine spark needs PySpark: {INSTALL_HINT}") from exc
    local = master.startswith("local")
    if local:
        # a bare "python3" on PATH would lack numpy and benelink; only this one has them
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
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


def link_records_spark(
    records: pd.DataFrame,
    settings: LinkageSettings,
    spark: SparkSession,
    *,
    partitions: int | None = None,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    comparisons: Sequence[Comparison] = COMPARISONS,
    form: RecordForm = "clear",
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    decisions: pd.DataFrame | None = None,
    u_pairs: int = DEFAULT_U_PAIRS,
    u_seed: int = DEFAULT_U_SEED,
    progress: PairProgress | None = None,
) -> LinkResult:
    """:func:`benelink.linkage.link.link_records`, with the pair work on ``spark``.

    ``partitions`` is the number of Spark partitions of the candidate pairs
    (default: the cluster's parallelism, or more so that none holds over
    ``PARTITION_PAIRS`` pairs). The other arguments and the result are those
    of ``link_records``, and so are the links and clusters.
    """
    from pyspark import StorageLevel

    if partitions is not None and partitions < 1:
        raise ConfigError("the Spark link stage needs at least one partition")
    n = len(records)
    comps = tuple(comparisons)
    arr = encode_records(records, form)
    copies = identical_copies(arr, records, rules, decided_positions(decisions))
    candidates = block_candidates(
        records, settings.max_candidate_pairs, rules, max_block_size, identical=copies
    )
    sc = spark.sparkContext
    parts = partitions or max(sc.defaultParallelism, -(-len(candidates) // PARTITION_PAIRS))

    shared = _share(sc, arr)
    compared: RDD[ComparedChunk] = (
        _pairs_rdd(spark, candidates.left, candidates.right, parts)
        .mapPartitions(partial(_compare_chunks, shared, comps))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    scoring: _Shared[tuple[Model, TermFrequencies]] | None = None
    component: _Shared[npt.NDArray[np.int64]] | None = None
    try:
        with _tasks_reported(sc, progress, len(candidates)):
            patterns, counts = merged_patterns(compared.map(_chunk_patterns).collect(), len(comps))
        distinct = distinct_positions(n, copies)  # identical copies count once, as locally
        u_left, u_right = (distinct[p] for p in random_pairs(len(distinct), u_pairs, u_seed))
        random_counts = _summed_level_counts(
            _pairs_rdd(spark, u_left, u_right, parts)
            .mapPartitions(partial(_random_level_counts, shared, comps))
            .collect(),
            comps,
        )
        model = estimate_model(
            comps,
            patterns,
            counts,
            settings.em_max_iterations,
            random_counts=random_counts,
            population_pairs=all_pairs_count(len(distinct)),
            form=arr.form,
        )
        tf = term_frequencies(distinct_records(arr, distinct), comps)
        scoring = _share(sc, (model, tf))

        def kept(labels: npt.NDArray[np.int64] | None) -> Scored:
            nonlocal component
            if labels is not None:
                component = _share(sc, labels)
            chunk_scoring = partial(
                _kept_chunks, shared, scoring, settings.review_threshold, component
            )
            return concat_scored(compared.mapPartitions(chunk_scoring).collect(), len(comps))

        scored = collect_kept(n, settings.match_threshold, decisions, kept)
    finally:
        compared.unpersist()
        for broadcast in (shared, scoring, component):
            if broadcast is not None:
                broadcast.broadcast.destroy()

    blocking = Blocking.of(candidates, len(candidates))
    return finish_link(arr, settings, comps, decisions, model, tf, blocking, scored)


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
    progress.size(total, "pairs")
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


def _pairs_rdd(spark: SparkSession, left: Codes, right: Codes, parts: int) -> RDD[Chunk]:
    """Contiguous chunks of pair positions: neighbouring pairs share values, so each
    chunk's distinct-value similarity work stays small."""
    size = max(1, min(PARTITION_PAIRS, -(-len(left) // parts)))
    chunks = [(left[a:b], right[a:b]) for a, b in chunk_bounds(len(left), size)]
    with _unclosed_sockets_ignored():
        return spark.sparkContext.parallelize(chunks, parts)


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
    component: _Shared[npt.NDArray[np.int64]] | None,
    chunks: Iterable[ComparedChunk],
) -> Iterator[Scored]:
    arr = shared.value()
    model, tf = scoring.value()
    labels = None if component is None else component.value()
    for chunk in chunks:
        yield kept_pairs(arr, model, tf, floor, labels, chunk)


def _random_level_counts(
    shared: _Shared[RecordArrays], comparisons: tuple[Comparison, ...], chunks: Iterable[Chunk]
) -> Iterator[tuple[Floats, ...]]:
    arr = shared.value()
    for left, right in chunks:
        yield level_counts(comparisons, compare_pairs(arr, left, right, comparisons))


def _summed_level_counts(
    parts: Sequence[tuple[Floats, ...]], comparisons: Sequence[Comparison]
) -> tuple[Floats, ...]:
    if not parts:
        return level_counts(comparisons, np.zeros((0, len(comparisons)), dtype=np.int8))
    return tuple(np.sum([p[i] for p in parts], axis=0) for i in range(len(comparisons)))
