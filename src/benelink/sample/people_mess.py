"""The population's share of a mess: phones in unlisted ranges, refugees on the NAF list.

Laid on the finished population from random streams of their own, so a tidy
mess changes nothing and a small one changes only the people it touches.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from benelink.sample.mess import Mess
from benelink.sample.population import JOR, Population, stay

# Possible Jordanian mobile ranges that the phone library's metadata does not list (07[3-6]).
UNLISTED_OPERATORS: tuple[str, ...] = ("73", "74", "75", "76")
_PHONES, _NAF = 103, 104


def _unlisted(rng: np.random.Generator, numbers: pd.Series, hit: np.ndarray) -> pd.Series:
    """``numbers`` (9 digits, no trunk zero) moved to an unlisted operator range where ``hit``."""
    ops = np.asarray(UNLISTED_OPERATORS, dtype=object)[rng.integers(0, 4, len(numbers))]
    moved = pd.Series(ops, index=numbers.index) + numbers.str[2:]
    return numbers.where(~hit, moved)


def unlisted_phones(rng: np.random.Generator, persons: pd.DataFrame, rate: float) -> pd.DataFrame:
    """``rate`` of own and second mobiles, and of households' shared ones, in unlisted ranges.

    A person without a phone of their own gives the household's, so it moves with it.
    """
    if not rate:
        return persons
    n = len(persons)
    household = persons["household"].to_numpy()
    shared = persons["family_phone"]
    moved_hh = rng.random(int(household.max()) + 1) < rate
    family = _unlisted(rng, shared, moved_hh[household])
    own = persons["phone"] != shared
    phone = _unlisted(
        rng, persons["phone"].where(own, family), own.to_numpy() & (rng.random(n) < rate)
    )
    alt = _unlisted(rng, persons["alt_phone"], rng.random(n) < rate)
    return persons.assign(family_phone=family, phone=phone, alt_phone=alt)


def naf_refugees(
    rng: np.random.Generator, persons: pd.DataFrame, rate: float, n_months: int
) -> pd.DataFrame:
    """Whole refugee households of the UNHCR list put on NAF as well, about ``rate`` of NAF.

    They carry no national number: a NAF list holding them is what the graduation
    programme's NAF-UNHCR overlap is made of.
    """
    if not rate:
        return persons
    on_naf = persons["naf_from"].to_numpy() < n_months
    on_unhcr = persons["unhcr_from"].to_numpy() < n_months
    candidate = on_unhcr & ~on_naf & (persons["nat"].to_numpy() != JOR)
    wanted = rate / (1 - rate) * on_naf.sum() if rate < 1 else candidate.sum()
    household = persons["household"].to_numpy()
    sizes = pd.Series(household[candidate]).value_counts(sort=False)
    order = sizes.index.to_numpy()[rng.permutation(len(sizes))]
    total = np.cumsum(sizes.loc[order].to_numpy())
    k = int(np.searchsorted(total, wanted)) if len(total) else 0
    if k < len(total) and k > 0 and total[k] - wanted > wanted - total[k - 1]:
        k -= 1  # the nearer of the two totals around the share asked for
    chosen = candidate & np.isin(household, order[: k + 1])
    start, end = stay(rng, chosen, "naf", n_months)
    return persons.assign(
        naf_from=np.where(chosen, start, persons["naf_from"]),
        naf_to=np.where(chosen, end, persons["naf_to"]),
    )


def messy_population(pop: Population, seed: int, mess: Mess) -> Population:
    """``pop`` with the population's share of ``mess`` (nothing when the rates are 0)."""
    persons = unlisted_phones(
        np.random.default_rng([seed, _PHONES]), pop.persons, mess.unlisted_phones
    )
    persons = naf_refugees(
        np.random.default_rng([seed, _NAF]), persons, mess.naf_refugees, len(pop.months)
    )
    return replace(pop, persons=persons)
