"""Worker processes: the same results as in the run's own process, in item order."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink import processes
from benelink.processes import MIN_ROWS_FOR_WORKERS, row_slices, worker_processes
from tests.helpers import SAMPLE, TEST_KEY, config_for, table_file


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


@pytest.mark.slow
def test_workers_run_elsewhere_and_keep_the_order() -> None:
    with worker_processes(2, MIN_ROWS_FOR_WORKERS) as in_workers:
        results = list(in_workers(_pid_and_square, list(range(20))))
    assert [square for _, square in results] == [x * x for x in range(20)]
    assert os.getpid() not in {pid for pid, _ in results}


@pytest.mark.parametrize(("workers", "rows"), [(1, 10**7), (2, MIN_ROWS_FOR_WORKERS - 1)])
def test_small_months_and_one_worker_stay_in_this_process(workers: int, rows: int) -> None:
    with worker_processes(workers, rows) as in_workers:
        results = list(in_workers(_pid_and_square, [3, 4]))
    assert results == [(os.getpid(), 9), (os.getpid(), 16)]


@given(st.integers(0, 5000), st.integers(0, 8))
def test_row_slices_cover_every_row_once_in_order(n_rows: int, workers: int) -> None:
    covered = [i for part in row_slices(n_rows, workers) for i in range(n_rows)[part]]
    assert covered == list(range(n_rows))


@pytest.mark.cli
@pytest.mark.slow
def test_a_month_standardised_and_tokenised_in_workers_is_the_same_month(
    two_months: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """October of the sample with worker processes forced on: the same snapshot tables."""
    from benelink.config.load import load_config
    from benelink.pipelines.monthly import run_month

    _, expected_out = two_months
    monkeypatch.setattr(processes, "MIN_ROWS_FOR_WORKERS", 0)
    cfg = load_config(config_for(SAMPLE, tmp_path / "out", tmp_path / "benelink.toml"))
    result = run_month(cfg, "2026-10", bytes.fromhex(TEST_KEY))
    for table in ("beneficiaries", "records", "links"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(table_file(cfg.out_dir, result.month, table)),
            pd.read_parquet(table_file(expected_out, "2026-10", table)),
        )
