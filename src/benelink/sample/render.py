"""Writing a person's values the way a partner's clerk writes them: names, phones, dates.

Each helper returns the as-sent text for every row, drawing its variety
(spelling, letter variants, formats, typos) from the generator it is given, so
one seed gives one rendering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from benelink.sample.compound import ALL_FAMILY, ALL_FEMALE, ALL_MALE
from benelink.sample.lexicon import Name
from benelink.sample.spelling import (
    BoolArray,
    IntArray,
    ObjArray,
    arabic_names,
    blanked,
    choose,
    latin_names,
    with_typos,
)

Script = Literal["arabic", "latin"]
NAME_PARTS: tuple[str, ...] = ("first", "father", "grandfather", "family")


@dataclass(frozen=True)
class RenderedNames:
    """Name parts as sent (``noisy``, with typos) and as they would be once corrected (``clean``)."""

    noisy: dict[str, ObjArray]
    clean: dict[str, ObjArray]
    had_typo: BoolArray


def _spell(
    rng: np.random.Generator, ids: IntArray, table: tuple[Name, ...], script: Script
) -> ObjArray:
    return arabic_names(rng, ids, table) if script == "arabic" else latin_names(rng, ids, table)


def names(
    rng: np.random.Generator, persons: pd.DataFrame, script: Script | np.ndarray, typo_rate: float
) -> RenderedNames:
    """The four name parts of ``persons``, each row in its own script (``script`` may vary by row)."""
    n = len(persons)
    scripts = np.full(n, script, dtype=object) if isinstance(script, str) else script
    sex = persons["sex"].to_numpy()
    clean: dict[str, ObjArray] = {p: np.empty(n, dtype=object) for p in NAME_PARTS}
    tables = {"father": ALL_MALE, "grandfather": ALL_MALE, "family": ALL_FAMILY}
    for s in ("arabic", "latin"):
        in_script = scripts == s
        for part in NAME_PARTS:
            ids = persons[part].to_numpy().astype(np.int64)
            if part == "first":
                for sex_code, table in ((0, ALL_MALE), (1, ALL_FEMALE)):
                    rows = np.flatnonzero(in_script & (sex == sex_code))
                    clean[part][rows] = _spell(rng, ids[rows], table, s)
            else:
                rows = np.flatnonzero(in_script)
                clean[part][rows] = _spell(rng, ids[rows], tables[part], s)
    noisy: dict[str, ObjArray] = {}
    had_typo = np.zeros(n, dtype=np.bool_)
    for part in NAME_PARTS:
        out = clean[part].copy()
        for s in ("arabic", "latin"):
            rows = np.flatnonzero(scripts == s)
            typed, changed = with_typos(rng, clean[part][rows], typo_rate, arabic=s == "arabic")
            out[rows] = typed
            had_typo[rows] |= changed
        noisy[part] = out
    return RenderedNames(noisy, clean, had_typo)


def phones(rng: np.random.Generator, base: pd.Series) -> ObjArray:
    """Jordanian mobiles (``base`` = 9 digits, no trunk zero) in the forms people write them.

    Each row's form is built for the rows that use it only, so the cost is one
    string concatenation per row whatever the number of forms.
    """
    b = base.fillna("").astype(str).reset_index(drop=True)
    style = choose(rng, (50, 12, 13, 10, 10, 5), len(b))
    out = np.empty(len(b), dtype=object)
    for k in range(6):
        rows = np.flatnonzero(style == k)
        p = b.iloc[rows]
        if k == 0:
            form = "0" + p
        elif k == 1:
            form = p
        elif k == 2:
            form = "+962" + p
        elif k == 3:
            form = "00962" + p
        else:
            lead = "962 " if k == 4 else "0"
            form = lead + p.str[:2] + " " + p.str[2:5] + " " + p.str[5:]
        out[rows] = form.to_numpy()
    return blanked(b.to_numpy() == "", out)


def phone_choice(rng: np.random.Generator, persons: pd.DataFrame, missing: float) -> pd.Series:
    """Which of a person's numbers a source holds: their own, another one, the family's, or none."""
    n = len(persons)
    kind = choose(rng, (0.82 - missing, 0.12, 0.06, missing), n)
    picked = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            persons["phone"].to_numpy(),
            persons["alt_phone"].to_numpy(),
            persons["family_phone"].to_numpy(),
        ],
        default=np.asarray(None, dtype=object),
    )
    return pd.Series(picked, dtype=object)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "{d}-{m}-%Y", "%m/%d/%Y")


def dates(values: pd.Series, style: IntArray) -> ObjArray:
    """Dates as text: 0 dd/mm/yyyy, 1 yyyy-mm-dd, 2 d-m-yyyy, 3 mm/dd/yyyy (day and month swapped).

    Formatted once per distinct (day, style) — a few tens of thousands at most —
    and mapped back to the rows.
    """
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)
    keys = days * 4 + style
    uniq, inverse = np.unique(keys, return_inverse=True)
    texts = []
    for key in uniq.tolist():
        when = dt.date(1970, 1, 1) + dt.timedelta(days=key // 4)
        fmt = _DATE_FORMATS[key % 4].format(d=when.day, m=when.month)
        texts.append(when.strftime(fmt))
    return np.asarray(np.asarray(texts, dtype=object)[inverse], dtype=object)
