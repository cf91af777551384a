"""Disclosure check on the analyst release: k-anonymity over quasi-identifiers.

beneficiaries.parquet holds no names or ids, but a rare combination of sex,
birth year, governorate and nationality can still single a person out (the
only Yemeni woman born in 1931 in Tafilah). The check counts, for every
combination of the configured quasi-identifiers, how many beneficiaries share
it; groups smaller than k are a re-identification risk.

Depending on configuration the release is then left as it is (``report``),
generalised — rows in small groups lose their exact birth year and age (their
five-year band stays), then their governorate (their region stays), and any
group still smaller than k has its quasi-identifiers suppressed (set to
null) — or suppressed straight away (``suppress``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from benelink.config.model import DisclosureSettings
from benelink.io.text import ARROW_TEXT

REGIONS: Final[dict[str, str]] = {
    "Irbid": "North",
    "Mafraq": "North",
    "Jerash": "North",
    "Ajloun": "North",
    "Amman": "Centre",
    "Zarqa": "Centre",
    "Balqa": "Centre",
    "Madaba": "Centre",
    "Karak": "South",
    "Tafilah": "South",
    "Maan": "South",
    "Aqaba": "South",
}


@dataclass(frozen=True)
class DisclosureReport:
    """The release's risk before and after treatment, for the merge report."""

    k: int
    quasi_identifiers: list[str]
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    steps: list[str] = field(default_factory=list)
    suppressed_records: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "quasi_identifiers": self.quasi_identifiers,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "generalisation_steps": self.steps,
            "suppressed_records": self.suppressed_records,
        }


def group_sizes(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """For each row, how many rows share its combination of ``columns`` (missing counts as a value)."""
    if not columns or frame.empty:
        return pd.Series(len(frame), index=frame.index, dtype="int64")
    # integer codes per column (missing is a code of its own): grouping a million rows on
    # codes takes a fraction of grouping on their text
    keys = pd.DataFrame(
        {i: pd.factorize(frame[c], use_na_sentinel=False)[0] for i, c in enumerate(columns)},
        index=frame.index,
    )
    return keys.groupby(list(keys.columns), sort=False)[0].transform("size").astype("int64")


def risk(frame: pd.DataFrame, columns: Sequence[str], k: int) -> dict[str, Any]:
    """Smallest group sizes and the share of rows in groups below k.

    A row whose quasi-identifiers are all missing reveals nothing and is not at risk.
    """
    sizes = group_sizes(frame, columns)
    revealing = frame[list(columns)].notna().any(axis=1) if columns else sizes.astype(bool)
    below = (sizes < k) & revealing
    smallest = sorted(set(sizes[revealing].tolist()))[:5]
    return {
        "rows": len(frame),
        "smallest_group_sizes": [int(s) for s in smallest],
        "rows_below_k": int(below.sum()),
        "share_below_k": round(float(below.mean()) if len(frame) else 0.0, 6),
    }


def birth_year_band(years: pd.Series) -> pd.Series:
    """Five-year bands of birth years ("1980-1984"), the coarse companion of birth_year."""

    def band(year: float) -> str:
        start = int(year) // 5 * 5
        return f"{start}-{start + 4}"

    return _per_distinct(pd.to_numeric(years, errors="coerce"), band)


def region(governorates: pd.Series) -> pd.Series:
    """North / Centre / South, the coarse companion of governorate."""
    return _per_distinct(governorates, REGIONS.get)


def _per_distinct(values: pd.Series, label: Callable[[Any], str | None]) -> pd.Series:
    """``label`` of each value, computed once per distinct value (a million people hold a
    few dozen); missing values stay missing."""
    codes, distinct = pd.factorize(values)
    labels = pd.array([label(v) for v in distinct] + [None], dtype=ARROW_TEXT)
    return pd.Series(labels.take(codes), index=values.index)  # code -1 takes the last: <NA>


# fine column -> its coarse companion, kept when the fine value is withheld
COMPANIONS: Final[dict[str, str]] = {
    "birth_year": "birth_year_band",
    "age": "birth_year_band",
    "governorate": "region",
}
# the order in which fine values are withheld from rows in small groups
STEPS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("birth year and age withheld, five-year band kept", ("birth_year", "age")),
    ("governorate withheld, region kept", ("governorate",)),
)


def protect(
    frame: pd.DataFrame, settings: DisclosureSettings
) -> tuple[pd.DataFrame, DisclosureReport]:
    """The release after the configured treatment, and what the treatment did.

    Treatment is local: only rows in groups smaller than k lose detail, and
    the column types never change, so the release's schema is the same every
    month. The risk is measured over every released quasi-identifying column,
    fine and coarse, with a withheld value counting as a value of its own.
    """
    chosen = [c for c in settings.quasi_identifiers if c in frame.columns]
    companions = [
        COMPANIONS[c] for c in chosen if c in COMPANIONS and COMPANIONS[c] in frame.columns
    ]
    columns = list(dict.fromkeys(chosen + companions))
    before = risk(frame, columns, settings.k)
    released = frame.copy()
    steps: list[str] = []
    if settings.action == "generalise":
        for label, withheld in STEPS:
            small = group_sizes(released, columns) < settings.k
            targets = [c for c in withheld if c in chosen]
            if not small.any() or not targets:
                continue
            for column in targets:
                released[column] = released[column].mask(small)
            steps.append(f"{label}: {int(small.sum())} rows")
    suppressed = 0
    if settings.action in ("generalise", "suppress"):
        small = group_sizes(released, columns) < settings.k
        suppressed = int(small.sum())
        for column in columns:
            released[column] = released[column].mask(small)
    after = risk(released, columns, settings.k)
    report = DisclosureReport(
        k=settings.k,
        quasi_identifiers=columns,
        action=settings.action,
        before=before,
        after=after,
        steps=steps,
        suppressed_records=suppressed,
    )
    return released, report
