"""Writing a sample to disk, byte for byte the same for the same seed.

Excel files are zip archives stamped with the time they were saved, twice
(zip entry times and the document's created/modified properties); both are
pinned to the month so a regenerated sample shows no spurious diff.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from rich.table import Table
from rich.text import Text

from benelink.sample.build import Sample, build_sample
from benelink.sample.churn import Churn
from benelink.sample.mess import Mess

_SHEET = "المستفيدون"
_STAMP = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


@dataclass(frozen=True)
class SampleSummary:
    """What was written: rows per month and source, truth rows, and where."""

    out_dir: Path
    people: int
    rows: dict[str, dict[str, int]]
    truth_rows: int
    mess: str = "none"
    churn: str = "none"

    def __rich__(self) -> Table:
        sources = sorted({s for per in self.rows.values() for s in per})
        # Text, not markup: the folder is the user's and may hold brackets
        table = Table(title=Text(f"Synthetic sample of {self.people:,} people in {self.out_dir}"))
        table.add_column("month")
        for source in sources:
            table.add_column(source, justify="right")
        for month, per in self.rows.items():
            table.add_row(month, *(f"{per.get(s, 0):,}" for s in sources))
        caption = f"truth.csv: {self.truth_rows:,} records; mess: {self.mess}"
        if self.churn != "none":
            caption += f"; churn: {self.churn} (truth/<month>.csv per month)"
        table.caption = Text(caption)
        return table


def _cell(value: object) -> object:
    return None if value is None or (isinstance(value, float) and value != value) else value


def _pinned_zip(data: bytes, month: str) -> bytes:
    """Re-pack an xlsx with fixed entry times and document timestamps."""
    stamp = f"{month}-01T00:00:00Z"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rf"\g<1>{stamp}\g<3>", content.decode("utf-8")).encode("utf-8")
            year, mon = int(month[:4]), int(month[5:7])
            entry = zipfile.ZipInfo(info.filename, date_time=(year, mon, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()


def write_xlsx(frame: pd.DataFrame, path: Path, month: str) -> None:
    """One sheet, header row then values; dates stay Excel dates, numbers stay numbers."""
    book = Workbook(write_only=True)
    book.properties.creator = "benelink sample"
    book.properties.created = datetime(int(month[:4]), int(month[5:7]), 1)
    sheet = book.create_sheet(_SHEET)
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_pinned_zip(buffer.getvalue(), month))


def write_sample(sample: Sample, out_dir: Path) -> SampleSummary:
    """``<month>/naf.xlsx``, ``<month>/unhcr.csv``, ``<month>/jobseekers.csv`` and ``truth.csv``;
    and ``mess.toml`` (the rates, which ``--mess`` reads back) unless the sample is tidy;
    and ``truth/<month>.csv`` (each month's records, re-registrations named) when it churns."""
    rows: dict[str, dict[str, int]] = {}
    for month in sample.months:
        folder = out_dir / month
        folder.mkdir(parents=True, exist_ok=True)
        frames = sample.extracts[month]
        write_xlsx(frames["naf"], folder / "naf.xlsx", month)
        for source in ("unhcr", "jobseekers"):
            frames[source].to_csv(
                folder / f"{source}.csv", index=False, lineterminator="\n", encoding="utf-8"
            )
        rows[month] = {source: len(frame) for source, frame in frames.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    sample.truth.to_csv(out_dir / "truth.csv", index=False, lineterminator="\n", encoding="utf-8")
    if not sample.mess.tidy:
        (out_dir / "mess.toml").write_text(sample.mess.to_toml(), encoding="utf-8")
    if not sample.churn.none:
        (out_dir / "truth").mkdir(exist_ok=True)
        for month, truth in sample.month_truth.items():
            truth.to_csv(
                out_dir / "truth" / f"{month}.csv",
                index=False,
                lineterminator="\n",
                encoding="utf-8",
            )
    described = sample.mess.describe()
    return SampleSummary(
        out_dir, sample.people, rows, len(sample.truth), described, sample.churn.describe()
    )


def generate_sample(
    out_dir: Path,
    people: int,
    seed: int,
    months: Sequence[str],
    mess: Mess | None = None,
    churn: Churn | None = None,
) -> SampleSummary:
    """Build the sample for ``seed`` (with ``mess``, default tidy, and ``churn``, default
    none) and write it under ``out_dir``."""
    return write_sample(build_sample(people, seed, months, mess, churn), out_dir)
