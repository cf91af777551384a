"""Giving freed memory back to the system between the stages of a run.

A monthly run at national scale builds and frees gigabytes of NumPy arrays,
Arrow buffers and Python strings, and three things keep what a stage let go:

* pandera's accessor: every frame validation saw refers to itself (``frame.pandera``
  holds the frame), so the partners' cells — names, id numbers, phones — are freed
  only by Python's cycle collector, which a run of few, large objects seldom
  wakes (at 1.3 M records some 290 MB of Arrow buffers were still held at the
  start of the link stage);
* Arrow's allocator keeps freed buffers for reuse;
* glibc's allocator keeps freed heap blocks for reuse.

``release_freed_memory`` hands both allocators' free pages back (glibc's only where
the C library is glibc) and, asked to, collects the cycles first: a full collection
walks every object of the process, so a run asks for it once, where the partners'
frames have just been let go.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

import pyarrow as pa


@functools.cache
def _malloc_trim() -> ctypes._NamedFuncPointer | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory(*, collect_cycles: bool = False) -> None:
    """Return the free pages to the system, after freeing what a stage let go in
    reference cycles when ``collect_cycles``."""
    if collect_cycles:
        gc.collect()
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
