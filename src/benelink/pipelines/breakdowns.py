"""Who the people are: counts by sex, age band, governorate and nationality.

Each breakdown is a small table (category x measure) whose cells pass the
small-cell rule of the release (``anonymize.small_cells``): the monthly
report and the period reports publish them as they are built here.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.anonymize.small_cells import suppress_cells
from benelink.pipelines.flows import WORK
from benelink.schemas.documents import Breakdown

NOT_KNOWN: Final = "not known"
AGE_BANDS: Final = ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
SEX_NAMES: Final = {"F": "women", "M": "men"}
DIMENSIONS: Final = ("sex", "age_band", "governorate", "nationality")
MEASURES: Final = ("beneficiaries", "naf", "unhcr", "job_seekers", "in_work")


def category_codes(people: pd.DataFrame, dimension: str) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Each person's category for ``dimension`` as a position in the names returned
    (a missing or withheld value is "not known"; two positions may share a name).

    Codes, not a Python string per person: a million people's breakdowns are then a
    few ``bincount`` passes.
    """
    if dimension == "age_band":
        labels = [f"{low}-{high}" for low, high in AGE_BANDS] + ["65+"]
        edges = [AGE_BANDS[0][0] - 0.5, *(high + 0.5 for _, high in AGE_BANDS), float("inf")]
        years = pd.to_numeric(people["age"], errors="coerce").astype("float64")
        bands = pd.cut(years, bins=edges, labels=labels)  # a negative age or a gap: no band
        codes = np.asarray(bands.cat.codes, dtype=np.intp)
        names = [*labels, NOT_KNOWN]
    else:
        found, uniques = pd.factorize(people[dimension], use_na_sentinel=True)
        codes = np.asarray(found, dtype=np.intp)
        values = [str(SEX_NAMES.get(str(v), v)) if dimension == "sex" else str(v) for v in uniques]
        names = [*values, NOT_KNOWN]
    codes[codes < 0] = len(names) - 1
    return codes, names


def _order(names: list[str], dimension: str) -> list[str]:
    if dimension == "age_band":
        bands = [f"{lo}-{hi}" for lo, hi in AGE_BANDS] + ["65+", NOT_KNOWN]
        return [b for b in bands if b in names]
    return sorted((n for n in names if n != NOT_KNOWN), key=str) + (
        [NOT_KNOWN] if NOT_KNOWN in names else []
    )


def breakdown(people: pd.DataFrame, dimension: str, k: int) -> Breakdown:
    """Counts per category of ``dimension`` for each measure, small cells withheld."""
    codes, labels = category_codes(people, dimension)
    seekers = people["in_jobseekers"].astype(bool).to_numpy()
    flags = {
        "beneficiaries": np.ones(len(people), dtype=bool),
        "naf": people["in_naf"].astype(bool).to_numpy(),
        "unhcr": people["in_unhcr"].astype(bool).to_numpy(),
        "job_seekers": seekers,
        "in_work": seekers & people["employment_status"].isin(WORK).to_numpy(dtype=bool),
    }
    # one counting pass per measure over the codes, then the small cells withheld
    sums: dict[str, dict[str, int]] = {}
    for measure, flag in flags.items():
        counts = np.bincount(codes[flag], minlength=len(labels))
        found: dict[str, int] = {}
        for label, n in zip(labels, counts.tolist(), strict=True):
            found[label] = found.get(label, 0) + n
        sums[measure] = found
    names = _order([n for n, count in sums["beneficiaries"].items() if count], dimension)
    columns = {
        measure: suppress_cells({name: sums[measure].get(name, 0) for name in names}, k)
        for measure in flags
    }
    return {
        "categories": names,
        "counts": {measure: [columns[measure][n] for n in names] for measure in MEASURES},
    }


def breakdowns(people: pd.DataFrame, k: int) -> dict[str, Breakdown]:
    """Every breakdown of ``people`` (sex, age band, governorate, nationality)."""
    return {dimension: breakdown(people, dimension, k) for dimension in DIMENSIONS}
