"""A source's share of a mess, laid on its rendered records (``RecordTable.frame``).

Each helper returns the new cells of the columns it changes, for the rows a
rate picks; the source modules say which of their columns play which part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.sample.messy import (
    EXCEL_SERIAL,
    DateHabit,
    date_styles,
    hits,
    odd_phones,
    styled_dates,
)
from benelink.sample.records import FIX_MONTH, FROM
from benelink.sample.spelling import BoolArray, ObjArray

_NOT_DIGIT = re.compile(r"\D")


def _text(values: npt.NDArray[np.object_]) -> pd.Series:
    """Cells as text, empty where blank (Excel number cells included)."""
    return pd.Series(values, dtype=object).map(lambda v: "" if v is None else str(v))


def _base_number(cells: pd.Series) -> pd.Series:
    """The 9 digits after the trunk zero of each mobile cell, whatever its form."""
    return cells.map(lambda v: _NOT_DIGIT.sub("", v)[-9:])


def odd_phone_cells(rng: np.random.Generator, cells: ObjArray, rate: float) -> ObjArray:
    """``rate`` of the non-empty phone cells rewritten in an unusual form."""
    text = _text(cells)
    hit = hits(rng, len(cells), rate) & (text != "").to_numpy()
    rewritten = odd_phones(rng, _base_number(text))
    return np.asarray(np.where(hit, rewritten, cells), dtype=object)


def identifiers_astray(
    rng: np.random.Generator,
    nn: ObjArray,
    phone: ObjArray,
    nn_in_phone: float,
    phone_in_nn: float,
) -> tuple[ObjArray, ObjArray]:
    """(national-number cells, phone cells) with national numbers typed in the phone column
    at ``nn_in_phone`` of the rows that have one, and phones typed in the national-number
    column at ``phone_in_nn`` of the rows that have a phone (the number it replaces is lost)."""
    nn_text, phone_text = _text(nn), _text(phone)
    to_phone = hits(rng, len(nn), nn_in_phone) & (nn_text != "").to_numpy()
    new_phone = np.where(to_phone, nn_text.to_numpy(dtype=object), phone)
    has_phone = (phone_text != "").to_numpy() & ~to_phone
    to_nn = hits(rng, len(nn), phone_in_nn) & has_phone
    new_nn = np.where(to_nn, phone_text.to_numpy(dtype=object), nn)
    return np.asarray(new_nn, dtype=object), np.asarray(new_phone, dtype=object)


def dated(
    rng: np.random.Generator,
    cells: Mapping[str, ObjArray],
    shown: Mapping[str, pd.Series],
    habit: DateHabit,
    rate: float,
    *,
    serial_numbers: bool = False,
) -> dict[str, ObjArray]:
    """The date columns ``cells`` rewritten for ``rate`` of the rows in the partner's
    ``habit`` (one style per row, the same in every date column of the row).

    ``shown`` holds the date each cell stands for. An Excel serial stays a number
    where ``serial_numbers`` (an Excel file), else it is text.
    """
    n = len(next(iter(cells.values())))
    hit = hits(rng, n, rate)
    style, variant = date_styles(rng, habit, n)
    out: dict[str, ObjArray] = {}
    for column, values in cells.items():
        texts = styled_dates(shown[column], style, variant)
        if serial_numbers:  # an Excel cell holding the day number, without a date format
            serial = pd.Series(texts, dtype=object).map(lambda v: int(v) if v.isdigit() else v)
            texts = np.asarray(
                np.where(style == EXCEL_SERIAL, serial.to_numpy(), texts), dtype=object
            )
        out[column] = np.asarray(np.where(hit, texts, values), dtype=object)
    return out


def respelled(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    fresh: Mapping[str, ObjArray],
    multiword: BoolArray,
    n_months: int,
) -> dict[str, npt.NDArray[np.object_] | npt.NDArray[np.int64]]:
    """Records with a multi-word name part, re-typed another way in a later month.

    Half of them, where no correction is already due and a later month exists:
    from that month on the name columns read ``fresh`` (another rendering).
    """
    start = frame[FROM].to_numpy()
    later = start + 1 + np.floor(rng.random(len(frame)) * np.maximum(n_months - start - 1, 0))
    due = frame[FIX_MONTH].to_numpy()
    pick = multiword & (due >= n_months) & (later < n_months) & (rng.random(len(frame)) < 0.5)
    out: dict[str, npt.NDArray[np.object_] | npt.NDArray[np.int64]] = {
        FIX_MONTH: np.where(pick, later.astype(np.int64), due).astype(np.int64)
    }
    for column, values in fresh.items():
        out[f"_clean_{column}"] = np.asarray(
            np.where(pick, values, frame[f"_clean_{column}"].to_numpy()), dtype=object
        )
    return out
