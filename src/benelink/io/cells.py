"""Spreadsheet-safe cell text, for every file benelink writes that someone opens in Excel.

Partner values travel in the review workbook and in rejects.csv; a value that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel or LibreOffice as a formula (``=HYPERLINK(...)`` runs when clicked). Such
cells are prefixed with an apostrophe, so they are shown, never evaluated.
"""

from __future__ import annotations

from typing import Final

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """A cell value that a spreadsheet will never evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
