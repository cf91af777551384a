"""Who the people are: counts by sex, age band, governorate and nationality.

Each breakdown is a small table (category x measure) whose cells pass the
small-cell rule of the release (``anonymize.small_cells``): the monthly
report and the period reports publish them as they are built here.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from benelink.anonymize.small_cells import suppress_cells
from benelink.pipelines.flows import WORK
from benelink.schemas.documents import Breakdown

NOT_KNOWN: Final = "not known"
AGE_BANDS: Final = ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
SEX_NAMES: Final = {"F": "women", "M": "men"}
DIMENSIONS: Final = ("sex", "age_band", "governorate", "nationality")
MEASURES: Final = ("beneficiaries", "naf", "unhcr", "job_seekers", "in_work")


def age_band(ages: pd.Series) -> pd.Series:
    """Ages as the bands donors report on ("18-24", ..., "65+"; "not known")."""
    labels = [f"{low}-{high}" for low, high in AGE_BANDS] + ["65+"]
    edges = [AGE_BANDS[0][0] - 0.5, *(high + 0.5 for _, high in AGE_BANDS), float("inf")]
    years = pd.to_numeric(ages, errors="coerce").astype("float64")
    bands = pd.cut(years, bins=edges, labels=labels)  # a negative age or a gap: no band
    return bands.astype(object).where(bands.notna(), NOT_KNOWN).astype(str)


def categories(people: pd.DataFrame, dimension: str) -> pd.Series:
    """Each person's category for ``dimension``; a missing or withheld value is "not known"."""
    if dimension == "age_band":
        return age_band(people["age"])
    values = people[dimension].astype(object)
    if dimension == "sex":
        values = values.map(lambda v: SEX_NAMES.get(str(v), v), na_action="ignore")
    return values.where(values.notna(), NOT_KNOWN).astype(str)


def _order(names: list[str], dimension: str) -> list[str]:
    if dimension == "age_band":
        bands = [f"{lo}-{hi}" for lo, hi in AGE_BANDS] + ["65+", NOT_KNOWN]
        return [b for b in bands if b in names]
    return sorted((n for n in names if n != NOT_KNOWN), key=str) + (
        [NOT_KNOWN] if NOT_KNOWN in names else []
    )


def breakdown(people: pd.DataFrame, dimension: str, k: int) -> Breakdown:
    """Counts per category of ``dimension`` for each measure, small cells withheld."""
    category = categories(people, dimension)
    seekers = people["in_jobseekers"].astype(bool)
    flags = {
        "beneficiaries": pd.Series(True, index=people.index),
        "naf": people["in_naf"].astype(bool),
        "unhcr": people["in_unhcr"].astype(bool),
        "job_seekers": seekers,
        "in_work": seekers & people["employment_status"].isin(WORK),
    }
    names = _order(sorted(set(category)), dimension)
    # one group-by over the people, then the small cells withheld per measure
    sums = pd.DataFrame(flags).astype("int64").groupby(category.to_numpy()).sum()
    columns = {}
    for measure in flags:
        found = {str(name): int(n) for name, n in sums[measure].items()}
        columns[measure] = suppress_cells({name: found.get(name, 0) for name in names}, k)
    return {
        "categories": names,
        "counts": {measure: [columns[measure][n] for n in names] for measure in MEASURES},
    }


def breakdowns(people: pd.DataFrame, k: int) -> dict[str, Breakdown]:
    """Every breakdown of ``people`` (sex, age band, governorate, nationality)."""
    return {dimension: breakdown(people, dimension, k) for dimension in DIMENSIONS}
