"""The synthetic people behind the extracts: households, names, ids, and who is in which list when.

People come in households, because that is what makes linkage hard: siblings
share father's, grandfather's and family names, an address and often a phone;
cousins share family names; the same few first names recur everywhere. Each
person carries the months during which they are on each source's list, so the
extracts of consecutive months are an evolution of one another, not redraws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from benelink.sample.compound import compound_children, compound_households
from benelink.sample.lexicon import (
    FAMILY_GROUPS,
    FAMILY_NAMES,
    FEMALE_NAMES,
    GOVERNORATES,
    MALE_NAMES,
)
from benelink.sample.mess import Mess
from benelink.sample.spelling import IntArray, blanked, choose

SOURCES: tuple[str, ...] = ("naf", "unhcr", "jobseekers")
JOR = 0
_NAT_SHARES = (0.6, 0.4 * 0.88, 0.4 * 0.06, 0.4 * 0.03, 0.4 * 0.03)  # JOR SYR IRQ YEM SDN
_NAF_HOUSEHOLD_RATE = 0.5
_UNHCR_HOUSEHOLD_RATE = 0.97
_MIXED_RATE = 0.02  # refugee households whose wife is Jordanian (on NAF as well)
_JS_TARGET = {"naf": 0.35, "unhcr": 0.25, "other": 0.15}
_JOIN_LATER = {"naf": 0.03, "unhcr": 0.03, "jobseekers": 0.05}
_EXIT_PER_MONTH = {"naf": 0.03, "unhcr": 0.02, "jobseekers": 0.04}
# The mess draws from streams of its own, so the tidy sample's draws never move.
_MESS_NAMES, _MESS_CHILDREN = 101, 102
_SIBLING_NAMES = 4  # its own stream: every other draw stays as it was


@dataclass(frozen=True)
class Population:
    """Everyone who appears in at least one source in at least one month.

    ``persons`` has one row per person; name columns index the lexicon tables
    (``first`` indexes MALE_NAMES or FEMALE_NAMES by ``sex``), and
    ``<source>_from`` / ``<source>_to`` bound the month indices (to exclusive)
    in which the person is on that source's list — ``from == n_months`` means never.
    """

    persons: pd.DataFrame
    months: tuple[str, ...]
    reference: pd.Timestamp


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _family_for(rng: np.random.Generator, nat: IntArray) -> IntArray:
    out = np.zeros(len(nat), dtype=np.int64)
    for group in range(len(_NAT_SHARES)):
        rows = np.flatnonzero(nat == group)
        members = [i for i, groups in enumerate(FAMILY_GROUPS) if group in groups]
        weights = [FAMILY_NAMES[i].weight for i in members]
        out[rows] = np.asarray(members, dtype=np.int64)[choose(rng, weights, len(rows))]
    return out


def _households(rng: np.random.Generator, n: int) -> pd.DataFrame:
    male_w = [m.weight for m in MALE_NAMES]
    nat = choose(rng, _NAT_SHARES, n)
    refugee = nat != JOR
    husband_age = rng.triangular(19, 30, 80, n)
    husband = rng.random(n) < 0.92
    wife = np.where(husband, rng.random(n) < 0.88, True)
    mixed = refugee & wife & husband & (rng.random(n) < _MIXED_RATE)
    wife_nat = np.where(mixed, JOR, nat)
    wife_family = np.where(rng.random(n) < 0.2, _family_for(rng, nat), _family_for(rng, wife_nat))
    reg_year = np.where(
        rng.random(n) < 0.7, rng.integers(2012, 2017, n), rng.integers(2017, 2026, n)
    )
    return pd.DataFrame(
        {
            "nat": nat,
            "husband": husband,
            "wife": wife,
            "mixed": mixed,
            "husband_age": husband_age,
            "wife_age": np.maximum(husband_age - rng.integers(0, 11, n), 18.0),
            "kids": np.minimum(rng.poisson(np.where(refugee, 3.2, 2.6)), 8),
            "family": _family_for(rng, nat),
            "h_first": choose(rng, male_w, n),
            "h_father": choose(rng, male_w, n),
            "h_grand": choose(rng, male_w, n),
            "w_first": choose(rng, [f.weight for f in FEMALE_NAMES], n),
            "w_father": choose(rng, male_w, n),
            "w_grand": choose(rng, male_w, n),
            "w_family": wife_family,
            "w_nat": wife_nat,
            "governorate": np.where(
                refugee,
                choose(rng, [g[4] for g in GOVERNORATES], n),
                choose(rng, [g[3] for g in GOVERNORATES], n),
            ),
            "family_phone": _mobile(rng, n),
            "case_no": "945-"
            + pd.Series(reg_year % 100).astype(str).str.zfill(2)
            + "C"
            + pd.Series(rng.integers(0, 100_000, n)).astype(str).str.zfill(5),
            "reg_year": reg_year,
            "naf": (~refugee) & (rng.random(n) < _NAF_HOUSEHOLD_RATE),
            "unhcr": refugee & (rng.random(n) < _UNHCR_HOUSEHOLD_RATE),
        }
    )


def _mobile(rng: np.random.Generator, n: int) -> pd.Series:
    """Jordanian mobile numbers without the trunk zero: 7 + operator digit + 7 digits."""
    operator = np.asarray(["77", "78", "79"], dtype=object)[choose(rng, (3, 3, 4), n)]
    rest = pd.Series(rng.integers(0, 10_000_000, n)).astype(str).str.zfill(7)
    return pd.Series(operator) + rest


def _members(rng: np.random.Generator, hh: pd.DataFrame) -> pd.DataFrame:
    size = (
        hh["husband"].to_numpy().astype(int)
        + hh["wife"].to_numpy().astype(int)
        + hh["kids"].to_numpy()
    )
    home = np.repeat(np.arange(len(hh)), size)
    rank = np.arange(len(home)) - np.repeat(np.cumsum(size) - size, size)
    h = hh.iloc[home].reset_index(drop=True)
    has_h = h["husband"].to_numpy()
    is_h = has_h & (rank == 0)
    is_w = h["wife"].to_numpy() & (rank == has_h.astype(int))
    is_kid = ~is_h & ~is_w
    n = len(h)
    kid_sex = (rng.random(n) < 0.49).astype(np.int64)
    kid_first = np.where(
        kid_sex == 0,
        choose(rng, [m.weight for m in MALE_NAMES], n),
        choose(rng, [f.weight for f in FEMALE_NAMES], n),
    )
    parent_age = np.where(has_h, np.minimum(h["husband_age"], h["wife_age"]), h["wife_age"])
    kid_age = rng.random(n) * np.clip(parent_age - 18.0, 0.5, 35.0)
    age = np.where(is_h, h["husband_age"], np.where(is_w, h["wife_age"], kid_age))
    return pd.DataFrame(
        {
            "household": home,
            "nat": np.where(is_w, h["w_nat"], h["nat"]),
            "role": np.where(is_h, "husband", np.where(is_w, "wife", "child")),
            "sex": np.where(is_h, 0, np.where(is_w, 1, kid_sex)),
            "first": np.where(is_h, h["h_first"], np.where(is_w, h["w_first"], kid_first)),
            "father": np.where(is_kid, h["h_first"], np.where(is_h, h["h_father"], h["w_father"])),
            "grandfather": np.where(
                is_kid, h["h_father"], np.where(is_h, h["h_grand"], h["w_grand"])
            ),
            "family": np.where(is_w, h["w_family"], h["family"]),
            "age": age,
            "governorate": h["governorate"],
            "family_phone": h["family_phone"],
            "case_no": h["case_no"],
            "reg_year": h["reg_year"],
            "naf_household": h["naf"] | (is_w & h["mixed"]),
            "unhcr_household": h["unhcr"],
        }
    )


def _distinct_sibling_names(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Brothers, and sisters, given different first names, as parents do.

    Drawn independently, 2.7 % of the committed sample's UNHCR records were a sibling of
    the same name (Fatima and Fatma: one name, two spellings), people who share every
    name and, as babies, the birth year. The world has almost none, so telling such pairs
    apart was measured on the generator's mistake. Each repeated name is drawn again
    until the household has none (the first child keeps it).
    """
    first = people["first"].to_numpy().copy()
    child = (people["role"] == "child").to_numpy()
    sex = people["sex"].to_numpy()
    weights = {0: [m.weight for m in MALE_NAMES], 1: [f.weight for f in FEMALE_NAMES]}
    for _ in range(50):  # a household has at most 8 children: a few rounds suffice
        seen = pd.DataFrame({"h": people["household"], "sex": sex, "first": first})[child]
        again = np.flatnonzero(child)[seen.duplicated(keep="first").to_numpy()]
        if not again.size:
            break
        for s, w in weights.items():
            rows = again[sex[again] == s]
            first[rows] = choose(rng, w, len(rows))
    return people.assign(first=first)


def stay(
    rng: np.random.Generator, member: np.ndarray, source: str, n_months: int
) -> tuple[IntArray, IntArray]:
    """Months [from, to) on a list: most are there from the start, a few join later, a few exit."""
    n = len(member)
    later = rng.random(n) < _JOIN_LATER[source] * max(n_months - 1, 0)
    start = np.where(later, rng.integers(1, max(n_months, 2), n), 0)
    end = np.minimum(start + rng.geometric(_EXIT_PER_MONTH[source], n), n_months)
    return np.where(member, start, n_months).astype(np.int64), np.where(
        member, end, n_months
    ).astype(np.int64)


def _ids(rng: np.random.Generator, p: pd.DataFrame, birth: pd.Series) -> pd.DataFrame:
    n = len(p)
    scramble = (np.arange(n, dtype=np.int64) * 1_234_567 + int(rng.integers(0, 10**7))) % 10**7
    suffix = pd.Series(scramble).astype(str).str.zfill(7)
    year = birth.dt.year
    nn = np.where(year < 2000, "9" + (year % 100).astype(str).str.zfill(2) + suffix, "200" + suffix)
    individual = (np.arange(n, dtype=np.int64) * 48_271 + int(rng.integers(0, 10**8))) % 10**8
    own = (p["age"].to_numpy() >= 15) & (rng.random(n) < 0.85)
    phone = np.where(own, _mobile(rng, n), p["family_phone"])
    return pd.DataFrame(
        {
            "national_number": blanked(p["nat"].to_numpy() != JOR, nn),
            "unhcr_id": blanked(
                ~p["unhcr_household"].to_numpy(),
                ("945-" + pd.Series(individual).astype(str).str.zfill(8)).to_numpy(),
            ),
            "phone": phone,
            "alt_phone": _mobile(rng, n),
        }
    )


def _draft(seed: int, households: int, months: tuple[str, ...], mess: Mess) -> pd.DataFrame:
    n_months = len(months)
    reference = pd.Timestamp(f"{months[0]}-01")
    hh = _households(_rng(seed, 1), households)
    if mess.compound_names or mess.particle_families:
        hh = compound_households(
            _rng(seed, _MESS_NAMES), hh, mess.compound_names, mess.particle_families
        )
    people = _distinct_sibling_names(_rng(seed, _SIBLING_NAMES), _members(_rng(seed, 2), hh))
    people = compound_children(_rng(seed, _MESS_CHILDREN), people, mess.compound_names)
    rng = _rng(seed, 3)
    n = len(people)
    born = reference - pd.to_timedelta(
        people["age"].to_numpy() * 365.25 + rng.random(n) * 30, unit="D"
    )
    birth = pd.Series(born).dt.floor("D")
    refugee = people["nat"].to_numpy() != JOR
    stays: dict[str, IntArray] = {}
    for name, member in (("naf", people["naf_household"]), ("unhcr", people["unhcr_household"])):
        stays[f"{name}_from"], stays[f"{name}_to"] = stay(rng, member.to_numpy(), name, n_months)
    age = people["age"].to_numpy()
    eligible = (age >= 18) & (age <= 65)
    js_p = np.full(n, _JS_TARGET["other"])
    for name in ("unhcr", "naf"):  # NAF last: a mixed-family wife counts as a NAF person
        on_list = stays[f"{name}_from"] == 0
        share = eligible[on_list].mean() if on_list.any() else 1.0
        js_p = np.where(on_list, min(_JS_TARGET[name] / max(share, 1e-9) / 0.95, 0.95), js_p)
    stays["jobseekers_from"], stays["jobseekers_to"] = stay(
        rng, eligible & (rng.random(n) < js_p), "jobseekers", n_months
    )
    out = people.assign(
        birth=birth,
        dob_known=~refugee | (rng.random(n) >= 0.07),
        **stays,
    )
    return pd.concat([out, _ids(rng, out, birth)], axis=1)


def build_population(
    people: int, seed: int, months: tuple[str, ...], mess: Mess | None = None
) -> Population:
    """Exactly ``people`` persons who appear somewhere; households kept whole except the last.

    ``mess`` gives names their compound forms here, household by household; the
    rest of a mess is laid on the finished population (``sample.people_mess``).
    """
    mess = mess or Mess()
    n_months = len(months)
    households = max(people // 2, 8)
    while True:
        draft = _draft(seed, households, months, mess)
        seen = np.zeros(len(draft), dtype=bool)
        for source in SOURCES:
            seen |= draft[f"{source}_from"].to_numpy() < n_months
        if seen.sum() >= people:
            break
        households *= 2
    persons = draft[seen].iloc[:people].reset_index(drop=True)
    persons = persons.assign(
        person_id=pd.Series(np.arange(people)).astype(str).str.zfill(7).radd("P")
    )
    return Population(persons, months, pd.Timestamp(f"{months[0]}-01"))
