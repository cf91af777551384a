"""Seeded synthetic people and their noisy records in the three sources, with truth.

Households share father, grandfather and family names, a phone and (for
refugees) a UNHCR case; first names follow a Zipf law so "Mohammad"-like keys
are very common. Records carry typos in name keys, missing grandfathers,
father/grandfather shifts, swapped day/month, year-only dates, years off by
one, missing ids and id typos.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.schemas.columns import GOVERNORATES, STANDARD_COLUMNS

_CONSONANTS = list("bdfghjklmnqrstwyz")
_VOWELS = list("aeiou")
_TO_ARABIC = dict(zip("bdfghjklmnqrstwyzaeiou", "بدفغهجكلمنقرستويزاىعيو", strict=True))


def _pool(rng: np.random.Generator, size: int) -> list[str]:
    """Distinct consonant-skeleton keys, like cross-script phonetic keys."""
    keys: set[str] = set()
    while len(keys) < size:
        length = int(rng.integers(3, 6))
        keys.add("".join(rng.choice(_CONSONANTS, length)))
    return sorted(keys)


def _zipf(rng: np.random.Generator, n_values: int, size: int, s: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, n_values + 1) ** s
    return rng.choice(n_values, size=size, p=p / p.sum())


def make_people(n_households: int, seed: int) -> pd.DataFrame:
    """People grouped in households: the truth behind the records."""
    rng = np.random.default_rng(seed)
    male, female, family = _pool(rng, 300), _pool(rng, 300), _pool(rng, 400)
    rows = []
    person = 0
    for h in range(n_households):
        syrian = rng.random() < 0.45
        fam = family[int(_zipf(rng, len(family), 1, 0.9)[0])]
        father = male[int(_zipf(rng, len(male), 1)[0])]
        grandfather = male[int(_zipf(rng, len(male), 1)[0])]
        phone = f"+9627{rng.integers(10**7, 10**8)}"
        gov = GOVERNORATES[int(rng.integers(len(GOVERNORATES)))]
        case = f"C{h:07d}" if syrian else None
        given: set[str] = set()  # parents do not give two children the same first name
        for _ in range(int(rng.integers(1, 5))):
            sex = "M" if rng.random() < 0.5 else "F"
            pool = male if sex == "M" else female
            first = pool[int(_zipf(rng, len(pool), 1, 1.3)[0])]
            while first in given:
                first = pool[int(_zipf(rng, len(pool), 1, 1.3)[0])]
            given.add(first)
            rows.append(
                {
                    "person_id": person,
                    "first": first,
                    "father": father,
                    "grandfather": grandfather,
                    "family": fam,
                    "sex": sex,
                    "year": int(rng.integers(1955, 2007)),
                    "month": int(rng.integers(1, 13)),
                    "day": int(rng.integers(1, 29)),
                    "nn": None if syrian else f"{rng.integers(10**9, 10**10)}",
                    "unhcr": f"{rng.integers(100, 999)}-{person:08d}" if syrian else None,
                    "case": case,
                    "phone": phone if rng.random() < 0.7 else f"+9627{rng.integers(10**7, 10**8)}",
                    "gov": gov,
                    "nationality": "SYR" if syrian else "JOR",
                }
            )
            person += 1
    return pd.DataFrame(rows)


def _typo(rng: np.random.Generator, key: str) -> str:
    chars = list(key)
    i = int(rng.integers(len(chars)))
    roll = rng.random()
    if roll < 0.5:
        chars[i] = str(rng.choice(_CONSONANTS))
    elif roll < 0.75 and len(chars) > 3:
        del chars[i]
    else:
        chars.insert(i, str(rng.choice(_CONSONANTS)))
    return "".join(chars)


def _spell(rng: np.random.Generator, key: str, arabic: bool) -> str:
    if arabic:
        return "".join(_TO_ARABIC[c] for c in key)
    return "".join(c + (str(rng.choice(_VOWELS)) if rng.random() < 0.6 else "") for c in key)


def _nn_typo(rng: np.random.Generator, nn: str) -> str:
    i = int(rng.integers(len(nn) - 1))
    if rng.random() < 0.5:
        return nn[:i] + nn[i + 1] + nn[i] + nn[i + 2 :]
    return nn[:i] + str((int(nn[i]) + 1) % 10) + nn[i + 1 :]


def make_records(people: pd.DataFrame, seed: int, typo_rate: float = 0.06) -> pd.DataFrame:
    """Noisy records of the people in NAF, UNHCR and job seekers, with a person_id column."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in people.itertuples(index=False):
        syrian = p.nationality == "SYR"
        sources = []
        if syrian:
            sources += ["unhcr"] * int(rng.random() < 0.9) + ["unhcr"] * int(rng.random() < 0.04)
        else:
            sources += ["naf"] * int(rng.random() < 0.75) + ["naf"] * int(rng.random() < 0.04)
        sources += ["jobseekers"] * int(rng.random() < 0.45)
        for source in sources:
            keys = {part: getattr(p, part) for part in ("first", "father", "grandfather", "family")}
            for part in keys:
                if rng.random() < typo_rate:
                    keys[part] = _typo(rng, keys[part])
            if source == "unhcr" or (source == "jobseekers" and rng.random() < 0.4):
                keys["grandfather"] = None
            if source == "jobseekers" and rng.random() < 0.03:
                keys["father"], keys["grandfather"] = keys["grandfather"], None
            arabic = source == "naf" or (source == "jobseekers" and rng.random() < 0.5)
            year, month, day = p.year, p.month, p.day
            roll = rng.random()
            if roll < 0.03 and day <= 12:
                month, day = day, month
            elif roll < 0.08:
                month = day = None
            elif roll < 0.10:
                year += int(rng.choice([-1, 1]))
            nn = p.nn
            if nn is not None and source == "jobseekers" and rng.random() < 0.3:
                nn = None
            if nn is not None and rng.random() < 0.01:
                nn = _nn_typo(rng, nn)
            row = {
                "person_id": p.person_id,
                "source": source,
                "sex": p.sex if rng.random() > 0.02 else None,
                "birth_year": year,
                "birth_month": month,
                "birth_day": day,
                "national_number": nn if source != "unhcr" else None,
                "unhcr_individual_id": p.unhcr if source == "unhcr" else None,
                "unhcr_case_id": p.case if source == "unhcr" else None,
                "phone": p.phone if rng.random() < 0.6 else None,
                "governorate": p.gov if rng.random() < 0.85 else None,
                "nationality": p.nationality,
            }
            for part, key in keys.items():
                row[f"key_{part}"] = key
                row[f"skeleton_{part}"] = None  # the simulator's keys are no real names
                row[f"name_{part}"] = None if key is None else _spell(rng, key, arabic)
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame["source_record_id"] = [f"R{i}" for i in range(len(frame))]
    frame["row_number"] = np.arange(len(frame)) + 2
    frame["name_script"] = pd.NA
    for column in ("locality", "officer", "registration_date", "employment_status"):
        frame[column] = pd.NA
    for column in ("birth_year", "birth_month", "birth_day"):
        frame[column] = frame[column].astype("Int64")
    text = [
        c
        for c in STANDARD_COLUMNS
        if c not in ("birth_year", "birth_month", "birth_day", "row_number")
    ]
    frame[text] = frame[text].astype("string")
    return frame[[*STANDARD_COLUMNS, "person_id"]]
