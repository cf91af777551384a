"""Shared test settings: hypothesis profiles (dev is quick, ci is thorough) and the
session-wide end-to-end run of the committed sample, and the `cli` mark for whoever uses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# pytest-xdist hands its workers the controller's terminal size as COLUMNS and LINES; the
# command line's consoles, made once when benelink.cli is imported, would then keep that
# width for good and ignore the COLUMNS a test's run is given
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """October then November of the committed sample, run through the CLI once per session."""
    from typer.testing import CliRunner

    from benelink.cli import app
    from tests.helpers import SAMPLE, TEST_KEY, config_for

    root = tmp_path_factory.mktemp("e2e")
    config = config_for(SAMPLE, root / "out", root / "benelink.toml")
    runner = CliRunner()
    for month in ("2026-10", "2026-11"):
        result = runner.invoke(
            app, ["run", "--config", str(config), "--month", month], env={"BENELINK_KEY": TEST_KEY}
        )
        assert result.exit_code == 0, result.output
    return config, root / "out"


# fixtures that run benelink through its command line: a test using one is a `cli` test
# (left out of `make test-fast`) even where its module forgot to say so
CLI_FIXTURES = frozenset({"two_months", "october"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if CLI_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.cli)
