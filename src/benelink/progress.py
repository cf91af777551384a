"""Telling the outside world how a run is going, without the run knowing who listens.

The orchestration reports stage starts, progress (in files, rows or pairs) and
stage ends with their timings and counts; the CLI turns that into rich progress
bars, the run log into JSON lines, and a cron job with ``--quiet`` into nothing.
Counts only — never a value from a record.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from benelink.memory import release_freed_memory


@dataclass(frozen=True)
class StageEvent:
    """A finished stage: its name, how long it took, and what it counted."""

    stage: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


class RunObserver(Protocol):
    """Anything that wants to follow a run."""

    def stage_started(self, stage: str, total: int | None, unit: str) -> None: ...

    def stage_sized(self, stage: str, total: int, unit: str) -> None: ...

    def stage_advanced(self, stage: str, amount: int) -> None: ...

    def stage_finished(self, event: StageEvent) -> None: ...


class Observers:
    """Several observers as one."""

    def __init__(self, observers: Sequence[RunObserver]) -> None:
        self.observers = list(observers)

    def stage_started(self, stage: str, total: int | None, unit: str) -> None:
        for o in self.observers:
            o.stage_started(stage, total, unit)

    def stage_sized(self, stage: str, total: int, unit: str) -> None:
        for o in self.observers:
            o.stage_sized(stage, total, unit)

    def stage_advanced(self, stage: str, amount: int) -> None:
        for o in self.observers:
            o.stage_advanced(stage, amount)

    def stage_finished(self, event: StageEvent) -> None:
        for o in self.observers:
            o.stage_finished(event)


class StageHandle:
    """What a running stage can do: count things and advance its progress."""

    def __init__(self, name: str, observer: RunObserver | None) -> None:
        self.name = name
        self.counts: dict[str, int] = {}
        self._observer = observer

    def size(self, total: int, unit: str) -> None:
        """The stage's total, once it is known (the link stage learns its pairs by blocking)."""
        if self._observer is not None:
            self._observer.stage_sized(self.name, total, unit)

    def advance(self, amount: int = 1) -> None:
        if self._observer is not None:
            self._observer.stage_advanced(self.name, amount)


class Stages:
    """Times each stage and keeps the observer informed.

    A stage's end is also where its working data has just been let go, so the
    freed heap is handed back to the system there (``benelink.memory``), inside
    the stage's time.
    """

    def __init__(self, observer: RunObserver | None) -> None:
        self.observer = observer
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(
        self,
        name: str,
        total: int | None = None,
        unit: str = "steps",
        *,
        collect_cycles: bool = False,
    ) -> Iterator[StageHandle]:
        if self.observer is not None:
            self.observer.stage_started(name, total, unit)
        handle = StageHandle(name, self.observer)
        started = time.perf_counter()
        yield handle
        release_freed_memory(collect_cycles=collect_cycles)
        seconds = time.perf_counter() - started
        self.timings[name] = round(seconds, 3)
        if self.observer is not None:
            self.observer.stage_finished(StageEvent(name, seconds, dict(handle.counts)))
