"""Assembling the sample in memory: a population, each source's records, each month's extract, the truth."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from benelink.errors import UsageError
from benelink.sample import jobseekers, naf, unhcr
from benelink.sample.churn import Churn, churned, person_events, reregistrations
from benelink.sample.mess import Mess
from benelink.sample.people_mess import messy_population
from benelink.sample.population import Population, build_population
from benelink.sample.records import PERSON, RecordTable, month_frame, spoil

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
Builder = Callable[[Population, np.random.Generator, Mess, np.random.Generator], RecordTable]
# a source's mess draws from a stream of its own: [seed, source stream, *_MESS_STREAM]
_MESS_STREAM = (9001, 17)
_BUILDERS: tuple[tuple[str, int, Builder], ...] = (
    ("naf", 11, naf.records),
    ("unhcr", 12, unhcr.records),
    ("jobseekers", 13, jobseekers.records),
)


@dataclass(frozen=True)
class Sample:
    """One synthetic sample: per month, per source, the frame as the partner sends it; and the truth.

    Extract frames carry exactly the native headers of ``config/benelink.toml``;
    ``truth`` has one row per (source, source_record_id) over all months, with
    the person each record belongs to.
    """

    months: tuple[str, ...]
    extracts: dict[str, dict[str, pd.DataFrame]]
    truth: pd.DataFrame
    people: int
    mess: Mess = field(default_factory=Mess)
    churn: Churn = field(default_factory=Churn)
    month_truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Per month, the truth of that month's records (``source, source_record_id, person_id,
    previous_record_id``: the id a re-registration replaced this month, else empty)."""


def _checked_months(months: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(months)
    if not chosen:
        raise UsageError("give at least one month, as YYYY-MM")
    bad = [m for m in chosen if not _MONTH.match(m)]
    if bad:
        raise UsageError(f"months must be YYYY-MM; got {', '.join(bad)}")
    if list(chosen) != sorted(set(chosen)):
        raise UsageError("months must be distinct and in increasing order, e.g. 2026-10,2026-11")
    return chosen


def build_sample(
    people: int,
    seed: int,
    months: Sequence[str],
    mess: Mess | None = None,
    churn: Churn | None = None,
) -> Sample:
    """The whole sample, deterministic in ``seed``; no I/O, so tests can inspect it directly.

    ``mess`` (default tidy) adds the variety of ``benelink.sample.mess``; a tidy
    mess gives exactly the sample made without one. ``churn`` (default none) moves the
    lists from month to month the way ``benelink.sample.churn`` says.
    """
    if people < 10:
        raise UsageError("the sample needs at least 10 people")
    mess = mess or Mess()
    churn = churn or Churn()
    chosen = _checked_months(months)
    pop = messy_population(build_population(people, seed, chosen, mess), seed, mess)
    events = None if churn.none else person_events(pop.persons, seed, churn, len(chosen))
    extracts: dict[str, dict[str, pd.DataFrame]] = {m: {} for m in chosen}
    truth_parts: list[pd.DataFrame] = []
    by_month: dict[str, list[pd.DataFrame]] = {m: [] for m in chosen}
    for source, stream, builder in _BUILDERS:
        mess_rng = np.random.default_rng([seed, stream, *_MESS_STREAM])
        table = builder(pop, np.random.default_rng([seed, stream]), mess, mess_rng)
        if events is not None:
            table = churned(table, events, seed, stream, churn, len(chosen))
        renewed = reregistrations(table)
        for k, month in enumerate(chosen):
            frame = spoil(
                table, month_frame(table, k), np.random.default_rng([seed, stream, k]), chosen[-1]
            )
            ids = frame[table.id_column]
            has_id = ids.notna() & (ids.astype(str).str.strip() != "")
            part = pd.DataFrame(
                {
                    "source": source,
                    "source_record_id": ids[has_id].astype(str),
                    "person_id": frame.loc[has_id, PERSON],
                }
            )
            truth_parts.append(part)
            by_month[month].append(_with_previous(part, renewed, k))
            extracts[month][source] = frame.drop(columns=PERSON)
    truth = (
        pd.concat(truth_parts, ignore_index=True)
        .drop_duplicates(["source", "source_record_id"])
        .sort_values(["source", "source_record_id"], kind="stable")
        .reset_index(drop=True)
    )
    month_truth = {
        m: pd.concat(parts, ignore_index=True).drop_duplicates(["source", "source_record_id"])
        for m, parts in by_month.items()
        if parts
    }
    return Sample(chosen, extracts, truth, people, mess, churn, month_truth)


def _with_previous(part: pd.DataFrame, renewed: pd.DataFrame, month: int) -> pd.DataFrame:
    """The month's truth rows of one source with the id each re-registration replaced."""
    now = renewed.loc[renewed["month"] == month, ["source_record_id", "previous_record_id"]]
    out = part.merge(now, on="source_record_id", how="left")
    return out.assign(previous_record_id=out["previous_record_id"].fillna("")).reset_index(
        drop=True
    )
