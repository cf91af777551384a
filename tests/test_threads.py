"""Work on threads: results in the order of the items, errors raised where they belong."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.threads import alongside, threaded


@given(st.lists(st.integers()), st.integers(0, 4))
def test_results_come_in_item_order(items: list[int], threads: int) -> None:
    assert list(threaded(lambda x: x * 2, items, threads)) == [x * 2 for x in items]


def test_items_run_on_several_threads_at_once() -> None:
    seen: set[int] = set()
    barrier = threading.Barrier(2, timeout=10)

    def work(_: int) -> None:
        seen.add(threading.get_ident())
        barrier.wait()  # only returns once two items run at the same time

    list(threaded(work, [1, 2], threads=2))
    assert len(seen) == 2


def test_an_error_surfaces_at_its_item() -> None:
    def work(x: int) -> int:
        if x == 2:
            raise ValueError("item 2")
        time.sleep(0.01)
        return x

    results = threaded(work, [1, 2, 3], threads=2)
    assert next(results) == 1
    with pytest.raises(ValueError, match="item 2"):
        next(results)


def test_work_alongside_runs_while_the_block_does() -> None:
    """The block and the work overlap (the work waits for the block to start), and the
    block ends only when the work has."""
    started = threading.Event()
    with alongside(lambda: started.wait(timeout=5) and threading.get_ident()) as result:
        started.set()
        main = threading.get_ident()
    assert result.done()
    assert result.result() not in (main, False)


def test_an_error_alongside_surfaces_at_its_result() -> None:
    def broken() -> int:
        raise ValueError("broken")

    with alongside(broken) as result:
        pass
    with pytest.raises(ValueError, match="broken"):
        result.result()
