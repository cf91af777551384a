"""Disclosure check on the analyst release: k-anonymity over quasi-identifiers.

beneficiaries.parquet holds no names or ids, but a rare combination of sex,
birth year, governorate and nationality can still single a person out (the
only Yemeni woman born in 1931 in Tafilah). The check counts, for every
combination of the released quasi-identifying columns, how many beneficiaries
share it; groups smaller than k are a re-identification risk.

A quasi-identifier is released in several forms: the birth year as
``birth_year``, ``age`` and ``birth_year_band``, the place as ``governorate``
and ``region``. The check always covers every form of the built-in ones
(``QUASI_IDENTIFIERS``: sex, birth year, governorate, nationality); the
configuration may add columns (employment status, officer), never remove one.
Fine forms are withheld together: withholding the birth year withholds the
age, which is computed from it.

Depending on configuration the release is then left as it is (``report``),
generalised — rows in small groups lose their exact birth year and age (their
five-year band stays), then their governorate (their region stays), and any
group still smaller than k has its quasi-identifiers suppressed (set to
null) — or suppressed straight away (``suppress``). ``check_release``
measures the table as it is written and refuses a release the report would
call protected while it is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from benelink import row_keys
from benelink.arrow_text import ARROW_TEXT
from benelink.config.model import DisclosureSettings

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


class ReleaseCheckError(RuntimeError):
    """The release as written is not what the report says of it: a bug, never the officer's
    to fix, so it is not a ``BenelinkError`` and the run stops as an internal error."""


@dataclass(frozen=True)
class QuasiIdentifier:
    """One quasi-identifier in every form the release shows it.

    ``fine`` forms are withheld together (``age`` is computed from
    ``birth_year``: releasing one without the other would give it back);
    ``coarse`` forms stay when the fine ones are withheld. ``step`` names the
    generalisation step that withholds the fine forms, when there is one.
    """

    name: str
    fine: tuple[str, ...]
    coarse: tuple[str, ...] = ()
    step: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.fine, *self.coarse)


# always checked, whatever the configuration lists; generalised in this order
QUASI_IDENTIFIERS: Final[tuple[QuasiIdentifier, ...]] = (
    QuasiIdentifier("sex", ("sex",)),
    QuasiIdentifier(
        "birth year",
        ("birth_year", "age"),
        ("birth_year_band",),
        step="birth year and age withheld, five-year band kept",
    ),
    QuasiIdentifier(
        "governorate", ("governorate",), ("region",), step="governorate withheld, region kept"
    ),
    QuasiIdentifier("nationality", ("nationality",)),
)


def quasi_identifiers(configured: Sequence[str]) -> tuple[QuasiIdentifier, ...]:
    """The built-in quasi-identifiers, plus each configured column none of them covers."""
    covered = {c for q in QUASI_IDENTIFIERS for c in q.columns}
    extra = [QuasiIdentifier(c, (c,)) for c in dict.fromkeys(configured) if c not in covered]
    return (*QUASI_IDENTIFIERS, *extra)


def released_columns(frame_columns: Sequence[str], configured: Sequence[str]) -> list[str]:
    """Every quasi-identifying column of a release holding ``frame_columns``, in check order."""
    present = set(frame_columns)
    return [c for q in quasi_identifiers(configured) for c in q.columns if c in present]


@dataclass(frozen=True)
class DisclosureReport:
    """The release's risk before and after treatment, for the merge report.

    ``after`` is measured on the release as written (``check_release``), so
    the report's sentences are true of beneficiaries.parquet.
    """

    k: int
    quasi_identifiers: list[str]
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    steps: list[str] = field(default_factory=list)
    suppressed_records: int = 0

    @property
    def protected(self) -> bool:
        """No released row that shows a quasi-identifier sits in a group below k."""
        return int(self.after["rows_below_k"]) == 0

    def statement(self) -> str:
        """The report's one sentence on the release, true of the file as written."""
        columns = ", ".join(self.quasi_identifiers)
        if self.action == "report" and not self.protected:
            return (
                f'The release is NOT protected: with action = "report" the check only '
                f"measures, and {self.after['rows_below_k']:,} released beneficiaries sit in "
                f'groups smaller than k = {self.k} over {columns}. Set action = "generalise" '
                'or "suppress" in [disclosure] before sharing beneficiaries.parquet.'
            )
        treated = "" if self.action != "report" else 'not treated (action = "report"), but '
        return (
            f"The release was {treated}measured as written: every released beneficiary who "
            f"shows a quasi-identifier shares the combination of {columns} with at least "
            f"{self.k - 1} others (k = {self.k})."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "quasi_identifiers": self.quasi_identifiers,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "generalisation_steps": self.steps,
            "suppressed_records": self.suppressed_records,
            "release_protected": self.protected,
            "statement": self.statement(),
        }


def group_sizes(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """For each row, how many rows share its combination of ``columns`` (missing counts as a value)."""
    return pd.Series(_QuasiCodes(frame, columns).sizes(), index=frame.index, dtype="int64")


def risk(frame: pd.DataFrame, columns: Sequence[str], k: int) -> dict[str, Any]:
    """Smallest group sizes and the share of rows in groups below k.

    A row whose quasi-identifiers are all missing reveals nothing and is not at risk.
    """
    return _QuasiCodes(frame, columns).risk(k)


class _QuasiCodes:
    """The quasi-identifying columns of a frame as integer codes (missing: -1), each
    column factorised once; a value withheld is its code set to -1.

    ``protect`` measures the group sizes after every step of its treatment: on these
    codes each measure is a few numpy passes, not a factorisation of every column again.
    """

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.rows = len(frame)
        self.codes = {c: pd.factorize(frame[c])[0].astype(np.int64) for c in self.columns}

    def withhold(self, column: str, rows: npt.NDArray[np.bool_]) -> None:
        if column in self.codes:
            self.codes[column] = np.where(rows, -1, self.codes[column])

    def sizes(self) -> npt.NDArray[np.int64]:
        """For each row, how many rows share its combination (missing counts as a value)."""
        if not self.columns or not self.rows:
            return np.full(self.rows, self.rows, dtype=np.int64)
        codes = (self.codes[c] for c in self.columns)
        return row_keys.group_sizes(row_keys.combined_key(codes, self.rows))

    def revealing(self) -> npt.NDArray[np.bool_]:
        """Rows showing at least one of the columns (all rows when there are none)."""
        if not self.columns:
            return np.full(self.rows, True)
        return np.asarray(np.logical_or.reduce([self.codes[c] >= 0 for c in self.columns]), bool)

    def risk(self, k: int) -> dict[str, Any]:
        sizes, revealing = self.sizes(), self.revealing()
        below = (sizes < k) & revealing
        smallest = np.unique(sizes[revealing])[:5].tolist()
        return {
            "rows": self.rows,
            "smallest_group_sizes": [int(s) for s in smallest],
            "rows_below_k": int(below.sum()),
            "share_below_k": round(float(below.mean()) if self.rows else 0.0, 6),
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


def _fine_forms_together(
    frame: pd.DataFrame, families: Sequence[QuasiIdentifier], codes: _QuasiCodes
) -> None:
    """Withhold every fine form of a row's quasi-identifier where one of them is missing
    (an age without its birth year gives the year back); in place, on the caller's copy
    and its ``codes``."""
    for family in families:
        fine = [c for c in family.fine if c in frame.columns]
        if len(fine) > 1:
            missing = frame[fine].isna().any(axis=1).to_numpy(dtype=bool)
            for column in fine:
                frame[column] = frame[column].mask(missing)
                codes.withhold(column, missing)


def protect(
    frame: pd.DataFrame, settings: DisclosureSettings
) -> tuple[pd.DataFrame, DisclosureReport]:
    """The release after the configured treatment, and what the treatment did.

    Treatment is local: only rows in groups smaller than k lose detail, and
    the column types never change, so the release's schema is the same every
    month. The risk is measured over every released quasi-identifying column,
    fine and coarse (``released_columns``), with a withheld value counting as a
    value of its own.
    """
    families = quasi_identifiers(settings.quasi_identifiers)
    columns = released_columns(list(frame.columns), settings.quasi_identifiers)
    codes = _QuasiCodes(frame, columns)  # follows every value withheld from ``released``
    before = codes.risk(settings.k)
    released = frame.copy()
    _fine_forms_together(released, families, codes)
    steps: list[str] = []
    if settings.action == "generalise":
        for family in families:
            targets = [c for c in family.fine if c in released.columns]
            if family.step is None or not targets:
                continue
            small = codes.sizes() < settings.k
            if not small.any():
                break
            for column in targets:
                released[column] = released[column].mask(small)
                codes.withhold(column, small)
            steps.append(f"{family.step}: {int(small.sum())} rows")
    suppressed = 0
    if settings.action in ("generalise", "suppress"):
        small = codes.sizes() < settings.k
        suppressed = int((small & codes.revealing()).sum())
        for column in columns:
            released[column] = released[column].mask(small)
            codes.withhold(column, small)
    report = DisclosureReport(
        k=settings.k,
        quasi_identifiers=columns,
        action=settings.action,
        before=before,
        after=codes.risk(settings.k),
        steps=steps,
        suppressed_records=suppressed,
    )
    return released, report


def check_release(table: pa.Table, report: DisclosureReport) -> DisclosureReport:
    """``report`` with its ``after`` figures measured on ``table``, the release as written.

    Raises ``ReleaseCheckError`` when the table does not bear the report out:
    a treated release (generalise, suppress) with rows below k, figures that
    differ from what the treatment measured, a quasi-identifying column the
    check did not cover, or a fine form shown without the others (an age
    without its birth year).
    """
    covered = released_columns(table.column_names, report.quasi_identifiers)
    uncovered = sorted(set(covered) - set(report.quasi_identifiers))
    if uncovered:
        raise ReleaseCheckError(f"released column(s) {uncovered} escaped the disclosure check")
    frame = table.select(covered).to_pandas()
    measured = risk(frame, covered, report.k)
    for family in quasi_identifiers(report.quasi_identifiers):
        shown = frame[[c for c in family.fine if c in frame.columns]].notna()
        apart = int((shown.any(axis=1) & ~shown.all(axis=1)).sum())
        if apart:  # e.g. an age without its birth year
            raise ReleaseCheckError(
                f"{apart} released rows show part of the {family.name} ({', '.join(family.fine)})"
            )
    if report.action != "report" and measured["rows_below_k"]:
        raise ReleaseCheckError(
            f"{measured['rows_below_k']} released rows sit in groups below k = {report.k} "
            f"after {report.action}"
        )
    if measured != report.after:
        raise ReleaseCheckError(
            f"the release as written measures {measured}, the treatment reported {report.after}"
        )
    return replace(report, after=measured, quasi_identifiers=covered)
