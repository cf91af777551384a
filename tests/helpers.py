"""Building blocks shared by the end-to-end tests: a config pointing at a sample."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
# a fixed key drawn at random (numpy's default_rng(14).bytes(32).hex()): a patterned
# key such as "3f3f..." is refused as a key that was not drawn at random
TEST_KEY = "3d4e7826a252bbd4414941a73100675ce879b3161fb9e6b3fdbb1c59abbe30dc"


def config_for(sample_dir: Path, out_dir: Path, target: Path) -> Path:
    """Copy the example configuration, pointed at ``sample_dir`` and ``out_dir``."""
    text = (REPO / "config" / "benelink.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^incoming = .*$", f'incoming = "{sample_dir.as_posix()}/{{month}}"', text)
    text = re.sub(r"(?m)^out = .*$", f'out = "{out_dir.as_posix()}"', text)
    tomllib.loads(text)
    target.write_text(text, encoding="utf-8")
    return target


def evaluate_through_cli(config: Path, month: str, target: Path) -> dict[str, Any]:
    """`benelink evaluate --json` against the sample's truth file; the figures written."""
    from typer.testing import CliRunner

    from benelink.cli import app

    args = ["evaluate", "--config", str(config), "--month", month]
    args += ["--truth", str(SAMPLE / "truth.csv"), "--json", str(target)]
    result = CliRunner().invoke(app, args, env={"BENELINK_KEY": TEST_KEY})
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(target.read_text())
    return figures


def table_file(out: Path, month: str, name: str) -> Path:
    """``name``'s Parquet file of ``month`` under the output folder ``out``."""
    from benelink.io.layout import OutputLayout

    return OutputLayout(out).table(name, month)


def document(out: Path, month: str, name: str) -> Path:
    """``month``'s manifest.json, report.json or report.html under ``out``."""
    from benelink.io.layout import OutputLayout

    return OutputLayout(out).documents(month) / name


def month_files(out: Path, month: str) -> list[Path]:
    """Every file a run writes for analysts for ``month``: its tables and documents."""
    from benelink.io.layout import OutputLayout
    from benelink.io.snapshot import TABLES

    layout = OutputLayout(out)
    folders = [layout.table_month(t, month) for t in TABLES] + [layout.documents(month)]
    return sorted(f for folder in folders if folder.is_dir() for f in folder.iterdir())


def snapshot_frames(out: Path, month: str) -> dict[str, Any]:
    """A snapshot's three tables read back in the types the output models declare.

    Parquet does not say whether an integer column is pandas' ``Int64`` (with
    gaps) or ``int64``: every int64 column is read as ``Int64`` and made
    ``int64`` where the model says so, which fails if it holds a gap.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from benelink.schemas.outputs import Beneficiaries, Links, Records

    types = {pa.string(): pd.StringDtype("pyarrow"), pa.int64(): pd.Int64Dtype()}
    frames = {}
    for name, model in (("beneficiaries", Beneficiaries), ("records", Records), ("links", Links)):
        table = pq.read_table(table_file(out, month, name), partitioning=None)
        frame = table.replace_schema_metadata(None).to_pandas(types_mapper=types.get)
        wanted = {str(c): str(col.dtype) for c, col in model.to_schema().columns.items()}
        whole = [c for c in frame.columns if wanted.get(c) == "int64"]
        frames[name] = frame.astype(dict.fromkeys(whole, "int64"))
    return frames


def check_snapshot(out: Path, month: str) -> None:
    """Every table of a written snapshot keeps its output model."""
    from benelink.schemas.handoff import check_beneficiaries, check_links, check_records

    frames = snapshot_frames(out, month)
    check_beneficiaries(frames["beneficiaries"])
    check_records(frames["records"])
    check_links(frames["links"])


def november_records() -> Any:
    """November of the committed sample, through the stages in run_month's order."""
    import benelink
    from benelink.anonymize.keys import parse_key

    cfg = benelink.load_config(REPO / "config" / "benelink.toml")
    return benelink.prepare_month(cfg, "2026-11", parse_key(TEST_KEY, "the tests")).records


class ProgressRecorder:
    """Records what the link stage tells its progress bar."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, str]] = []
        self.advanced: list[int] = []

    def size(self, total: int, unit: str) -> None:
        self.sizes.append((total, unit))

    def advance(self, amount: int = 1) -> None:
        self.advanced.append(amount)
