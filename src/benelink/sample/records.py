"""Source records over the months: who is listed, the record's stable id, what changes, what breaks.

A source module (``naf``, ``unhcr``, ``jobseekers``) renders each record once,
as a ``RecordTable`` holding every record that is ever listed plus what a later
month does to it (a typo corrected, a new phone, a new employment status).
``month_frame`` then cuts one month out of it, and ``spoil`` adds the few
plainly invalid rows every real extract has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.population import Population
from benelink.sample.render import phones
from benelink.sample.spelling import IntArray

PERSON = "_person"  # internal: the truth's person_id, dropped before files are written
FROM, TO, DUP = "_from", "_to", "_dup"
FIX_MONTH, PHONE_MONTH, NEW_PHONE = "_fix_month", "_phone_month", "_new_phone"
GAP_FROM, GAP_TO = "_gap_from", "_gap_to"  # a churned record's months away (sample.churn)
INVALID_RATE = 0.005
# What rendering a record needs to know about its person; the rest stays behind.
_PERSON_COLUMNS = (
    "person_id",
    "nat",
    "sex",
    "first",
    "father",
    "grandfather",
    "family",
    "birth",
    "dob_known",
    "governorate",
    "phone",
    "alt_phone",
    "family_phone",
    "national_number",
    "unhcr_id",
    "case_no",
    "reg_year",
)


@dataclass(frozen=True)
class RecordTable:
    """Every record a source ever lists, rendered in its native columns.

    ``frame`` also holds the internal ``_``-prefixed columns: person, months
    listed, the corrected value of each name column (``_clean_<column>``), the
    month a typo is fixed or a phone changes, and per-month values
    (``_m<k>_<column>``) for columns that evolve, like an employment status.
    """

    source: str
    frame: pd.DataFrame
    columns: dict[str, str]  # canonical -> native, in file order
    name_columns: tuple[str, ...]
    phone_column: str
    dob_column: str
    nn_column: str | None = None
    evolving: tuple[str, ...] = field(default=())
    changes: pd.DataFrame | None = None
    """Dated cell changes (``row``, ``month``, ``column``, ``value``): from ``month`` on, the
    record's cell reads ``value`` (the last change due wins). Only a churned series has them."""

    @property
    def id_column(self) -> str:
        return self.columns["source_record_id"]

    @property
    def native_columns(self) -> list[str]:
        """The file's headers in order (two canonical columns may share one, like UNHCR's id)."""
        return list(dict.fromkeys(self.columns.values()))


def listed(pop: Population, source: str, rng: np.random.Generator, dup_rate: float) -> pd.DataFrame:
    """Persons on the source's list, plus a second record for ``dup_rate`` of them.

    A duplicate is a re-registration: it appears at or after the original's
    first month and leaves with it; the caller renders it afresh, so its
    spelling, phone and the like come out differently.
    """
    p = pop.persons
    n_months = len(pop.months)
    on = p.loc[p[f"{source}_from"] < n_months, list(_PERSON_COLUMNS)].reset_index(drop=True)
    start = p.loc[p[f"{source}_from"] < n_months, f"{source}_from"].to_numpy()
    end = p.loc[p[f"{source}_from"] < n_months, f"{source}_to"].to_numpy()
    cols: dict[str, npt.NDArray[Any]] = {
        PERSON: on["person_id"].to_numpy(),
        FROM: start,
        TO: end,
        DUP: np.zeros(len(on), dtype=np.bool_),
    }
    base = on.assign(**cols)
    dup = rng.random(len(on)) < dup_rate
    later = start + np.floor(rng.random(len(on)) * (end - start)).astype(np.int64)
    later = np.where(rng.random(len(on)) < 0.8, start, later)  # most re-registrations are old news
    again: dict[str, npt.NDArray[Any]] = {
        FROM: later[dup],
        DUP: np.ones(int(dup.sum()), dtype=np.bool_),
    }
    dups = base[dup].assign(**again)
    return pd.concat([base, dups], ignore_index=True)


def scrambled_ids(rng: np.random.Generator, n: int, prefix: str, digits: int) -> pd.Series:
    """Distinct record ids that do not reveal the order records were made in."""
    modulus = 10**digits
    if n > modulus // 10:
        raise ValueError(f"{n} records do not fit {digits}-digit ids")
    values = (
        np.arange(n, dtype=np.int64) * 2_654_435_761 + int(rng.integers(0, modulus))
    ) % modulus
    return prefix + pd.Series(values).astype(str).str.zfill(digits)


def evolution(
    rng: np.random.Generator, had_typo: np.ndarray, start: IntArray, n_months: int
) -> pd.DataFrame:
    """When a record's typo gets corrected and when its phone changes (``n_months`` = never)."""
    n = len(start)
    later = (
        start + 1 + np.floor(rng.random(n) * np.maximum(n_months - start - 1, 0)).astype(np.int64)
    )
    can_change = later < n_months
    fix = np.where(had_typo & can_change & (rng.random(n) < 0.3), later, n_months)
    move = np.where(can_change & (rng.random(n) < 0.02 * (n_months - 1)), later, n_months)
    new_phone = pd.Series(rng.integers(0, 10_000_000, n)).astype(str).str.zfill(7).radd("79")
    return pd.DataFrame({FIX_MONTH: fix, PHONE_MONTH: move, NEW_PHONE: phones(rng, new_phone)})


def month_frame(table: RecordTable, month: int) -> pd.DataFrame:
    """The records listed in ``month`` as they read that month, sorted by record id."""
    f = table.frame
    listed_now = (f[FROM] <= month) & (month < f[TO])
    if GAP_FROM in f.columns:  # a churned record away for a few months
        listed_now &= ~((f[GAP_FROM] <= month) & (month < f[GAP_TO]))
    now = f[listed_now]
    fixed = now[FIX_MONTH].to_numpy() <= month
    updates: dict[str, npt.NDArray[Any]] = {
        col: np.where(fixed, now[f"_clean_{col}"], now[col]) for col in table.name_columns
    }
    updates[table.phone_column] = np.where(
        now[PHONE_MONTH].to_numpy() <= month,
        now[NEW_PHONE].to_numpy(),
        now[table.phone_column].to_numpy(),
    )
    for col in table.evolving:
        updates[col] = now[f"_m{month}_{col}"].to_numpy()
    out = _changed(now.assign(**updates), table.changes, month)[[*table.native_columns, PERSON]]
    return out.sort_values(table.id_column, kind="stable").reset_index(drop=True)


def _changed(frame: pd.DataFrame, changes: pd.DataFrame | None, month: int) -> pd.DataFrame:
    """``frame`` (indexed by record row) with the changes due by ``month`` applied."""
    if changes is None or not len(changes):
        return frame
    due = changes[changes["month"] <= month].sort_values("month", kind="stable")
    due = due[due["row"].isin(frame.index)].drop_duplicates(["row", "column"], keep="last")
    if not len(due):
        return frame
    out = frame.copy()
    for column, part in due.groupby("column", sort=False):
        values = out[str(column)].astype(object)
        values.loc[part["row"].to_numpy()] = part["value"].to_numpy()
        out[str(column)] = values
    return out


def spoil(
    table: RecordTable, frame: pd.DataFrame, rng: np.random.Generator, last_month: str
) -> pd.DataFrame:
    """Break about 0.5 % of rows the way real extracts break, for validation to quarantine.

    An empty record id, a national number that lost digits, a date of birth in
    the future, a row pasted twice (same record id) — cycled in that order.
    """
    n = len(frame)
    k = min(n, max(1, round(INVALID_RATE * n))) if n else 0
    kinds = ["empty_id", "short_nn", "future_dob", "pasted_twice"]
    if table.nn_column is None:
        kinds.remove("short_nn")
    rows = np.sort(rng.choice(n, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64)
    out = frame.copy()
    future = dt.date(
        int(last_month[:4]) + 1 + int(rng.integers(0, 3)), int(rng.integers(1, 13)), 15
    )
    order = np.arange(n, dtype=float)
    pasted: list[int] = []
    for i, row in enumerate(rows.tolist()):
        kind = kinds[i % len(kinds)]
        if kind == "empty_id":
            out.at[row, table.id_column] = None
        elif kind == "short_nn" and table.nn_column is not None:
            out.at[row, table.nn_column] = str(rng.integers(1_000_000, 10_000_000))
        elif kind == "future_dob":
            was_date = isinstance(out.at[row, table.dob_column], dt.date)
            out.at[row, table.dob_column] = future if was_date else future.strftime("%d/%m/%Y")
        else:
            pasted.append(row)
    copies = out.iloc[pasted]
    order_all = np.concatenate([order, np.asarray(pasted, dtype=float) + 0.5])
    both = pd.concat([out, copies], ignore_index=True).assign(_order=order_all)
    return both.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
