"""No input value of a personal field may appear in any output outside restricted/.

The needles are read straight from the partner files with openpyxl and the
csv module (not through benelink's own readers), so a bug in ingest cannot
hide a leak from this test.
"""

from __future__ import annotations

import csv
import re
import tempfile
import tomllib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from benelink.cli import app
from benelink.sample import generate_sample
from tests.helpers import REPO, SAMPLE, TEST_KEY, config_for

pytestmark = pytest.mark.cli  # runs benelink through its command line

PERSONAL = {
    "full_name",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "date_of_birth",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
}
NAMES = {"full_name", "first_name", "father_name", "grandfather_name", "family_name"}
TOKEN = re.compile(r"\b[0-9a-f]{16,64}\b|B-[A-Z2-7]{16}")
LETTERS = re.compile(r"[^\W\d_]+")
DIGITS = re.compile(r"\+?\d+")
DATES = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        header_at = next(i for i, r in enumerate(rows) if sum(c is not None for c in r) > 3)
        header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
        return [
            {h: _cell(v) for h, v in zip(header, r, strict=False)} for r in rows[header_at + 1 :]
        ]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def personal_values(sample: Path = SAMPLE) -> tuple[set[str], set[str], set[str]]:
    """(name words, digit strings, date strings) of every personal input value."""
    config = tomllib.loads((REPO / "config" / "benelink.toml").read_text(encoding="utf-8"))
    words: set[str] = set()
    digits: set[str] = set()
    dates: set[str] = set()
    officers: set[str] = set()
    for month in ("2026-10", "2026-11"):
        for source in config["sources"].values():
            columns = source["columns"]
            for row in _rows(sample / month / source["file"]):
                for canonical, native in columns.items():
                    value = (row.get(native) or "").strip()
                    if not value:
                        continue
                    if canonical == "officer":
                        officers.update(LETTERS.findall(value))
                    if canonical not in PERSONAL:
                        continue
                    if canonical in NAMES:
                        words.update(w for w in LETTERS.findall(value) if len(w) >= 3)
                    elif canonical == "date_of_birth":
                        dates.update(DATES.findall(value))
                    else:
                        raw = re.sub(r"\D", "", value)
                        if len(raw) >= 6:
                            digits.add(raw)
                            if canonical == "phone":
                                local = raw.removeprefix("00").removeprefix("962").lstrip("0")
                                digits.update({local, "0" + local, "962" + local, "+962" + local})
    return words - officers, digits, dates


def output_text(path: Path) -> str:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        parts = [str(table.schema)]
        for column in table.columns:
            parts.extend(str(v) for v in column.to_pylist())
        return "\n".join(parts)
    return path.read_text(encoding="utf-8", errors="replace")


def leaks_in(text: str, needles: tuple[set[str], set[str], set[str]]) -> set[str]:
    """The personal values found in ``text`` (tokens and beneficiary ids set aside)."""
    words, digits, dates = needles
    text = TOKEN.sub(" ", text)
    found = (set(LETTERS.findall(text)) & words) | (set(DIGITS.findall(text)) & digits)
    return found | (set(DATES.findall(text)) & dates)


def scan_outputs(out: Path, needles: tuple[set[str], set[str], set[str]]) -> list[str]:
    """Every file under ``out`` except restricted/ that holds a personal value."""
    files = [
        p for p in out.rglob("*") if p.is_file() and "restricted" not in p.relative_to(out).parts
    ]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".jsonl" for p in files)
    return [
        f"{path.relative_to(out)}: {len(found)} value(s)"
        for path in files
        if (found := leaks_in(output_text(path), needles))
    ]


def test_no_personal_value_in_any_output(two_months: tuple[Path, Path]) -> None:
    _, out = two_months
    needles = personal_values()
    assert all(len(n) > 100 for n in needles)
    leaks = scan_outputs(out, needles)
    assert not leaks, leaks


def test_restricted_review_queue_does_hold_names(two_months: tuple[Path, Path]) -> None:
    """The scan can fail: the one folder allowed to hold names is found to hold them."""
    _, out = two_months
    queue = out / "restricted" / "review" / "month=2026-11" / "review.csv"
    assert leaks_in(queue.read_text(encoding="utf-8-sig"), personal_values())


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_no_personal_value_leaks_on_generated_extracts(seed: int) -> None:
    """Property: for any generated population, no output, log or message holds a personal value."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate_sample(root / "in", people=80, seed=seed, months=["2026-10", "2026-11"])
        config = config_for(root / "in", root / "out", root / "b.toml")
        # a tiny population makes the sample's few invalid rows a large share
        config.write_text(
            config.read_text().replace("max_reject_rate = 0.05", "max_reject_rate = 0.5")
        )
        needles = personal_values(root / "in")
        messages = []
        for command, month in (("validate", "2026-10"), ("run", "2026-10"), ("run", "2026-11")):
            result = CliRunner().invoke(
                app,
                [command, "--config", str(config), "--month", month],
                env={"BENELINK_KEY": TEST_KEY},
            )
            assert result.exit_code == 0, result.output
            messages.append(result.output)
        broken = CliRunner().invoke(
            app,
            ["run", "--config", str(config), "--month", "2026-12"],
            env={"BENELINK_KEY": TEST_KEY},
        )
        assert broken.exit_code == 3
        messages.append(broken.output)
        assert not leaks_in("\n".join(messages), needles)
        assert not scan_outputs(root / "out", needles)


def test_state_holds_keyed_tokens_and_model_parameters_only(two_months: tuple[Path, Path]) -> None:
    """The state (registry with identifier tokens, kept model) holds no clear value: every
    token column is 32 hex digits (a keyed HMAC token), and no personal value appears."""
    _, out = two_months
    state = out / "state"
    registries = sorted(state.glob("identities-*.parquet"))
    models = sorted(state.glob("model-*.json"))
    assert registries and models
    for path in registries:
        table = pq.read_table(path)
        for column in ("record_token", "national_number_token", "unhcr_individual_token"):
            values = [v for v in table.column(column).to_pylist() if v is not None]
            assert values and all(re.fullmatch(r"[0-9a-f]{32}", v) for v in values), column
    leaks = [
        f"{p.name}: {len(found)} value(s)"
        for p in state.rglob("*")
        if p.is_file() and (found := leaks_in(output_text(p), personal_values()))
    ]
    assert not leaks, leaks
