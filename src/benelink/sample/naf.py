"""The National Aid Fund list: Excel, Arabic headers, Arabic four-part names, national numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.lexicon import GOVERNORATES
from benelink.sample.population import Population
from benelink.sample.records import FROM, RecordTable, evolution, listed, scrambled_ids
from benelink.sample.render import dates, names, phone_choice, phones
from benelink.sample.spelling import blanked, choose

COLUMNS: dict[str, str] = {
    "source_record_id": "رقم السجل",
    "national_number": "الرقم الوطني",
    "first_name": "الاسم الأول",
    "father_name": "اسم الأب",
    "grandfather_name": "اسم الجد",
    "family_name": "اسم العائلة",
    "sex": "الجنس",
    "date_of_birth": "تاريخ الميلاد",
    "phone": "رقم الهاتف",
    "governorate": "المحافظة",
    "nationality": "الجنسية",
}
_PARTS = {
    "first": "first_name",
    "father": "father_name",
    "grandfather": "grandfather_name",
    "family": "family_name",
}


def _hamza_free(text: str) -> str:
    return text.replace("إ", "ا").replace("أ", "ا").replace("الزرقاء", "الزرقا")


def records(pop: Population, rng: np.random.Generator) -> RecordTable:
    """Every NAF record over the months; about 1 % of people are listed twice."""
    r = listed(pop, "naf", rng, dup_rate=0.01)
    n = len(r)
    rendered = names(rng, r, "arabic", typo_rate=0.02)
    no_grandfather = rng.random(n) < 0.05
    cols: dict[str, npt.NDArray[Any]] = {}
    for part, canonical in _PARTS.items():
        native = COLUMNS[canonical]
        noisy, clean = rendered.noisy[part], rendered.clean[part]
        if part == "grandfather":
            noisy, clean = (
                blanked(no_grandfather, noisy),
                blanked(no_grandfather, clean),
            )
        cols[native], cols[f"_clean_{native}"] = noisy, clean
    nn = r["national_number"].astype(object).to_numpy()
    as_number = rng.random(n) < 0.1  # an officer pasted them as numbers: Excel number cells
    cols[COLUMNS["national_number"]] = np.array(
        [int(v) if flag and v is not None else v for v, flag in zip(nn, as_number, strict=True)],
        dtype=object,
    )
    sex = r["sex"].to_numpy()
    cols[COLUMNS["sex"]] = np.where(sex == 0, "ذكر", np.where(rng.random(n) < 0.15, "انثى", "أنثى"))
    birth = pd.Series(r["birth"].to_numpy())
    as_text = rng.random(n) < 0.15
    cells = np.asarray(birth.dt.date, dtype=object)
    cols[COLUMNS["date_of_birth"]] = np.where(
        as_text, dates(birth, np.zeros(n, dtype=np.int64)), cells
    )
    cols[COLUMNS["phone"]] = phones(rng, phone_choice(rng, r, missing=0.04))
    arabic = np.array([g[1] for g in GOVERNORATES], dtype=object)
    plain = np.array([_hamza_free(g[1]) for g in GOVERNORATES], dtype=object)
    gov = r["governorate"].to_numpy()
    cols[COLUMNS["governorate"]] = np.where(rng.random(n) < 0.2, plain[gov], arabic[gov])
    style = choose(rng, (80, 12, 8), n)
    nationality = np.where(sex == 0, "أردني", "أردنية")
    cols[COLUMNS["nationality"]] = np.select(
        [style == 0, style == 1], [nationality, "اردني"], "الأردن"
    )
    cols[COLUMNS["source_record_id"]] = scrambled_ids(rng, n, "", 8).radd("2").to_numpy()
    frame = r.assign(**cols)
    frame = pd.concat(
        [frame, evolution(rng, rendered.had_typo, frame[FROM].to_numpy(), len(pop.months))], axis=1
    )
    return RecordTable(
        "naf",
        frame,
        COLUMNS,
        name_columns=tuple(COLUMNS[c] for c in _PARTS.values()),
        phone_column=COLUMNS["phone"],
        dob_column=COLUMNS["date_of_birth"],
        nn_column=COLUMNS["national_number"],
    )
