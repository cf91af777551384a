"""Writing values the messy way: dates with month names, phones in odd forms, ids astray.

The source modules call these for the rows a ``Mess`` picks; each takes the
generator of the mess's own stream, so the tidy sample's draws never move.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import numpy as np
import pandas as pd

from benelink.sample.spelling import BoolArray, IntArray, ObjArray, choose

DateHabit = Literal["naf", "unhcr", "jobseekers"]

_EN_FULL: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_ABBR: Final = tuple(m[:3] for m in _EN_FULL)
# Levantine (Syriac) month names, as Jordan, Syria and Iraq write them
_LEVANTINE: Final = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
# Egyptian / Gulf month names, from the Latin ones
_EGYPTIAN: Final = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
_ARABIC_INDIC: Final = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
EXCEL_SERIAL: Final = 10  # the style whose value is a day number (an Excel cell without format)
# Style weights per partner habit, over the styles of ``_written``.
_HABITS: Final[dict[DateHabit, tuple[float, ...]]] = {
    "naf": (0, 0, 0, 0, 0, 30, 20, 20, 10, 10, 10),
    "unhcr": (45, 10, 5, 10, 20, 0, 0, 0, 5, 5, 0),
    "jobseekers": (15, 10, 5, 10, 10, 10, 10, 10, 10, 5, 5),
}
_SEPARATED: Final = (
    "{d:02d}.{m:02d}.{y}",
    "{d:02d}-{m:02d}/{y}",
    "{y}/{m:02d}/{d:02d}",
    "{d} / {m} / {y}",
)


def _written(when: dt.date, style: int, variant: int) -> str:
    """One date in one style; ``variant`` (0-3) picks digits or separators within it."""
    d, m, y = when.day, when.month, when.year
    if style == 0:
        return f"{d:02d}-{_EN_ABBR[m - 1]}-{y}"
    if style == 1:
        return f"{d} {_EN_ABBR[m - 1]} {y}"
    if style == 2:
        return f"{_EN_ABBR[m - 1]} {d}, {y}"
    if style == 3:
        return f"{d:02d} {_EN_FULL[m - 1]} {y}" if variant % 2 else f"{_EN_FULL[m - 1]} {d}, {y}"
    if style == 4:
        return f"{d:02d}-{_EN_ABBR[m - 1].upper()}-{y % 100:02d}"
    if style in (5, 6):
        month = (_LEVANTINE if style == 5 else _EGYPTIAN)[m - 1]
        text = f"{d} {month} {y}" if variant < 2 else f"{d}-{month}-{y}"
        return text.translate(_ARABIC_INDIC) if variant % 2 else text
    if style == 7:
        return f"{d:02d}/{m:02d}/{y}".translate(_ARABIC_INDIC)
    if style == 8:
        return f"{d:02d}/{m:02d}/{y % 100:02d}"
    if style == 9:
        return _SEPARATED[variant].format(d=d, m=m, y=y)
    return str((when - _EXCEL_EPOCH).days)


def date_styles(rng: np.random.Generator, habit: DateHabit, n: int) -> tuple[IntArray, IntArray]:
    """A style (as ``styled_dates`` takes it) and a variant within it for ``n`` rows, drawn
    from what a partner with ``habit`` writes."""
    return choose(rng, _HABITS[habit], n), rng.integers(0, 4, n).astype(np.int64)


def styled_dates(values: pd.Series, style: IntArray, variant: IntArray) -> ObjArray:
    """Dates in the given styles (one per row), each ``variant`` (0-3) picking digits or
    separators within its style; formatted once per distinct (day, style, variant)."""
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)
    keys = (days * 16 + style) * 4 + variant
    uniq, inverse = np.unique(keys, return_inverse=True)
    texts = [
        _written(dt.date(1970, 1, 1) + dt.timedelta(days=k // 64), (k // 4) % 16, k % 4)
        for k in uniq.tolist()
    ]
    return np.asarray(np.asarray(texts, dtype=object)[inverse], dtype=object)


def odd_phones(rng: np.random.Generator, base: pd.Series) -> ObjArray:
    """Mobiles (9 digits, no trunk zero) in the forms partners' clerks also use."""
    b = base.fillna("").astype(str).reset_index(drop=True)
    forms = (
        "'0" + b,  # Excel's text apostrophe kept
        "0" + b.str[:2] + "-" + b.str[2:5] + "-" + b.str[5:],
        "962" + b,
        "+962-" + b.str[:2] + "-" + b.str[2:],
        "(+962) " + b,
        "+962 0" + b,  # the trunk zero kept after the country code
        ("0" + b).str.translate(_ARABIC_INDIC),
        "0 " + b.str[:2] + "-" + b.str[2:],
    )
    style = rng.integers(0, len(forms), len(b))
    out = np.asarray(
        np.stack([f.to_numpy() for f in forms])[style, np.arange(len(b))], dtype=object
    )
    out[b.to_numpy() == ""] = None
    return out


def by_units(
    rng: np.random.Generator, units: ObjArray, eligible: BoolArray, rate: float
) -> BoolArray:
    """The eligible rows of whole units (officers) that together hold about ``rate`` of them.

    Units are taken in a random order, each kept when it brings the total nearer
    to the share asked for: a registry's habit belongs to whoever types the rows.
    """
    if not rate or not eligible.any():
        return np.zeros(len(units), dtype=np.bool_)
    counts = pd.Series(units[eligible]).value_counts().sort_index()
    target = rate * int(eligible.sum())
    chosen: list[object] = []
    total = 0
    for i in rng.permutation(len(counts)).tolist():
        size = int(counts.iloc[i])
        if abs(total + size - target) < abs(total - target):
            chosen.append(counts.index[i])
            total += size
    return np.asarray(eligible & pd.Series(units).isin(chosen).to_numpy(), dtype=np.bool_)


def hits(rng: np.random.Generator, n: int, rate: float) -> BoolArray:
    """About ``rate`` of ``n`` rows."""
    return np.asarray(rng.random(n) < rate, dtype=np.bool_)
