"""The job-seeker registry: one full-name column in either script, officers, employment status."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.compound import has_multiword
from benelink.sample.lexicon import GOVERNORATES, OFFICERS
from benelink.sample.mess import Mess
from benelink.sample.mess_records import dated, identifiers_astray, odd_phone_cells, respelled
from benelink.sample.messy import by_units, hits
from benelink.sample.population import JOR, Population
from benelink.sample.records import DUP, FROM, RecordTable, evolution, listed, scrambled_ids
from benelink.sample.render import NAME_PARTS, dates, names, phone_choice, phones
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
UNHCR_NO = "UNHCR No"  # the column a mess adds (jobseeker_unhcr_no): refugees' UNHCR number
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


def _registration(
    rng: np.random.Generator, r: pd.DataFrame, months: tuple[str, ...]
) -> tuple[pd.Series, ObjArray]:
    """When each record was registered, and how the date is written."""
    n = len(r)
    first = pd.Timestamp(f"{months[0]}-01")
    earlier = first - pd.to_timedelta(
        1 + np.floor(rng.random(n) * (first - pd.Timestamp("2019-01-01")).days), unit="D"
    )
    starts = pd.to_datetime([f"{m}-01" for m in months])
    joined = starts[r[FROM].to_numpy()] + pd.to_timedelta(np.floor(rng.random(n) * 28), unit="D")
    when = pd.Series(np.where(r[FROM].to_numpy() > 0, joined, earlier))
    return when, dates(when, np.where(rng.random(n) < 0.3, 1, 0))


def records(
    pop: Population, rng: np.random.Generator, mess: Mess, mess_rng: np.random.Generator
) -> RecordTable:
    """Every job-seeker record over the months; about 2.5 % of people re-registered under a new id.

    ``mess`` is laid on afterwards from ``mess_rng`` (nothing when it is tidy).
    """
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
    }
    registered, cols["Registration Date"] = _registration(rng, r, pop.months)
    habit = rng.random(n)
    for month, codes in enumerate(_statuses(rng, n, len(pop.months))):
        cols[f"_m{month}_Status"] = _by_habit(habit, codes, _STATUS_TEXT)
    cols["Status"] = cols["_m0_Status"]
    frame = r.assign(**cols)
    frame = pd.concat(
        [frame, evolution(rng, rendered.had_typo, frame[FROM].to_numpy(), len(pop.months))], axis=1
    )
    columns = COLUMNS
    if not mess.tidy:
        frame = _messed(frame, mess, mess_rng, registered, script, four, len(pop.months))
    if mess.jobseeker_unhcr_no:  # the column comes right after the national number
        at = list(COLUMNS).index("national_number") + 1
        items = list(COLUMNS.items())
        columns = dict([*items[:at], ("unhcr_individual_id", UNHCR_NO), *items[at:]])
    return RecordTable(
        "jobseekers",
        frame,
        columns,
        name_columns=("Full Name",),
        phone_column="Mobile",
        dob_column="Date of Birth",
        nn_column="National Number",
        evolving=("Status",),
    )


def _unhcr_numbers(rng: np.random.Generator, frame: pd.DataFrame, mess: Mess) -> ObjArray:
    """The "UNHCR No" of refugee job seekers: the individual id, or by whole officers the
    family's case number, as typed (a space or nothing for the dash now and then)."""
    n = len(frame)
    filled = frame["unhcr_id"].notna().to_numpy() & hits(rng, n, mess.jobseeker_unhcr_no)
    case = by_units(rng, frame["Officer"].to_numpy(), filled, mess.case_in_unhcr_no)
    value = pd.Series(
        np.where(case, frame["case_no"].to_numpy(), frame["unhcr_id"].to_numpy()), dtype=object
    ).fillna("")
    typed = choose(rng, (90, 5, 5), n)
    text = np.select(
        [typed == 1, typed == 2],
        [value.str.replace("-", " ").to_numpy(), value.str.replace("-", "").to_numpy()],
        value.to_numpy(),
    )
    return blanked(~filled, text)


def _messed(
    frame: pd.DataFrame,
    mess: Mess,
    rng: np.random.Generator,
    registered: pd.Series,
    script: np.ndarray,
    four: np.ndarray,
    n_months: int,
) -> pd.DataFrame:
    """UNHCR numbers (some of them case numbers), identifiers astray, written dates, odd
    phones, re-typed names."""
    updates: dict[str, Any] = {UNHCR_NO: _unhcr_numbers(rng, frame, mess)}
    phone = odd_phone_cells(rng, frame["Mobile"].to_numpy(), mess.phone_forms)
    updates["National Number"], updates["Mobile"] = identifiers_astray(
        rng, frame["National Number"].to_numpy(), phone, mess.nn_in_phone, mess.phone_in_nn
    )
    birth = pd.Series(frame["birth"].to_numpy())
    year_only = "01/01/" + birth.dt.year.astype(str)
    unknown = (frame["Date of Birth"].to_numpy() == year_only.to_numpy()) & ~(
        (birth.dt.month == 1) & (birth.dt.day == 1)
    ).to_numpy()
    shown = {
        "Date of Birth": birth.where(~unknown, pd.to_datetime(year_only, format="%d/%m/%Y")),
        "Registration Date": pd.Series(registered.to_numpy()),
    }
    cells = {c: frame[c].to_numpy() for c in shown}
    updates.update(dated(rng, cells, shown, "jobseekers", mess.dates_jobseekers))
    fresh = names(rng, frame, script, typo_rate=0.0).clean
    multi = has_multiword(frame, NAME_PARTS)
    retyped = {"Full Name": _full_names(fresh, four)}
    updates.update(respelled(rng, frame, retyped, multi, n_months))
    return frame.assign(**updates)
