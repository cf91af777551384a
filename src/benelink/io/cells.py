"""Spreadsheet-safe cell text, for every file benelink writes that someone opens in Excel.

Partner values travel in the review workbook and in rejects.csv; a value that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel or LibreOffice as a formula (``=HYPERLINK(...)`` runs when clicked). Such
cells are prefixed with an apostrophe, so they are shown, never evaluated.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """A cell value that a spreadsheet will never evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def defused(values: pd.Series) -> pd.Series:
    """A column whose text cells a spreadsheet will never evaluate (numbers kept as they are)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values
    text = values.astype("string")
    risky = text.str.startswith(FORMULA_START).fillna(False)
    if not risky.any():
        return values
    return text.where(~risky, "'" + text)
