"""Partner files beside a benchmark dataset, and the truth over every record in them.

A tool that starts from the partner files themselves (``bench/tools/
splink_tuned_tool.py``) needs the month's folder as the partners send it and
the configuration's column map, not the standardised records the other tools
share. Every Jordan dataset of ``bench.run`` therefore also gets

* ``partner.json``: where its month folder and configuration are (the bench's
  generated files are written under ``partner/`` in the dataset's folder; the
  committed sample is read where it lies, ``data/sample/<month>``);
* ``truth_all.parquet``: the truth over *every* record of that month's files
  that has a record id (as typed in the file, outer spaces removed), whether or
  not benelink's validation keeps it. Scored against it, a record a tool drops
  or never sees is a missed one.

``committed_sample`` makes the ``sample`` dataset: the committed month
through benelink's own preparation (``benelink.prepare_month``), like the
Jordan datasets of ``bench.datasets``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.datasets import Dataset, _finish
from benelink.sample import build_sample
from benelink.sample.writer import write_sample
from benelink.standardize.identifiers import record_id_column

PARTNER_FILE = "partner.json"
TRUTH_ALL_FILE = "truth_all.parquet"


@dataclass(frozen=True)
class PartnerFiles:
    """A month's partner files and the configuration that maps their columns."""

    month_dir: Path
    config: Path

    def save(self, folder: Path) -> None:
        text = json.dumps({"month_dir": str(self.month_dir), "config": str(self.config)})
        (folder / PARTNER_FILE).write_text(text, encoding="utf-8")


def load_partner_files(folder: Path) -> PartnerFiles | None:
    """The partner files of a dataset folder, or ``None`` (FEBRL has none)."""
    path = folder / PARTNER_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return PartnerFiles(Path(data["month_dir"]), Path(data["config"]))


def load_truth_all(folder: Path) -> pd.DataFrame | None:
    path = folder / TRUTH_ALL_FILE
    return pd.read_parquet(path) if path.is_file() else None


def _file_ids(month_dir: Path, config: Path) -> pd.DataFrame:
    """(source, record_key) of every row of the month's files that has a record id."""
    with config.open("rb") as f:
        sources = tomllib.load(f)["sources"]
    frames = []
    for name, table in sources.items():
        path = month_dir / str(table["file"])
        header = str(table["columns"]["source_record_id"])
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, dtype=str, engine="calamine", usecols=[header])
        else:
            frame = pd.read_csv(path, dtype=str, usecols=[header], encoding="utf-8-sig")
        ids = frame[header].dropna().astype(str).str.strip()
        frames.append(pd.DataFrame({"source": name, "record_key": ids[ids != ""]}))
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def truth_over_files(truth_csv: Path, month_dir: Path, config: Path) -> pd.DataFrame:
    """The truth file's rows for every record (with an id) in the month's files."""
    truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False)
    truth = truth.rename(columns={"source_record_id": "record_key"})
    truth["record_key"] = truth["record_key"].str.strip()
    keys = _file_ids(month_dir, config)
    out = truth.merge(keys, on=["source", "record_key"], how="inner")
    return out[["source", "record_key", "person_id"]].drop_duplicates(["source", "record_key"])


def write_jordan_partner_files(
    folder: Path, people: int, seed: int, month: str, config: Path
) -> None:
    """The generated month of ``bench.datasets.jordan`` (same seed) as files, plus its truth."""
    partner = folder / "partner"
    write_sample(build_sample(people, seed, [month]), partner)
    files = PartnerFiles(partner / month, config)
    files.save(folder)
    save_truth_all(folder, truth_over_files(partner / "truth.csv", files.month_dir, config))


def partner_like(
    label: str, people: int, seed: int, month: str, template: Path, folder: Path
) -> tuple[Dataset, PartnerFiles, pd.DataFrame]:
    """A month of ``benelink sample --mess partner-like`` (NAF refugees without national
    numbers, ids in the wrong column, dates with month names, odd phones, compound names)
    written as partners send it, with a configuration a data officer would write for it
    (the job seekers' "UNHCR No" column mapped), then prepared as :func:`committed_sample`
    prepares the committed sample: every tool starts from the same files."""
    from bench.scale import write_config
    from benelink.sample import PRESETS, build_sample

    folder.mkdir(parents=True, exist_ok=True)
    sample = build_sample(people, seed, [month], PRESETS["partner-like"])
    write_sample(sample, folder / "incoming")
    config = write_config(template, folder, sample=sample)
    description = (
        f"partner-like files (`benelink sample --people {people} --seed {seed} --months "
        f"{month} --mess partner-like`)"
    )
    return committed_sample(month, config, folder / "incoming", label, description)


def committed_sample(
    month: str,
    config: Path,
    sample_dir: Path,
    label: str = "sample",
    about: str = "committed sample data/sample/{month} (3,000 people, seed 7)",
) -> tuple[Dataset, PartnerFiles, pd.DataFrame]:
    """The committed sample's month: standardised records (rows benelink's validation
    rejects are dropped, as in a run), the files for the tool that reads them, and the
    truth over every record of the files."""
    import benelink

    cfg = benelink.load_config(config)
    standard = benelink.prepare_month(cfg, month, None).records
    records = _finish(standard, standard["source_record_id"])
    files = PartnerFiles(sample_dir / month, config)
    truth = truth_over_files(sample_dir / "truth.csv", files.month_dir, config)
    kept = truth.assign(record_key=record_id_column(truth["record_key"]).astype(str))
    keys = records[["source", "record_key"]].astype(str)
    kept = kept.merge(keys, on=["source", "record_key"], how="inner")
    description = (
        about.format(month=month)
        + ": "
        + ", ".join(f"{s} {n:,}" for s, n in records["source"].value_counts(sort=False).items())
    )
    return Dataset(label, "dedupe", records, kept, None, description), files, truth


def save_truth_all(folder: Path, truth: pd.DataFrame) -> None:
    truth.to_parquet(folder / TRUTH_ALL_FILE, index=False)
