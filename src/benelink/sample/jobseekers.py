"""The job-seeker registry: one full-name column in either script, officers, employment status."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.lexicon import GOVERNORATES, OFFICERS
from benelink.sample.population import JOR, Population
from benelink.sample.records import DUP, FROM, RecordTable, evolution, listed, scrambled_ids
from benelink.sample.render import dates, names, phone_choice, phones
from benelink.sample.spelling import ObjArray, arabic_typo, blanked, choose, latin_typo

COLUMNS: dict[str, str] = {
    "source_record_id": "Seeker ID",
    "full_name": "Full Name",
    "national_number": "National Number",
    "sex": "Gender",
    "date_of_birth": "Date of Birth",
    "phone": "Mobile",
    "governorate": "Governorate",
    "nationality": "Nationality",
    "officer": "Officer",
    "registration_date": "Registration Date",
    "employment_status": "Status",
}
# Status codes: unemployed, in training, employed, self-employed; monthly transitions.
_START = (0.68, 0.10, 0.14, 0.08)
_MOVES = np.array(
    [
        [0.88, 0.06, 0.05, 0.01],
        [0.10, 0.70, 0.20, 0.00],
        [0.03, 0.0, 0.97, 0.0],
        [0.03, 0.0, 0.0, 0.97],
    ]
)
_STATUS_TEXT: tuple[tuple[tuple[str, ...], tuple[float, ...]], ...] = (
    (("Unemployed", "unemployed", "Unemployed ", "UNEMPLOYED"), (80, 10, 6, 4)),
    (("In training", "In Training", "in training"), (70, 20, 10)),
    (("Employed", "employed", "Employed "), (80, 12, 8)),
    (("Self-employed", "Self employed", "Self-Employed"), (70, 20, 10)),
)
_NATIONALITY = (
    (("Jordanian", "أردني", "اردني"), (60, 30, 10)),
    (("Syrian", "سوري"), (70, 30)),
    (("Iraqi", "عراقي"), (70, 30)),
    (("Yemeni", "يمني"), (70, 30)),
    (("Sudanese", "سوداني"), (70, 30)),
)


def _by_habit(
    u: np.ndarray, codes: np.ndarray, table: tuple[tuple[tuple[str, ...], tuple[float, ...]], ...]
) -> ObjArray:
    """The spelling a record's clerk uses for each code; ``u`` fixes the habit per record."""
    out = np.empty(len(codes), dtype=object)
    for code, (texts, weights) in enumerate(table):
        rows = codes == code
        cum = np.cumsum(weights) / sum(weights)
        out[rows] = np.asarray(texts, dtype=object)[
            np.minimum(np.searchsorted(cum, u[rows], side="right"), len(texts) - 1)
        ]
    return out


def _statuses(rng: np.random.Generator, n: int, n_months: int) -> list[np.ndarray]:
    state = choose(rng, _START, n)
    chain = [state]
    cum = np.cumsum(_MOVES, axis=1)
    for _ in range(1, n_months):
        u = rng.random(n)
        state = np.minimum((u[:, None] > cum[state]).sum(axis=1), 3)
        chain.append(state)
    return chain


def _full_names(parts: dict[str, ObjArray], four: np.ndarray) -> ObjArray:
    s = {k: pd.Series(v, dtype=object).fillna("") for k, v in parts.items()}
    three = s["first"] + " " + s["father"] + " " + s["family"]
    full = s["first"] + " " + s["father"] + " " + s["grandfather"] + " " + s["family"]
    return np.where(four, full.to_numpy(), three.to_numpy())


def _governorates(rng: np.random.Generator, gov: np.ndarray) -> ObjArray:
    n = len(gov)
    english = np.asarray([g[2][0] for g in GOVERNORATES], dtype=object)[gov]
    arabic = np.asarray([g[1] for g in GOVERNORATES], dtype=object)[gov]
    out = np.where(rng.random(n) < 0.6, english, arabic)
    u1, u2, hit = rng.random(n), rng.random(n), rng.random(n) < 0.03
    for i in np.flatnonzero(hit).tolist():
        slip = latin_typo if out[i].isascii() else arabic_typo
        out[i] = slip(out[i], float(u1[i]), float(u2[i]))
    return np.asarray(out, dtype=object)


def _officers(rng: np.random.Generator, gov: np.ndarray) -> ObjArray:
    names = [g[0] for g in GOVERNORATES]
    pool = [[o for o, covered in OFFICERS if n in covered] for n in names]
    u, stray = rng.random(len(gov)), rng.random(len(gov)) < 0.1
    anyone = np.asarray([o for o, _ in OFFICERS], dtype=object)[
        rng.integers(0, len(OFFICERS), len(gov))
    ]
    usual = np.array(
        [pool[g][int(x * len(pool[g]))] for g, x in zip(gov.tolist(), u.tolist(), strict=True)],
        dtype=object,
    )
    return np.asarray(np.where(stray, anyone, usual), dtype=object)


def _dates_of_birth(rng: np.random.Generator, r: pd.DataFrame) -> ObjArray:
    """Mixed formats in one column; some day/month swapped, as if typed month first."""
    n = len(r)
    birth = pd.Series(r["birth"].to_numpy())
    style = choose(rng, (50, 25, 20, 5), n)
    swappable = (birth.dt.day <= 12) & (birth.dt.day != birth.dt.month)
    style = np.where((style == 3) & ~swappable.to_numpy(), 0, style)
    text = dates(birth, style)
    unknown = ~r["dob_known"].to_numpy() & (rng.random(n) < 0.5)
    return np.where(unknown, ("01/01/" + birth.dt.year.astype(str)).to_numpy(), text)


def _registration(rng: np.random.Generator, r: pd.DataFrame, months: tuple[str, ...]) -> ObjArray:
    n = len(r)
    first = pd.Timestamp(f"{months[0]}-01")
    earlier = first - pd.to_timedelta(
        1 + np.floor(rng.random(n) * (first - pd.Timestamp("2019-01-01")).days), unit="D"
    )
    starts = pd.to_datetime([f"{m}-01" for m in months])
    joined = starts[r[FROM].to_numpy()] + pd.to_timedelta(np.floor(rng.random(n) * 28), unit="D")
    when = pd.Series(np.where(r[FROM].to_numpy() > 0, joined, earlier))
    return dates(when, np.where(rng.random(n) < 0.3, 1, 0))


def records(pop: Population, rng: np.random.Generator) -> RecordTable:
    """Every job-seeker record over the months; about 2.5 % of people re-registered under a new id."""
    r = listed(pop, "jobseekers", rng, dup_rate=0.028)
    n = len(r)
    jordanian = r["nat"].to_numpy() == JOR
    u = rng.random(n)
    script = np.where(
        jordanian, np.where(u < 0.85, "arabic", "latin"), np.where(u < 0.8, "latin", "arabic")
    )
    rendered = names(rng, r, script, typo_rate=0.025)
    four = rng.random(n) < 0.7
    gender = choose(rng, (60, 25, 15), n)
    sex = r["sex"].to_numpy()
    keep_nn = jordanian & (rng.random(n) < np.where(r[DUP].to_numpy(), 0.7, 0.9))
    cols: dict[str, npt.NDArray[Any]] = {
        "Seeker ID": scrambled_ids(rng, n, "JS-", 7).to_numpy(),
        "Full Name": _full_names(rendered.noisy, four),
        "_clean_Full Name": _full_names(rendered.clean, four),
        "National Number": blanked(~keep_nn, r["national_number"].to_numpy()),
        "Gender": np.select(
            [gender == 0, gender == 1],
            [np.where(sex == 0, "Male", "Female"), np.where(sex == 0, "M", "F")],
            np.where(sex == 0, "1", "2"),
        ),
        "Date of Birth": _dates_of_birth(rng, r),
        "Mobile": phones(rng, phone_choice(rng, r, missing=0.03)),
        "Governorate": _governorates(rng, r["governorate"].to_numpy()),
        "Nationality": _by_habit(rng.random(n), r["nat"].to_numpy(), _NATIONALITY),
        "Officer": _officers(rng, r["governorate"].to_numpy()),
        "Registration Date": _registration(rng, r, pop.months),
    }
    habit = rng.random(n)
    for month, codes in enumerate(_statuses(rng, n, len(pop.months))):
        cols[f"_m{month}_Status"] = _by_habit(habit, codes, _STATUS_TEXT)
    cols["Status"] = cols["_m0_Status"]
    frame = r.assign(**cols)
    frame = pd.concat(
        [frame, evolution(rng, rendered.had_typo, frame[FROM].to_numpy(), len(pop.months))], axis=1
    )
    return RecordTable(
        "jobseekers",
        frame,
        COLUMNS,
        name_columns=("Full Name",),
        phone_column="Mobile",
        dob_column="Date of Birth",
        nn_column="National Number",
        evolving=("Status",),
    )
