from __future__ import annotations

from pathlib import Path

import pytest

from benelink.config.load import load_config
from benelink.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]

MINIMAL = """
[run]
incoming = "in/{month}"
out = "out"

[sources.naf]
file = "naf.xlsx"
kind = "naf"
[sources.naf.columns]
source_record_id = "id"
"""


def test_example_config_loads() -> None:
    cfg = load_config(REPO / "config" / "benelink.toml")
    assert set(cfg.sources) == {"naf", "unhcr", "jobseekers"}
    assert cfg.sources["naf"].file_format == "xlsx"
    assert cfg.incoming_dir("2026-11").resolve() == (REPO / "data" / "sample" / "2026-11").resolve()
    assert len(cfg.sha256) == 64


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "benelink.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, MINIMAL))
    assert cfg.out_dir == tmp_path / "out"
    assert cfg.incoming_dir("2026-11") == tmp_path / "in" / "2026-11"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('kind = "naf"', 'kind = "naff"'), "sources.naf.kind"),
        (('file = "naf.xlsx"', 'fiel = "naf.xlsx"'), "sources.naf.fiel: unknown key"),
        (('source_record_id = "id"', 'record_id = "id"'), "unknown canonical column"),
        (('incoming = "in/{month}"', ""), "run.incoming: required key is missing"),
        (("[run]", "[run"), "not valid TOML"),
    ],
)
def test_errors_name_the_key_and_the_file(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = _write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and expected in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("file", "why"),
    [
        ("../../x.csv", "'..' part"),
        ("sub/../../x.csv", "'..' part"),
        ("..\\\\x.csv", "'..' part"),
        ("/etc/passwd", "absolute path"),
        ("C:\\\\data\\\\naf.xlsx", "absolute path"),
        ("\\\\\\\\server\\\\share\\\\naf.xlsx", "absolute path"),
        (" ", "empty"),
    ],
)
def test_a_file_outside_the_month_folder_is_refused(tmp_path: Path, file: str, why: str) -> None:
    path = _write(tmp_path, MINIMAL.replace('file = "naf.xlsx"', f'file = "{file}"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: [sources.naf] file: ")
    assert why in message and "\n" not in message


def test_a_file_in_a_subfolder_of_the_month_is_fine(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace('file = "naf.xlsx"', 'file = "naf/extract.xlsx"'))
    assert load_config(path).sources["naf"].file == "naf/extract.xlsx"
