"""The public API: what ``benelink`` exports, lazily, and that it is enough for a script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import benelink
from tests.helpers import SAMPLE, TEST_KEY, config_for


def test_every_exported_name_resolves_and_all_lists_them() -> None:
    assert sorted(benelink.__all__) == sorted(["__version__", *benelink._EXPORTS])
    for name in benelink.__all__:
        assert getattr(benelink, name) is not None


def test_importing_benelink_loads_no_data_library() -> None:
    """Worker processes import the package: it must stay light until a name is used."""
    code = "import sys, benelink; print(sorted({'pandas', 'pyarrow', 'numpy'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_a_month_prepared_and_linked_through_the_public_api(tmp_path: Path) -> None:
    cfg = benelink.load_config(config_for(SAMPLE, tmp_path / "out", tmp_path / "b.toml"))
    key = bytes.fromhex(TEST_KEY)
    month = benelink.prepare_month(cfg, "2026-11", key)
    assert {i.source for i in month.inputs} == set(cfg.sources)
    assert month.records["record_token"].notna().all()
    linked = benelink.link_records(month.records, cfg.linkage)
    assert len(linked.cluster) == len(month.records)
    assert not (tmp_path / "out").exists()  # preparing and linking write nothing
