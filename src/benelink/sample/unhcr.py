"""The UNHCR registration extract: Latin transliterations, individual ids and family case numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.compound import has_multiword
from benelink.sample.lexicon import GOVERNORATES, NATIONALITY_CODES
from benelink.sample.mess import Mess
from benelink.sample.mess_records import dated, odd_phone_cells, respelled
from benelink.sample.messy import hits
from benelink.sample.population import JOR, Population
from benelink.sample.records import FROM, RecordTable, evolution, listed
from benelink.sample.render import dates, names, phone_choice, phones
from benelink.sample.spelling import choose

COLUMNS: dict[str, str] = {
    "source_record_id": "Individual ID",
    "unhcr_individual_id": "Individual ID",
    "unhcr_case_id": "Case Number",
    "first_name": "Given Name",
    "father_name": "Father Name",
    "family_name": "Family Name",
    "sex": "Sex",
    "date_of_birth": "Date of Birth",
    "phone": "Phone Number",
    "governorate": "Governorate",
    "nationality": "Country of Origin",
    "registration_date": "Registration Date",
}
_PARTS = {"first": "Given Name", "father": "Father Name", "family": "Family Name"}


def _pick(
    rng: np.random.Generator, forms: list[np.ndarray], weights: tuple[float, ...]
) -> np.ndarray:
    style = choose(rng, weights, len(forms[0]))
    return np.asarray(np.stack(forms)[style, np.arange(len(forms[0]))], dtype=object)


def _registration(rng: np.random.Generator, r: pd.DataFrame, months: tuple[str, ...]) -> pd.Series:
    """Registered in the case's year, or during the month the person joined the list."""
    n = len(r)
    in_year = pd.to_datetime(r["reg_year"].astype(str) + "-01-01") + pd.to_timedelta(
        np.floor(rng.random(n) * 365), unit="D"
    )
    starts = pd.to_datetime([f"{m}-01" for m in months])
    joined = starts[r[FROM].to_numpy()] + pd.to_timedelta(np.floor(rng.random(n) * 28), unit="D")
    return pd.Series(np.where(r[FROM].to_numpy() > 0, joined, in_year))


def records(
    pop: Population, rng: np.random.Generator, mess: Mess, mess_rng: np.random.Generator
) -> RecordTable:
    """Every UNHCR individual over the months; UNHCR ids are unique, so no re-registrations.

    ``mess`` is laid on afterwards from ``mess_rng`` (nothing when it is tidy).
    """
    r = listed(pop, "unhcr", rng, dup_rate=0.0)
    n = len(r)
    rendered = names(rng, r, "latin", typo_rate=0.02)
    cols: dict[str, npt.NDArray[Any]] = {}
    for part, native in _PARTS.items():
        cols[native], cols[f"_clean_{native}"] = rendered.noisy[part], rendered.clean[part]
    ind = r["unhcr_id"].astype(str)
    cols["Individual ID"] = _pick(
        rng,
        [
            ind.to_numpy(),
            ind.str.replace("-", " ").to_numpy(),
            ind.str.replace("-", " - ").to_numpy(),
        ],
        (95, 3, 2),
    )
    case = r["case_no"].astype(str)
    cols["Case Number"] = _pick(
        rng,
        [case.to_numpy(), case.str.lower().to_numpy(), case.str.replace("-", " ").to_numpy()],
        (94, 4, 2),
    )
    cols["Sex"] = np.where(r["sex"].to_numpy() == 0, "M", "F")
    birth = pd.Series(r["birth"].to_numpy())
    unknown = "01/01/" + birth.dt.year.astype(str)
    known = dates(birth, np.where(rng.random(n) < 0.15, 1, 0))
    cols["Date of Birth"] = np.where(r["dob_known"].to_numpy(), known, unknown.to_numpy())
    cols["Phone Number"] = phones(rng, phone_choice(rng, r, missing=0.06))
    gov = r["governorate"].to_numpy()
    spellings = [np.asarray(g[2], dtype=object) for g in GOVERNORATES]
    u = rng.random(n)
    cols["Governorate"] = np.array(
        [
            spellings[g][int(x * len(spellings[g]))]
            for g, x in zip(gov.tolist(), u.tolist(), strict=True)
        ],
        dtype=object,
    )
    nat = r["nat"].to_numpy()
    codes = np.asarray(NATIONALITY_CODES, dtype=object)
    cols["Country of Origin"] = np.where(
        nat == JOR, "SYR", codes[nat]
    )  # a Jordanian wife on a Syrian case
    registered = _registration(rng, r, pop.months)
    cols["Registration Date"] = dates(registered, np.zeros(n, dtype=np.int64))
    frame = r.assign(**cols)
    frame = pd.concat(
        [frame, evolution(rng, rendered.had_typo, frame[FROM].to_numpy(), len(pop.months))], axis=1
    )
    if not mess.tidy:
        frame = _messed(frame, mess, mess_rng, registered, len(pop.months))
    return RecordTable(
        "unhcr",
        frame,
        COLUMNS,
        name_columns=tuple(_PARTS.values()),
        phone_column="Phone Number",
        dob_column="Date of Birth",
    )


def _messed(
    frame: pd.DataFrame,
    mess: Mess,
    rng: np.random.Generator,
    registered: pd.Series,
    n_months: int,
) -> pd.DataFrame:
    """Individual ids in the case column, written dates, odd phones, re-typed names."""
    n = len(frame)
    astray = hits(rng, n, mess.individual_in_case)
    case = np.where(astray, frame["Individual ID"].to_numpy(), frame["Case Number"].to_numpy())
    phone = odd_phone_cells(rng, frame["Phone Number"].to_numpy(), mess.phone_forms)
    birth = pd.Series(frame["birth"].to_numpy())
    year_only = pd.to_datetime(birth.dt.year.astype(str) + "-01-01")
    shown = {
        "Date of Birth": birth.where(frame["dob_known"].to_numpy(), year_only),
        "Registration Date": pd.Series(registered.to_numpy()),
    }
    cells = {c: frame[c].to_numpy() for c in shown}
    written = dated(rng, cells, shown, "unhcr", mess.dates_unhcr)
    fresh = names(rng, frame, "latin", typo_rate=0.0).clean
    multi = has_multiword(frame, _PARTS)
    again = respelled(rng, frame, {c: fresh[p] for p, c in _PARTS.items()}, multi, n_months)
    return frame.assign(
        **{"Case Number": np.asarray(case, dtype=object), "Phone Number": phone},
        **written,
        **again,
    )
