"""Work spread over threads, for the stages whose work releases the GIL.

Threads, not processes: reading a workbook (calamine), Arrow's string kernels,
numpy, pandas' hashing and rapidfuzz all release the GIL, so two threads do
nearly twice the work on two cores while sharing the data instead of copying
it into each worker. The per-value Python of standardisation and tokens does
not release it and goes to worker processes instead (``benelink.processes``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def worker_count(setting: int) -> int:
    """The number of threads or processes a ``[run] threads`` setting asks for (0: one per
    CPU)."""
    return setting or os.cpu_count() or 1


def threaded(func: Callable[[T], R], items: Sequence[T], threads: int = 0) -> Iterator[R]:
    """``func`` over ``items`` on up to ``threads`` threads (0: one per CPU), in order."""
    workers = min(worker_count(threads), len(items))
    if workers <= 1:
        yield from map(func, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(func, items)


@contextmanager
def alongside(func: Callable[[], R]) -> Iterator[Future[R]]:
    """``func`` on a thread of its own while the block runs; the block ends when it has.

    For work nobody needs until later, run while the main thread waits on worker
    processes or runs numpy: a second core idle otherwise takes it.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(func)
