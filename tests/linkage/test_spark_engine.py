"""The Spark engine gives the local engine's links, on the committed sample.

They run in ``make test``, which installs the spark extra and, where it can, a
JDK. Without PySpark or Java they are skipped (a failure under CI, where the
Makefile must have installed both); ``pytest -m spark`` selects them alone.
One Spark session serves the whole module and is stopped at its end: the
module's fixture owns it, and nothing else may stop it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
    WHY = "the Spark tests need the spark extra and Java 17+ (make test installs both)"
    if os.environ.get("CI"):
        pytest.fail(WHY, pytrace=False)
    pytest.skip(WHY, allow_module_level=True)

from pyspark.sql import SparkSession

from benelink.config.model import LinkageSettings
from benelink.errors import ConfigError
from benelink.linkage.block import candidate_pairs
from benelink.linkage.link import LinkResult, link_records
from benelink.linkage.spark import SparkEngine, spark_engine, spark_session
from tests.helpers import ProgressRecorder, november_records, table_file

pytestmark = pytest.mark.spark

U_PAIRS = 200_000  # fewer random pairs than the default keeps both engines quick


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """The module's one session; every test runs on it, none stops it."""
    session = spark_session("local[2]", "benelink-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def on_spark(spark: SparkSession) -> SparkEngine:
    return SparkEngine(spark)


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return november_records()


@pytest.fixture(scope="module")
def local(records: pd.DataFrame) -> LinkResult:
    return link_records(records, LinkageSettings(), u_pairs=U_PAIRS)


def assert_same(expected: LinkResult, actual: LinkResult) -> None:
    a, b = expected.pairs, actual.pairs
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for column in ("left", "right", "decision", "decided_by"):
        assert a[column].tolist() == b[column].tolist(), column
    levels = [c for c in a.columns if c.startswith("level_")]
    assert np.array_equal(a[levels].to_numpy(), b[levels].to_numpy())
    np.testing.assert_allclose(b["probability"], a["probability"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(b["match_weight"], a["match_weight"], rtol=0, atol=1e-9)
    assert np.array_equal(expected.cluster, actual.cluster)
    np.testing.assert_allclose(actual.record_probability, expected.record_probability, atol=1e-9)
    assert np.array_equal(expected.conflict, actual.conflict)
    assert actual.n_candidate_pairs == expected.n_candidate_pairs
    assert actual.skipped_records == expected.skipped_records
    assert actual.identical_records == expected.identical_records
    assert actual.lambda_ == pytest.approx(expected.lambda_, rel=1e-12)
    pd.testing.assert_frame_equal(actual.parameters, expected.parameters)


def test_same_links_as_local_engine_on_the_sample(
    on_spark: SparkEngine, records: pd.DataFrame, local: LinkResult
) -> None:
    result = link_records(records, LinkageSettings(), u_pairs=U_PAIRS, engine=on_spark)
    assert (local.pairs["decision"] == "match").sum() > 300  # the sample really links
    assert (local.pairs["decision"] == "review").sum() > 0
    assert_same(local, result)


def test_partitioning_and_reviewer_decisions_change_nothing(
    spark: SparkSession, records: pd.DataFrame, local: LinkResult
) -> None:
    """Decisions on a match, a review pair, a candidate below the floor and a pair
    blocking never proposed; 5 partitions of uneven chunks."""
    settings = LinkageSettings()
    pairs = local.pairs
    match = pairs[pairs["decision"] == "match"].iloc[0]
    review = pairs[pairs["decision"] == "review"].iloc[0]
    candidates = candidate_pairs(records, settings.max_candidate_pairs)
    scored = set(zip(pairs["left"], pairs["right"], strict=True))
    below = next(
        (int(a), int(b))
        for a, b in zip(candidates.left, candidates.right, strict=True)
        if (a, b) not in scored
    )
    proposed = set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    unproposed = next((0, b) for b in range(1, len(records)) if (0, b) not in proposed)
    decisions = pd.DataFrame(
        {
            "left": [match["left"], review["right"], below[0], unproposed[0]],
            "right": [match["right"], review["left"], below[1], unproposed[1]],
            "decision": ["reject", "accept", "accept", "reject"],
        }
    )
    expected = link_records(records, settings, decisions=decisions, u_pairs=U_PAIRS)
    actual = link_records(
        records,
        settings,
        decisions=decisions,
        u_pairs=U_PAIRS,
        engine=SparkEngine(spark, partitions=5),
    )
    assert (expected.pairs["decided_by"] == "reviewed").sum() == 4
    assert_same(expected, actual)


def test_identical_copies_and_a_reject_between_two_link_alike(
    on_spark: SparkEngine, records: pd.DataFrame
) -> None:
    """450 copies of one record (more than a block holds), a reviewer's reject on two."""
    copies = pd.concat([records.iloc[[3]]] * 450, ignore_index=True)
    many = pd.concat([records, copies], ignore_index=True)
    a, b = len(records) + 7, len(records) + 70
    decisions = pd.DataFrame({"left": [a], "right": [b], "decision": ["reject"]})
    local = link_records(many, LinkageSettings(), u_pairs=U_PAIRS, decisions=decisions)
    result = link_records(
        many, LinkageSettings(), u_pairs=U_PAIRS, decisions=decisions, engine=on_spark
    )
    assert local.identical_records >= 448 and local.cluster[a] != local.cluster[b]
    assert_same(local, result)


def test_link_only_with_blocking_threads_and_small_chunks(
    on_spark: SparkEngine, records: pd.DataFrame
) -> None:
    """A link-only task (pairs across sources only), blocked on two threads on the
    driver and compared in chunks of 3,333 pairs: the local engine's links."""
    settings = LinkageSettings()
    expected = link_records(records, settings, u_pairs=U_PAIRS, link_only=True, threads=1)
    actual = link_records(
        records,
        settings,
        u_pairs=U_PAIRS,
        link_only=True,
        threads=2,
        chunk_pairs=3_333,
        engine=on_spark,
    )
    source = records["source"].to_numpy()
    pairs = expected.pairs
    assert (source[pairs["left"]] != source[pairs["right"]]).all()
    assert (pairs["decision"] == "match").sum() > 100
    assert_same(expected, actual)


def test_records_without_candidate_pairs(spark: SparkSession, records: pd.DataFrame) -> None:
    few = records.iloc[[0, 1500, 3000]].reset_index(drop=True)
    expected = link_records(few, LinkageSettings())
    actual = link_records(few, LinkageSettings(), engine=SparkEngine(spark, partitions=2))
    assert_same(expected, actual)
    assert actual.cluster.tolist() == [0, 1, 2]


def test_partitions_must_be_positive(spark: SparkSession) -> None:
    with pytest.raises(ConfigError, match="partition"):
        SparkEngine(spark, partitions=0)


def test_session_keeps_personal_data_off_the_disk_in_clear(spark: SparkSession) -> None:
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.io.encryption.enabled") == "true"
    assert conf.get("spark.ui.enabled") == "false"


def test_progress_counts_every_candidate_pair_once(
    spark: SparkSession, records: pd.DataFrame, local: LinkResult
) -> None:
    progress = ProgressRecorder()
    engine = SparkEngine(spark, partitions=5)
    link_records(records, LinkageSettings(), u_pairs=U_PAIRS, progress=progress, engine=engine)
    assert progress.sizes == [(local.n_candidate_pairs, "pairs")]
    assert sum(progress.advanced) == local.n_candidate_pairs
    assert all(a > 0 for a in progress.advanced)


@pytest.mark.slow
def test_cli_run_with_spark_engine_writes_the_same_snapshot(
    spark: SparkSession, tmp_path: Path
) -> None:
    """`benelink run --engine spark` and the local engine give identical tables; the run
    links on the session already running (the module's) and leaves it running."""
    from typer.testing import CliRunner

    from benelink.cli import app
    from tests.helpers import SAMPLE, TEST_KEY, config_for

    tables = {}
    for engine in ("local", "spark"):
        config = config_for(SAMPLE, tmp_path / engine, tmp_path / f"{engine}.toml")
        result = CliRunner().invoke(
            app,
            ["run", "--config", str(config), "--month", "2026-11", "--quiet", "--engine", engine],
            env={"BENELINK_KEY": TEST_KEY},
        )
        assert result.exit_code == 0, result.output
        tables[engine] = {
            n: pd.read_parquet(table_file(tmp_path / engine, "2026-11", n))
            for n in ("records", "links", "beneficiaries")
        }
    for name, frame in tables["local"].items():
        pd.testing.assert_frame_equal(tables["spark"][name], frame)
    assert SparkSession.getActiveSession() is spark
    assert spark.range(10).count() == 10  # still running


def test_an_engine_on_an_active_session_leaves_it_running(spark: SparkSession) -> None:
    with spark_engine("local[1]", partitions=3) as engine:
        assert engine.spark is spark and engine.partitions == 3
    assert spark.range(10).count() == 10  # still running
