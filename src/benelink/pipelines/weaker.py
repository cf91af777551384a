"""Weaker records: how many of each source's records are linked without a field.

Validation keeps a record that lacks a national number, a UNHCR id, a birth date
or a phone, or whose value for one of them was invalid and dropped
(``pipelines.validate``): it is linked on what it has. These counts say how
many such records each source holds, so an officer sees "linked without a
national number: 52" where a stricter tool would have rejected 52 people, and a
partner whose export lost a column (Excel's 9.87E+09, national numbers without
their leading zero) shows up as a source whose every record lacks it.

A field is counted for a source when the source maps a column that feeds it, or
when any of its records holds a value for it (standardisation may move a value
found in another column to where it belongs): a UNHCR extract is not said to be
"without a national number" for every record because it never sends one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypedDict

import numpy as np
import pandas as pd

from benelink.config.model import SourceSettings
from benelink.schemas.columns import NAME_COLUMNS, NAME_PARTS, SOURCE
from benelink.schemas.documents import SourceRecords


class WeakerRecords(TypedDict):
    """One source's records, and how many of them lack each field it sends."""

    records: int
    without: dict[str, int]  # field (``FIELDS``) -> records without it


# field -> (canonical columns that feed it, standardised columns that hold it: missing
# when all of them are)
FIELDS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "name": (NAME_COLUMNS, tuple(f"name_{p}" for p in NAME_PARTS)),
    "national_number": (("national_number",), ("national_number",)),
    "unhcr_individual_id": (("unhcr_individual_id",), ("unhcr_individual_id",)),
    "unhcr_case_id": (("unhcr_case_id",), ("unhcr_case_id",)),
    "date_of_birth": (("date_of_birth",), ("birth_year",)),
    "sex": (("sex",), ("sex",)),
    "phone": (("phone",), ("phone",)),
}
LABELS: Final[dict[str, str]] = {
    "name": "without a name",
    "national_number": "without a national number",
    "unhcr_individual_id": "without a UNHCR id",
    "unhcr_case_id": "without a UNHCR case number",
    "date_of_birth": "without a birth date",
    "sex": "without a sex",
    "phone": "without a phone",
}


def weaker_records(
    records: pd.DataFrame, sources: Mapping[str, SourceSettings]
) -> dict[str, WeakerRecords]:
    """Per clear source of ``sources``: its records in ``records`` and how many lack each
    field it sends.

    ``records`` are the standardised records of the clear sources (``STANDARD_COLUMNS``;
    the frame after pseudonymisation holds them too). Encoded sources are left out:
    their partner validated them, and their fields are tokens. Sources come out in the
    configuration's order, fields in ``FIELDS``' order.
    """
    out: dict[str, WeakerRecords] = {}
    names = records[SOURCE] if SOURCE in records.columns else pd.Series(dtype=str)
    # each column's missing cells once, over all records: a source's rows are then a mask
    # on a few boolean arrays, not a copy of the whole record frame per source
    held = {c for _, holds in FIELDS.values() for c in holds if c in records.columns}
    missing_in = {c: records[c].isna().to_numpy(dtype=bool) for c in held}
    for name, settings in sources.items():
        if settings.file_format == "encoded":
            continue
        # compared as it is (Arrow-backed): as Python strings, a million names took 0.5 s
        mine = names.eq(name).fillna(False).to_numpy(dtype=bool)
        count = int(mine.sum())
        without: dict[str, int] = {}
        for field, (feeds, holds) in FIELDS.items():
            present = [missing_in[c][mine] for c in holds if c in missing_in]
            missing = _all_missing(present, count)
            sent = any(c in settings.columns for c in feeds) or not bool(missing.all())
            if sent:
                without[field] = int(missing.sum())
        out[name] = {"records": count, "without": without}
    return out


def _all_missing(missing: list[np.ndarray], rows: int) -> np.ndarray:
    """True for each of ``rows`` rows where every column's ``missing`` holds (or none is
    present)."""
    if not missing:
        return np.ones(rows, dtype=bool)
    return np.asarray(np.logical_and.reduce(missing), dtype=bool)


def weaker_lines(counts: Mapping[str, WeakerRecords]) -> list[str]:
    """One line per source for a summary or a report: "naf: 1,116 records linked, 52
    without a national number, 3 without a birth date" (fields with none left out)."""
    lines = []
    for name, c in counts.items():
        lacking = [f"{n:,} {LABELS.get(f, f'without {f}')}" for f, n in c["without"].items() if n]
        tail = ", ".join(lacking) if lacking else "none lacking a field"
        lines.append(f"{name}: {c['records']:,} records linked, {tail}")
    return lines


def source_records(
    records: pd.DataFrame,
    sources: Mapping[str, SourceSettings],
    rerouted: Mapping[str, Mapping[str, int]],
) -> dict[str, SourceRecords]:
    """The report's ``records`` section: per clear source, its records, how many lack each
    field it sends (:func:`weaker_records`), and what standardisation re-routed."""
    return {
        name: {
            "records": c["records"],
            "without": dict(c["without"]),
            "rerouted": dict(rerouted.get(name, {})),
        }
        for name, c in weaker_records(records, sources).items()
    }
