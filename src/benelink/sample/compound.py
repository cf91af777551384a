"""Multi-word name parts: compound given names and family names with a particle.

The tidy sample already has a few (عبدالرحمن, بني هاني, Al-Hariri); a mess with
``compound_names`` or ``particle_families`` gives that share of names one of
the tables below instead. They are appended to the lexicon's tables, so the
tidy sample's draws and renderings do not move, and they carry the spellings
clerks really use: spaced or glued in Arabic (نور الدين / نورالدين), and in
Latin spaced, glued, hyphenated, with the article written al-, el-, ud-, e-.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd

from benelink.sample.lexicon import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    Name,
    given_names,
)
from benelink.sample.spelling import BoolArray, IntArray, choose

_COMPOUND_MALE: Final = """
نور الدين;10;Nur al-Din:20|Nureddin:15|Nour Eddine:15|Nour El Din:15|Noureddin:10|Nour Aldeen:10|Nuruddin:5|Nour-Eddin:10
أبو بكر;8;Abu Bakr:40|Abubakr:20|Abou Bakr:15|Abu Baker:15|Abubaker:10
صلاح الدين;8;Salah al-Din:25|Salaheddine:20|Salah Eddin:20|Salah El Din:15|Salahuddin:10|Salah Aldeen:10
عز الدين;6;Izz al-Din:25|Ezzeddine:20|Ezz Eldin:20|Ezzedin:15|Izzeddin:10|Ezz Al Deen:10
سيف الدين;5;Saif al-Din:30|Saifeddin:20|Seif Eldin:20|Saif Aldeen:15|Sayf al-Din:15
علاء الدين;6;Alaa al-Din:25|Alaeddin:25|Alaa Eldin:20|Ala Aldeen:15|Aladdin:15
عبد الناصر;6;Abd al-Nasser:20|Abdelnasser:25|Abdul Nasser:20|Abdel Naser:15|Abdulnaser:10|Abdunnasir:10
عبد المجيد;5;Abd al-Majid:20|Abdelmajid:25|Abdul Majeed:20|Abdel Majid:20|Abdulmajeed:15
عبد الحليم;4;Abd al-Halim:20|Abdelhalim:25|Abdul Haleem:25|Abdel Halim:20|Abdulhalim:10
عبد الإله;3;Abd al-Ilah:25|Abdelilah:30|Abdul Elah:25|Abdulilah:20
محمد نور;8;Mohammad Nour:30|Mhd Nour:20|Mohamad Nour:20|Muhammad Nur:15|Mohammed Noor:15
محمد علي;6;Mohammad Ali:35|Mohammed Ali:25|Muhammad Ali:20|Mhd Ali:10|Mohamad Ali:10
محمد خير;5;Mohammad Kheir:30|Mhd Kheir:25|Mohamad Khair:25|Muhammad Khayr:20
"""

_COMPOUND_FEMALE: Final = """
نور الهدى;10;Nour al-Huda:25|Nourelhuda:20|Nour Alhuda:20|Noor El Houda:15|Nur al-Hoda:10|Nour-Elhouda:10
فاطمة الزهراء;8;Fatima al-Zahra:30|Fatimazahra:15|Fatima Zahraa:20|Fatma Elzahraa:20|Fatimah Al Zahra:15
أم كلثوم;4;Um Kulthum:30|Om Kalthoum:25|Umm Kalthum:25|Omkalthoum:20
ست البنات;3;Sitt al-Banat:40|Set Elbanat:30|Sit Al Banat:30
نور الإيمان;4;Nour al-Iman:35|Noureliman:25|Nour Aleman:20|Noor El Eman:20
"""

# "arabic;groups;weight;Latin:w|..." (groups: nationality codes, as in the lexicon)
_PARTICLE_FAMILIES: Final = """
أبو غزالة;J;8;Abu Ghazaleh:35|Abughazaleh:20|Abu Ghazala:15|Abou Ghazaleh:15|Abu-Ghazaleh:15
أبو عودة;J;6;Abu Odeh:35|Abu Awdeh:20|Abuodeh:20|Abou Odeh:15|Abu-Odeh:10
أبو السمن;J;4;Abu Al-Samen:30|Abu Alsamen:25|Abu Samen:20|Abusamen:15|Abou El Samen:10
بني ياسين;J;6;Bani Yaseen:40|Bani Yassin:20|Beni Yasin:15|Baniyaseen:15|Bani-Yaseen:10
بني مصطفى;J;5;Bani Mustafa:40|Bani Moustafa:25|Banimustafa:20|Beni Mostafa:15
بني عامر;J;4;Bani Amer:50|Beni Amer:25|Baniamer:25
عبد الهادي;JS;5;Abdel Hadi:30|Abdulhadi:25|Abd al-Hadi:20|Abdelhadi:15|Abdul Hadi:10
أبو حمدان;JS;4;Abu Hamdan:50|Abuhamdan:25|Abou Hamdan:25
أبو الخير;S;6;Abu al-Khair:25|Abulkhair:20|Abu Alkheir:20|Abou El Kheir:20|Abu Khair:15
الحاج علي;S;6;Al-Hajj Ali:25|Alhaj Ali:25|El Haj Ali:20|Haj Ali:15|Al Hajali:15
أبو شقرة;S;4;Abu Shakra:40|Abushaqra:30|Abou Chakra:30
آل الشيخ;I;4;Al al-Sheikh:40|Al Alsheikh:30|Aal El Sheikh:30
"""


def _families() -> tuple[tuple[Name, ...], tuple[frozenset[int], ...]]:
    letters = {"J": 0, "S": 1, "I": 2, "Y": 3, "D": 4}
    names: list[Name] = []
    groups: list[frozenset[int]] = []
    for line in _PARTICLE_FAMILIES.strip().splitlines():
        arabic, codes, weight, spec = line.split(";")
        (name,) = given_names(f"{arabic};{weight};{spec}", glued_variant=True)
        names.append(name)
        groups.append(frozenset(letters[c] for c in codes))
    return tuple(names), tuple(groups)


COMPOUND_MALE: Final = given_names(_COMPOUND_MALE, glued_variant=True)
COMPOUND_FEMALE: Final = given_names(_COMPOUND_FEMALE, glued_variant=True)
PARTICLE_FAMILIES, PARTICLE_GROUPS = _families()

# What rendering indexes: the lexicon's tables, then these. Names are drawn from the
# lexicon's tables alone, so the tidy sample never sees an id past their end.
ALL_MALE: Final[tuple[Name, ...]] = MALE_NAMES + COMPOUND_MALE
ALL_FEMALE: Final[tuple[Name, ...]] = FEMALE_NAMES + COMPOUND_FEMALE
ALL_FAMILY: Final[tuple[Name, ...]] = FAMILY_NAMES + PARTICLE_FAMILIES

_MALE_SLOTS = ("h_first", "h_father", "h_grand", "w_father", "w_grand")


def _replaced(
    rng: np.random.Generator, ids: IntArray, rate: float, table: tuple[Name, ...], offset: int
) -> IntArray:
    hit = rng.random(len(ids)) < rate
    drawn = choose(rng, [n.weight for n in table], len(ids)) + offset
    return np.where(hit, drawn, ids).astype(np.int64)


def _particle_family(
    rng: np.random.Generator, family: IntArray, nat: IntArray, rate: float
) -> IntArray:
    """A particle family of the household's nationality for ``rate`` of households."""
    hit = rng.random(len(family)) < rate
    out = family.copy()
    for group in np.unique(nat[hit]).tolist():
        rows = np.flatnonzero(hit & (nat == group))
        members = [i for i, gs in enumerate(PARTICLE_GROUPS) if group in gs]
        if not members:  # no particle family of that nationality here: the name stays
            continue
        weights = [PARTICLE_FAMILIES[i].weight for i in members]
        picked = np.asarray(members, dtype=np.int64)[choose(rng, weights, len(rows))]
        out[rows] = picked + len(FAMILY_NAMES)
    return out


def compound_households(
    rng: np.random.Generator, hh: pd.DataFrame, compound: float, particle: float
) -> pd.DataFrame:
    """Households whose given names are compound at rate ``compound`` per name, and whose
    family names carry a particle at rate ``particle`` (the husband's and the wife's
    families each)."""
    updates: dict[str, IntArray] = {}
    if compound:
        for slot in _MALE_SLOTS:
            ids = hh[slot].to_numpy().astype(np.int64)
            updates[slot] = _replaced(rng, ids, compound, COMPOUND_MALE, len(MALE_NAMES))
        ids = hh["w_first"].to_numpy().astype(np.int64)
        updates["w_first"] = _replaced(rng, ids, compound, COMPOUND_FEMALE, len(FEMALE_NAMES))
    if particle:
        for family, nat in (("family", "nat"), ("w_family", "w_nat")):
            ids = hh[family].to_numpy().astype(np.int64)
            updates[family] = _particle_family(
                rng, ids, hh[nat].to_numpy().astype(np.int64), particle
            )
    return hh.assign(**updates)


def compound_children(rng: np.random.Generator, people: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Children given a compound first name at ``rate`` (parents were done per household)."""
    if not rate:
        return people
    child = people["role"].to_numpy() == "child"
    first = people["first"].to_numpy().astype(np.int64)
    male = _replaced(rng, first, rate, COMPOUND_MALE, len(MALE_NAMES))
    female = _replaced(rng, first, rate, COMPOUND_FEMALE, len(FEMALE_NAMES))
    sex = people["sex"].to_numpy()
    new = np.where(child, np.where(sex == 0, male, female), first)
    return people.assign(first=new.astype(np.int64))


def has_multiword(persons: pd.DataFrame, parts: Iterable[str]) -> BoolArray:
    """Rows of ``persons`` (name ids, as the population holds them) with a multi-word name
    in one of ``parts``."""
    sex = persons["sex"].to_numpy()
    out = np.zeros(len(persons), dtype=np.bool_)
    for part in parts:
        out |= multiword(persons[part].to_numpy().astype(np.int64), part, sex)
    return out


def multiword(ids: IntArray, part: str, sex: IntArray | None = None) -> np.ndarray:
    """True where the name ``ids`` index (in the tables above) is one of this module's."""
    if part == "family":
        return np.asarray(ids >= len(FAMILY_NAMES))
    if part == "first" and sex is not None:
        return np.asarray(np.where(sex == 0, ids >= len(MALE_NAMES), ids >= len(FEMALE_NAMES)))
    return np.asarray(ids >= len(MALE_NAMES))
