"""Identifiers put where they belong, whatever column the partner typed them in.

A job-seeker file's "UNHCR No" column often holds the family's UNHCR case number rather
than the person's individual id; read as an individual id it splits a person from their
UNHCR record (two different "individual ids") and merges siblings (one shared "individual
id"). National numbers turn up in the phone column, phones in the national-number column,
individual ids in the case column. Each value is recognised by its shape
(``identifiers.identifier_shapes``) and used as what it is: moved to the column of its kind
when the record has nothing there, dropped when the record already has its own value of
that kind (the record's own value is kept). What was moved and dropped is counted per
source, for the report.

Shapes are ambiguous in two places, and there the column decides, never the single value:

* A case-shaped value ("945-21C01234") in the individual-id column is a case number,
  unless the column itself shows that this office writes individual ids in the case shape:
  most of its values are case-shaped *and* either they are the record ids (UNHCR's own
  extract: one column is both) or they differ from the same row's case number in most rows.
* Ten bare digits are a national number or a case number written without its dashes. In
  the case column they stay case numbers; in the individual-id column they are case
  numbers when the column is mostly case numbers, national numbers otherwise; anywhere
  else they are national numbers.

A value of no known shape stays where it is, for its column's standardiser to judge.
Everything is computed over the whole source at once (a few vectorised passes), so the
decision does not depend on how the source is cut into slices for the workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from benelink.arrow_text import ARROW_TEXT, as_text
from benelink.schemas.columns import SOURCE
from benelink.standardize import phones
from benelink.standardize._unique import string_column
from benelink.standardize.identifiers import (
    SHAPE_CASE,
    SHAPE_INDIVIDUAL,
    SHAPE_NATIONAL,
    SHAPE_PHONE,
    identifier_shapes,
    record_id_column,
    unhcr_id,
)

NATIONAL: Final = "national_number"
INDIVIDUAL: Final = "unhcr_individual_id"
CASE: Final = "unhcr_case_id"
PHONE: Final = "phone"
# the columns values are routed between, in the order a misplaced value is taken from
IDENTIFIER_COLUMNS: Final[tuple[str, ...]] = (NATIONAL, INDIVIDUAL, CASE, PHONE)
_KIND_OF_SHAPE: Final[dict[int, str]] = {
    SHAPE_NATIONAL: NATIONAL,
    SHAPE_INDIVIDUAL: INDIVIDUAL,
    SHAPE_CASE: CASE,
    SHAPE_PHONE: PHONE,
}
_SHAPE_OF_KIND: Final = {kind: shape for shape, kind in _KIND_OF_SHAPE.items()}
_STAY: Final = ""  # destination of a value that stays in its own column


@dataclass(frozen=True)
class Reroute:
    """Values of one source recognised as ``to_column`` values in ``from_column``."""

    source: str
    from_column: str
    to_column: str
    moved: int  # put in ``to_column``, where the record had nothing
    dropped: int  # left out: the record already had its own ``to_column`` value

    @property
    def label(self) -> str:
        return f"{self.from_column} -> {self.to_column}"

    @property
    def values(self) -> int:
        return self.moved + self.dropped

    def to_dict(self) -> dict[str, str | int]:
        return {
            "source": self.source,
            "from": self.from_column,
            "to": self.to_column,
            "values": self.values,
            "moved": self.moved,
            "dropped": self.dropped,
        }


@dataclass(frozen=True)
class RoutedIdentifiers:
    """A source's canonical frame with every recognised identifier in its own column."""

    frame: pd.DataFrame
    rerouted: tuple[Reroute, ...]
    # the individual-id column holds case-shaped individual ids (see the module docstring)
    case_shaped_individual_ids: bool = False

    def counts(self) -> dict[str, int]:
        """``{"unhcr_individual_id -> unhcr_case_id": 312, ...}``: values taken out of a
        column they did not belong in (moved or dropped), for the report."""
        return {r.label: r.values for r in self.rerouted}


def _majority_differs(left: pd.Series, right: pd.Series) -> bool:
    """Whether, over the rows where both are given, most values of ``left`` differ from
    ``right`` once read as UNHCR ids."""
    a, b = string_column(left, unhcr_id), string_column(right, unhcr_id)
    both = a.notna() & b.notna()
    return bool(both.any() and (a[both] != b[both]).mean() > 0.5)


def _case_shaped_individual_ids(frame: pd.DataFrame, shapes: np.ndarray) -> bool:
    """Whether the individual-id column is an office's case-shaped individual ids rather
    than case numbers in the wrong column (see the module docstring)."""
    n_case = int((shapes == SHAPE_CASE).sum())
    if n_case <= int((shapes == SHAPE_INDIVIDUAL).sum()):
        return False
    ids = as_text(frame[INDIVIDUAL])
    if "source_record_id" in frame.columns:
        own = record_id_column(ids)
        record = record_id_column(as_text(frame["source_record_id"]))
        both = own.notna() & record.notna()
        if both.any() and (own[both] == record[both]).mean() > 0.5:
            return True
    return CASE in frame.columns and _majority_differs(ids, as_text(frame[CASE]))


def _destinations(
    frame: pd.DataFrame, column: str, shapes: np.ndarray, case_shaped_ids: bool
) -> np.ndarray:
    """Per row, the column the value of ``column`` belongs in (``_STAY``: its own)."""
    kinds = {shape: kind for shape, kind in _KIND_OF_SHAPE.items()}
    if column == CASE:
        kinds[SHAPE_NATIONAL] = CASE  # a case number written without its dashes
    elif column == INDIVIDUAL:
        if case_shaped_ids:
            kinds[SHAPE_CASE] = INDIVIDUAL
        elif int(np.isin(shapes, (SHAPE_CASE, SHAPE_NATIONAL)).sum()) > int(
            (shapes == SHAPE_INDIVIDUAL).sum()
        ):
            kinds[SHAPE_NATIONAL] = CASE  # the column is a case-number column
    out = np.full(len(shapes), _STAY, dtype=object)
    for shape, kind in kinds.items():
        if kind != column:
            out[shapes == shape] = kind
    if column != PHONE:  # a phone-shaped value moves only if it is a phone
        leaving = np.flatnonzero(out == PHONE)
        if len(leaving):
            valid = string_column(as_text(frame[column]).iloc[leaving], phones.e164).notna()
            out[leaving[~valid.to_numpy()]] = _STAY
    return out


def route_identifiers(frame: pd.DataFrame) -> RoutedIdentifiers:
    """``frame`` (one validated source, canonical columns, raw text) with each national
    number, UNHCR individual id, case number and phone in its own column.

    A column the source does not map is added when a misplaced value belongs there.
    Returns the frame unchanged (the same object) when nothing was out of place.
    """
    present = [c for c in IDENTIFIER_COLUMNS if c in frame.columns]
    if not present or frame.empty:
        return RoutedIdentifiers(frame, ())
    shapes = {c: identifier_shapes(frame[c], usual=_SHAPE_OF_KIND[c]) for c in present}
    case_shaped = INDIVIDUAL in shapes and _case_shaped_individual_ids(frame, shapes[INDIVIDUAL])
    goes = {c: _destinations(frame, c, shapes[c], case_shaped) for c in present}
    if not any((g != _STAY).any() for g in goes.values()):
        return RoutedIdentifiers(frame, (), case_shaped)
    source = str(frame[SOURCE].iloc[0]) if SOURCE in frame.columns else ""
    values = {c: as_text(frame[c]) for c in present}
    kept = {c: values[c].where(goes[c] == _STAY) for c in present}
    new: dict[str, pd.Series] = {}
    rerouted: list[Reroute] = []
    for target in IDENTIFIER_COLUMNS:
        filled = (
            kept[target].notna().to_numpy() if target in kept else np.zeros(len(frame), dtype=bool)
        )
        result = (
            kept[target]
            if target in kept
            else pd.Series(pd.NA, index=frame.index, dtype=ARROW_TEXT)
        )
        for column in present:
            coming = (goes[column] == target) & values[column].notna().to_numpy()
            if column == target or not coming.any():
                continue
            taken = coming & ~filled
            result = result.mask(taken, values[column])
            filled |= taken
            rerouted.append(
                Reroute(source, column, target, int(taken.sum()), int((coming & ~taken).sum()))
            )
        if target in present or filled.any():
            new[target] = result.astype(ARROW_TEXT)
    return RoutedIdentifiers(frame.assign(**new), tuple(rerouted), case_shaped)
