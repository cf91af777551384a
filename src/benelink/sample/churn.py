"""How the lists move from month to month: the churn of a multi-month series.

The tidy series already has people joining and leaving each list, typos
corrected, a few phones changed and job seekers moving into training and work.
A ``Churn`` adds, at given rates, what identity across months must survive
(issue #17): partners re-registering a person under a NEW record id (NAF, UNHCR
and job seekers alike; the identifiers stay, the row sometimes edited a little),
records that leave for a few months and come back, duplicates that appear and
are cleaned up, people moving governorate, phones changing, names re-typed, and
households splitting (grown children leaving with a phone, a governorate and,
for UNHCR, a case number of their own).

Every rate is a per-month share (a record or person is hit at most once), and
``Churn()`` changes nothing: the sample is then the one made without it, byte
for byte. The churn draws from random streams of its own.

UNHCR's record id is its individual id, so a UNHCR re-registration gets a new
individual id and keeps its case number, name, birth date and phone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.errors import UsageError
from benelink.sample.records import DUP, FROM, GAP_FROM, GAP_TO, PERSON, TO, RecordTable
from benelink.sample.render import phones
from benelink.sample.spelling import arabic_typo, latin_typo

_PERSON_STREAM, _RECORD_STREAM = 201, 202


@dataclass(frozen=True)
class Churn:
    """Per-month rates of each kind of change; all 0 is the series without churn."""

    reregistered: float = 0.0
    """Share of listed records given a new record id this month (same identifiers)."""
    reregistered_edited: float = 0.0
    """Share of re-registrations whose row also changes a little (a phone, a name's typo)."""
    gaps: float = 0.0
    """Share of records that leave for one to three months and come back."""
    back_reregistered: float = 0.0
    """Share of records back from a gap that come back under a new record id."""
    duplicates_cleaned: float = 0.0
    """Share of duplicate records (a person listed twice) removed by the partner this month."""
    moves: float = 0.0
    """Share of people who move to another governorate this month (every list they are on)."""
    phone_changes: float = 0.0
    """Share of records whose phone changes this month (beyond the series' own few)."""
    retyped: float = 0.0
    """Share of records one of whose names is re-typed with a slip this month."""
    household_splits: float = 0.0
    """Share of households whose grown children leave this month: their own phone, most
    often another governorate, and (UNHCR) a case number of their own."""

    def __post_init__(self) -> None:
        bad = [f.name for f in fields(self) if not 0.0 <= getattr(self, f.name) <= 1.0]
        if bad:
            raise UsageError(f"churn rates are shares between 0 and 1; check {', '.join(bad)}")

    @property
    def none(self) -> bool:
        """True when nothing churns beyond the series' own evolution."""
        return self == Churn()

    def rates(self) -> dict[str, float]:
        """The rates that are not 0, by name."""
        return {k: v for k, v in asdict(self).items() if v}

    def describe(self) -> str:
        """The preset's name if it is one, else ``name=rate,...``; ``parse_churn`` reads it."""
        for name, preset in CHURN_PRESETS.items():
            if self == preset:
                return name
        return ",".join(f"{k}={v:g}" for k, v in self.rates().items())


# "realistic": issue #17's eight partner-like months -- about 1.5 % of records re-registered
# a month (94 % of its id changes; about half the rows otherwise identical), the rest estimated.
CHURN_PRESETS: Final[dict[str, Churn]] = {
    "none": Churn(),
    "realistic": Churn(
        reregistered=0.015,
        reregistered_edited=0.5,
        gaps=0.01,
        back_reregistered=0.3,
        duplicates_cleaned=0.1,
        moves=0.005,
        phone_changes=0.01,
        retyped=0.005,
        household_splits=0.01,
    ),
}


def parse_churn(text: str) -> Churn:
    """``--churn``: a preset (``realistic``), ``name=rate`` pairs, or a preset then pairs."""
    churn = Churn()
    known = {f.name for f in fields(Churn)}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = (s.strip() for s in part.partition("="))
        if not sep:
            if name not in CHURN_PRESETS:
                raise UsageError(
                    f"--churn: unknown preset {name!r}; choose from {', '.join(CHURN_PRESETS)}"
                )
            churn = CHURN_PRESETS[name]
        elif name not in known:
            raise UsageError(
                f"--churn: unknown rate {name!r}; rates are {', '.join(sorted(known))}"
            )
        else:
            try:
                churn = replace(churn, **{name: float(value)})
            except ValueError:
                raise UsageError(
                    f"--churn {name}: give a share between 0 and 1, like {name}=0.01"
                ) from None
    return churn


def _hit_month(
    rng: np.random.Generator, rate: float, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """A month in [first, last) for each row hit at ``rate`` per month; -1 when not hit."""
    span = np.maximum(last - first, 0)
    hit = rng.random(len(first)) < 1 - (1 - rate) ** span
    month = first + np.floor(rng.random(len(first)) * span).astype(np.int64)
    return np.where(hit & (span > 0), month, -1).astype(np.int64)


def person_events(persons: pd.DataFrame, seed: int, churn: Churn, n_months: int) -> pd.DataFrame:
    """Per person: the month they move and where to, and the month their household splits off.

    Indexed by person id; -1 is never. The same events reach every list a person is on.
    """
    rng = np.random.default_rng([seed, _PERSON_STREAM])
    n = len(persons)
    ones, ends = np.ones(n, dtype=np.int64), np.full(n, n_months, dtype=np.int64)
    gov = persons["governorate"].to_numpy().astype(np.int64)
    n_gov = int(gov.max()) + 1 if n else 1
    move = _hit_month(rng, churn.moves, ones, ends)
    moved_to = (gov + rng.integers(1, max(n_gov, 2), n)) % max(n_gov, 1)
    household = persons["household"].to_numpy().astype(np.int64)
    n_hh = int(household.max()) + 1 if n else 1
    hh_ones, hh_ends = np.ones(n_hh, dtype=np.int64), np.full(n_hh, n_months, dtype=np.int64)
    hh_split = _hit_month(rng, churn.household_splits, hh_ones, hh_ends)
    hh_gov = rng.integers(0, max(n_gov, 1), n_hh)
    hh_phone = pd.Series(rng.integers(0, 10_000_000, n_hh)).astype(str).str.zfill(7).radd("79")
    hh_case = "945-26C" + pd.Series(rng.integers(0, 100_000, n_hh)).astype(str).str.zfill(5)
    grown = (persons["role"].to_numpy() == "child") & (persons["age"].to_numpy() >= 18)
    split = np.where(grown, hh_split[household], -1)
    keeps_gov = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "move": move,
            "moved_to": moved_to,
            "split": split,
            "split_gov": np.where(keeps_gov, gov, hh_gov[household]),
            "split_phone": hh_phone.to_numpy()[household],
            "split_case": hh_case.to_numpy()[household],
        },
        index=persons["person_id"].to_numpy(),
    )


def _new_ids(rng: np.random.Generator, old: pd.Series, taken: set[str]) -> list[str]:
    """Ids shaped like ``old`` (its first four characters kept, digits redrawn), none taken."""
    out: list[str] = []
    for value in old.astype(str).tolist():
        while True:
            digits = "".join(str(d) for d in rng.integers(0, 10, max(len(value) - 4, 4)))
            candidate = value[:4] + digits
            if candidate not in taken:
                taken.add(candidate)
                out.append(candidate)
                break
    return out


def _retyped(rng: np.random.Generator, values: npt.NDArray[np.object_]) -> list[object]:
    out: list[object] = []
    for value in values.tolist():
        if not isinstance(value, str) or not value:
            out.append(value)
            continue
        u1, u2 = float(rng.random()), float(rng.random())
        arabic = any("\u0600" <= c <= "\u06ff" for c in value)
        out.append(arabic_typo(value, u1, u2) if arabic else latin_typo(value, u1, u2))
    return out


class _Changes:
    """Collects (row, month, column, value) changes: from ``month`` on, the cell reads ``value``."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(
        self,
        rows: npt.NDArray[np.int64],
        months: npt.NDArray[np.int64],
        column: str,
        values: object,
    ) -> None:
        if len(rows):
            self.parts.append(
                pd.DataFrame({"row": rows, "month": months, "column": column, "value": values})
            )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"row": [], "month": [], "column": [], "value": []})
        return pd.concat(self.parts, ignore_index=True).astype({"value": object})


def _governorate_cells(
    rng: np.random.Generator, frame: pd.DataFrame, column: str, wanted: npt.NDArray[np.int64]
) -> list[object]:
    """A cell of this source naming governorate ``wanted``, in the source's own spellings:
    borrowed from another record of the same list in that governorate (None if none)."""
    by_gov = {
        int(g): frame.loc[frame["governorate"] == g, column].to_numpy()
        for g in set(wanted.tolist())
    }
    out: list[object] = []
    for g in wanted.tolist():
        cells = by_gov.get(int(g))
        out.append(
            None if cells is None or not len(cells) else cells[int(rng.integers(0, len(cells)))]
        )
    return out


def churned(
    table: RecordTable, events: pd.DataFrame, seed: int, stream: int, churn: Churn, n_months: int
) -> RecordTable:
    """``table`` with the churn laid on: gaps, cleaned duplicates, and dated cell changes
    (new record ids, phones, names, governorates, case numbers)."""
    if churn.none:
        return table
    rng = np.random.default_rng([seed, stream, _RECORD_STREAM])
    f = table.frame
    n = len(f)
    rows = np.arange(n, dtype=np.int64)
    start, end = f[FROM].to_numpy().astype(np.int64), f[TO].to_numpy().astype(np.int64)
    changes = _Changes()
    # gaps: away from g0 for one to three months, back in [g0 + length, end)
    g0 = _hit_month(rng, churn.gaps, start + 1, end - 1)
    length = rng.integers(1, 4, n)
    gap = (g0 >= 0) & (g0 + length < end)
    gap_from = np.where(gap, g0, n_months).astype(np.int64)
    gap_to = np.where(gap, g0 + length, n_months).astype(np.int64)
    # duplicates cleaned up: a duplicate record leaves before its original
    dup = f[DUP].to_numpy()
    cleaned = _hit_month(rng, churn.duplicates_cleaned, start + 1, end)
    end = np.where(dup & (cleaned >= 0), cleaned, end)
    # re-registration under a new id: while listed, or on coming back from a gap
    rereg = _hit_month(rng, churn.reregistered, start + 1, end)
    back = gap & (rng.random(n) < churn.back_reregistered)
    rereg = np.where(back, gap_to, np.where(gap & (rereg >= gap_from), -1, rereg))
    rereg = np.where(rereg < end, rereg, -1)
    hit = np.flatnonzero(rereg >= 0)
    ids = f[table.id_column]
    taken = set(ids.astype(str))
    changes.add(rows[hit], rereg[hit], table.id_column, _new_ids(rng, ids.iloc[hit], taken))
    edited = hit[rng.random(len(hit)) < churn.reregistered_edited]
    by_phone = edited[rng.random(len(edited)) < 0.5]
    by_name = np.setdiff1d(edited, by_phone)
    new_phone = pd.Series(rng.integers(0, 10_000_000, n)).astype(str).str.zfill(7).radd("78")
    rendered_phone = phones(rng, new_phone)
    changes.add(rows[by_phone], rereg[by_phone], table.phone_column, rendered_phone[by_phone])
    # phones changing and names re-typed
    phone_month = _hit_month(rng, churn.phone_changes, start + 1, end)
    changed = np.flatnonzero(phone_month >= 0)
    changes.add(rows[changed], phone_month[changed], table.phone_column, rendered_phone[changed])
    retype_month = _hit_month(rng, churn.retyped, start + 1, end)
    retype_month[by_name] = rereg[by_name]
    retype = np.flatnonzero(retype_month >= 0)
    column_of = rng.integers(0, len(table.name_columns), n)
    for k, column in enumerate(table.name_columns):
        mine = retype[column_of[retype] == k]
        base = f[f"_clean_{column}"].to_numpy()[mine]
        changes.add(rows[mine], retype_month[mine], column, _retyped(rng, base))
    # the person's own events: a move, a household split
    ev = events.reindex(f[PERSON].to_numpy())
    gov_column = table.columns.get("governorate")
    move, split = ev["move"].to_numpy(), ev["split"].to_numpy()
    if gov_column is not None:
        moving = np.flatnonzero((move >= 0) & (move < end))
        changes.add(
            rows[moving],
            move[moving],
            gov_column,
            _governorate_cells(rng, f, gov_column, ev["moved_to"].to_numpy()[moving]),
        )
    splitting = np.flatnonzero((split >= 0) & (split < end))
    shared = phones(rng, ev["split_phone"].iloc[splitting].reset_index(drop=True))
    changes.add(rows[splitting], split[splitting], table.phone_column, shared)
    if gov_column is not None:
        changes.add(
            rows[splitting],
            split[splitting],
            gov_column,
            _governorate_cells(rng, f, gov_column, ev["split_gov"].to_numpy()[splitting]),
        )
    case_column = table.columns.get("unhcr_case_id")
    if case_column is not None:
        changes.add(
            rows[splitting], split[splitting], case_column, ev["split_case"].to_numpy()[splitting]
        )
    frame = f.assign(**{TO: end, GAP_FROM: gap_from, GAP_TO: gap_to})
    return replace(table, frame=frame, changes=changes.frame())


def reregistrations(table: RecordTable) -> pd.DataFrame:
    """Each new record id a re-registration gave: ``month`` (index), ``source_record_id``
    (the new id) and ``previous_record_id`` (the id it replaced)."""
    c = table.changes
    if c is None or not len(c):
        return pd.DataFrame({"month": [], "source_record_id": [], "previous_record_id": []})
    mine = c[c["column"] == table.id_column]
    old = table.frame[table.id_column].to_numpy()[mine["row"].to_numpy(dtype=np.int64)]
    return pd.DataFrame(
        {
            "month": mine["month"].to_numpy(dtype=np.int64),
            "source_record_id": mine["value"].astype(str).to_numpy(),
            "previous_record_id": pd.Series(old).astype(str).to_numpy(),
        }
    )
