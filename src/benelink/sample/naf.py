"""The National Aid Fund list: Excel, Arabic headers, Arabic four-part names, national numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.compound import has_multiword
from benelink.sample.lexicon import GOVERNORATES
from benelink.sample.mess import Mess
from benelink.sample.mess_records import dated, identifiers_astray, odd_phone_cells, respelled
from benelink.sample.population import JOR, Population
from benelink.sample.records import FROM, RecordTable, evolution, listed, scrambled_ids
from benelink.sample.render import NAME_PARTS, dates, names, phone_choice, phones
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


# A refugee on the NAF list, by nationality code (as population.py numbers them): how
# NAF writes the nationality of a man, of a woman, and the country.
_REFUGEE_NATIONALITY = (
    ("", "", ""),
    ("سوري", "سورية", "سوريا"),
    ("عراقي", "عراقية", "العراق"),
    ("يمني", "يمنية", "اليمن"),
    ("سوداني", "سودانية", "السودان"),
)


def _hamza_free(text: str) -> str:
    return text.replace("إ", "ا").replace("أ", "ا").replace("الزرقاء", "الزرقا")


def records(
    pop: Population, rng: np.random.Generator, mess: Mess, mess_rng: np.random.Generator
) -> RecordTable:
    """Every NAF record over the months; about 1 % of people are listed twice.

    ``mess`` is laid on afterwards from ``mess_rng`` (nothing when it is tidy).
    """
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
    nat = r["nat"].to_numpy()
    if (nat != JOR).any():  # refugees on the list (a mess): no national number, their nationality
        table = np.asarray(_REFUGEE_NATIONALITY, dtype=object)
        own = np.where(style == 2, table[nat, 2], table[nat, np.minimum(sex, 1)])
        cols[COLUMNS["nationality"]] = np.where(nat != JOR, own, cols[COLUMNS["nationality"]])
    cols[COLUMNS["source_record_id"]] = scrambled_ids(rng, n, "", 8).radd("2").to_numpy()
    frame = r.assign(**cols)
    frame = pd.concat(
        [frame, evolution(rng, rendered.had_typo, frame[FROM].to_numpy(), len(pop.months))], axis=1
    )
    if not mess.tidy:
        frame = _messed(frame, mess, mess_rng, len(pop.months))
    return RecordTable(
        "naf",
        frame,
        COLUMNS,
        name_columns=tuple(COLUMNS[c] for c in _PARTS.values()),
        phone_column=COLUMNS["phone"],
        dob_column=COLUMNS["date_of_birth"],
        nn_column=COLUMNS["national_number"],
    )


def _messed(
    frame: pd.DataFrame, mess: Mess, rng: np.random.Generator, n_months: int
) -> pd.DataFrame:
    """Blank national numbers, identifiers astray, written dates, odd phones, re-typed names."""
    nn_col, phone_col, dob_col = (
        COLUMNS["national_number"],
        COLUMNS["phone"],
        COLUMNS["date_of_birth"],
    )
    n = len(frame)
    blank = (frame["nat"].to_numpy() == JOR) & (rng.random(n) < mess.naf_blank_nn)
    nn = blanked(blank, frame[nn_col].to_numpy())
    phone = odd_phone_cells(rng, frame[phone_col].to_numpy(), mess.phone_forms)
    nn, phone = identifiers_astray(rng, nn, phone, mess.nn_in_phone, mess.phone_in_nn)
    cells = {dob_col: frame[dob_col].to_numpy()}
    shown = {dob_col: pd.Series(frame["birth"].to_numpy())}
    written = dated(rng, cells, shown, "naf", mess.dates_naf, serial_numbers=True)
    fresh = names(rng, frame, "arabic", typo_rate=0.0).clean
    multi = has_multiword(frame, NAME_PARTS)
    no_grandfather = frame[COLUMNS["grandfather_name"]].isna().to_numpy()
    retyped = {COLUMNS[c]: fresh[p] for p, c in _PARTS.items()}
    retyped[COLUMNS["grandfather_name"]] = blanked(
        no_grandfather, retyped[COLUMNS["grandfather_name"]]
    )
    again = respelled(rng, frame, retyped, multi, n_months)
    return frame.assign(**{nn_col: nn, phone_col: phone, **written, **again})
