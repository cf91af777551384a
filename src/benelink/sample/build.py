"""Assembling the sample in memory: a population, each source's records, each month's extract, the truth."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from benelink.errors import UsageError
from benelink.sample import jobseekers, naf, unhcr
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


def build_sample(people: int, seed: int, months: Sequence[str], mess: Mess | None = None) -> Sample:
    """The whole sample, deterministic in ``seed``; no I/O, so tests can inspect it directly.

    ``mess`` (default tidy) adds the variety of ``benelink.sample.mess``; a tidy
    mess gives exactly the sample made without one.
    """
    if people < 10:
        raise UsageError("the sample needs at least 10 people")
    mess = mess or Mess()
    chosen = _checked_months(months)
    pop = messy_population(build_population(people, seed, chosen, mess), seed, mess)
    extracts: dict[str, dict[str, pd.DataFrame]] = {m: {} for m in chosen}
    truth_parts: list[pd.DataFrame] = []
    for source, stream, builder in _BUILDERS:
        mess_rng = np.random.default_rng([seed, stream, *_MESS_STREAM])
        table = builder(pop, np.random.default_rng([seed, stream]), mess, mess_rng)
        for k, month in enumerate(chosen):
            frame = spoil(
                table, month_frame(table, k), np.random.default_rng([seed, stream, k]), chosen[-1]
            )
            ids = frame[table.id_column]
            has_id = ids.notna() & (ids.astype(str).str.strip() != "")
            truth_parts.append(
                pd.DataFrame(
                    {
                        "source": source,
                        "source_record_id": ids[has_id].astype(str),
                        "person_id": frame.loc[has_id, PERSON],
                    }
                )
            )
            extracts[month][source] = frame.drop(columns=PERSON)
    truth = (
        pd.concat(truth_parts, ignore_index=True)
        .drop_duplicates(["source", "source_record_id"])
        .sort_values(["source", "source_record_id"], kind="stable")
        .reset_index(drop=True)
    )
    return Sample(chosen, extracts, truth, people, mess)
