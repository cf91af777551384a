"""A month of the sample already run: every hostile case starts from a copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.harness import october_out


@pytest.fixture(scope="session")
def october(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding October's snapshot and registry (copied, never changed)."""
    return october_out(tmp_path_factory.mktemp("hostile-october"))
