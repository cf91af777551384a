"""Building blocks shared by the end-to-end tests: a config pointing at a sample."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
TEST_KEY = "3f" * 8 + "a1b2c3d4e5f60718293a4b5c6d7e8f90" + "0123456789abcdef"


def config_for(sample_dir: Path, out_dir: Path, target: Path) -> Path:
    """Copy the example configuration, pointed at ``sample_dir`` and ``out_dir``."""
    text = (REPO / "config" / "benelink.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^incoming = .*$", f'incoming = "{sample_dir.as_posix()}/{{month}}"', text)
    text = re.sub(r"(?m)^out = .*$", f'out = "{out_dir.as_posix()}"', text)
    tomllib.loads(text)
    target.write_text(text, encoding="utf-8")
    return target
