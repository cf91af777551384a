"""Work spread over worker processes, for the per-value Python that threads cannot share.

Standardising and tokenising run a Python function per distinct name, date,
phone and id — millions of calls at national volume — and hold the GIL while
doing it, so threads (``benelink.threads``) would take turns. Worker processes
run them side by side. A worker costs about a second to start (a fresh
interpreter importing pandas and pyarrow: "spawn", never "fork", which would
copy the run's threads and locks), so small months stay in the run's own
process. Work goes out and comes back pickled; frames should be Arrow-backed
(``benelink.arrow_text``), whose pickles are plain buffer copies.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Protocol, TypeVar

from benelink.threads import worker_count

T = TypeVar("T")
R = TypeVar("R")

# below this many rows a month is done in the run's process: starting workers costs more
MIN_ROWS_FOR_WORKERS = 200_000


class Mapper(Protocol):
    """``map`` over some workers: ``func`` of each item, results in item order."""

    def __call__(self, func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...


def in_process(func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    return map(func, items)


@contextmanager
def worker_processes(workers: int, rows: int) -> Iterator[Mapper]:
    """A :class:`Mapper` over ``workers`` processes (0: one per CPU) while the block runs.

    With one worker, or fewer than ``MIN_ROWS_FOR_WORKERS`` rows to do, the
    mapper runs in this process. ``func`` must be a module-level function and
    items and results picklable.
    """
    count = worker_count(workers)
    if count <= 1 or rows < MIN_ROWS_FOR_WORKERS:
        yield in_process
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:

        def mapped(func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
            return pool.map(func, items)

        yield mapped


def row_slices(n_rows: int, workers: int, per_worker: int = 2) -> list[slice]:
    """Contiguous slices of ``n_rows`` rows, ``per_worker`` for each worker, so that a
    large source does not leave the other workers idle at the end."""
    count = max(1, worker_count(workers) * per_worker)
    size = max(1, -(-n_rows // count))
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]
