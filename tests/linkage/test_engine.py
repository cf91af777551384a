"""The engine seam: the link stage only asks an engine to run chunk functions, and
merges what comes back the same way whatever order it comes back in."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from benelink.config.model import LinkageSettings
from benelink.errors import ConfigError
from benelink.linkage.chunks import Counts, Labels, Scored
from benelink.linkage.compare import Codes, Comparison, Levels, RecordArrays
from benelink.linkage.engine import ComparedPairs, LevelCounts, LocalEngine, PairProgress
from benelink.linkage.link import link_records
from benelink.linkage.score import Model, TermFrequencies
from benelink.linkage.spark import spark_engine
from tests.helpers import november_records

U_PAIRS = 50_000


@dataclass
class Reversed:
    """The local engine's results, every list given back last chunk first, as a
    distributed engine may; and which steps were asked for."""

    inner: ComparedPairs
    asked: list[str] = field(default_factory=list)

    def patterns(self) -> Sequence[tuple[Levels, Counts]]:
        self.asked.append("patterns")
        return list(reversed(self.inner.patterns()))

    def level_counts(self, left: Codes, right: Codes) -> Sequence[LevelCounts]:
        self.asked.append("level_counts")
        return list(reversed(self.inner.level_counts(left, right)))

    def kept(
        self, model: Model, tf: TermFrequencies, floor: float, labels: Labels | None
    ) -> Sequence[Scored]:
        self.asked.append("kept" if labels is None else "kept_in_components")
        return list(reversed(self.inner.kept(model, tf, floor, labels)))


@dataclass
class ReversingEngine:
    chunk_pairs: int
    sessions: list[Reversed] = field(default_factory=list)

    @contextmanager
    def compare(
        self,
        arr: RecordArrays,
        comparisons: tuple[Comparison, ...],
        left: Codes,
        right: Codes,
        *,
        chunk_pairs: int = 0,
        progress: PairProgress | None = None,
    ) -> Iterator[ComparedPairs]:
        local = LocalEngine(threads=2)
        with local.compare(
            arr, comparisons, left, right, chunk_pairs=self.chunk_pairs, progress=progress
        ) as pairs:
            session = Reversed(pairs)
            self.sessions.append(session)
            yield session


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return november_records()


def test_any_engine_gives_the_local_links(records: pd.DataFrame) -> None:
    """Chunks of 2,000 pairs whose results come back in reverse order: the links of
    one chunk on one thread, and the orchestration asked for each step once."""
    settings = LinkageSettings()
    expected = link_records(records, settings, u_pairs=U_PAIRS, chunk_pairs=10**9, threads=1)
    engine = ReversingEngine(chunk_pairs=2_000)
    actual = link_records(records, settings, u_pairs=U_PAIRS, engine=engine)
    assert [s.asked for s in engine.sessions] == [
        ["patterns", "level_counts", "kept", "kept_in_components"]
    ]
    assert len(engine.sessions[0].inner.patterns()) == 0  # released when the stage is done
    pd.testing.assert_frame_equal(actual.pairs, expected.pairs)
    assert np.array_equal(actual.cluster, expected.cluster)
    assert actual.lambda_ == expected.lambda_
    pd.testing.assert_frame_equal(actual.parameters, expected.parameters)


def test_the_spark_engine_without_pyspark_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"benelink\[spark\]"), spark_engine("local[1]"):
        pass
