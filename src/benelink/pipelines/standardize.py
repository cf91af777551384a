"""The standardise stage: validated partner values -> the columns the linkage compares.

Each field goes through its standardiser in ``benelink.standardize`` once per
distinct value (names, dates and places repeat massively), and the results
are taken back by code, so a million rows cost a few thousand Python calls
per column. Columns a source does not send come out all missing.

Before the fields are standardised, identifiers are put in the column of their kind
(``benelink.standardize.routing``): a case number in the individual-id column, a national
number in the phone column. That decision takes the evidence of the whole source, so it is
made once per source before the source is cut into slices for the workers, and what was
re-routed is counted for the report (:class:`StandardisePlan`, :func:`rerouted`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benelink.arrow_text import ARROW_TEXT, arrow_series, as_text
from benelink.processes import row_slices
from benelink.schemas.columns import (
    NAME_PART_COLUMNS,
    NAME_PARTS,
    ROW_NUMBER,
    SOURCE,
    STANDARD_COLUMNS,
    SourceKind,
)
from benelink.standardize import codes, dates, identifiers, phones, places
from benelink.standardize._unique import map_unique, string_column, take_ints, take_strings
from benelink.standardize.arabic import has_arabic, has_latin
from benelink.standardize.namekey import key_and_skeleton
from benelink.standardize.names import normalize_part, split_full_name
from benelink.standardize.routing import Reroute, route_identifiers

_INT_COLUMNS = frozenset({ROW_NUMBER, "birth_year", "birth_month", "birth_day"})
_SCRIPTS = np.array([None, "arabic", "latin", "mixed"], dtype=object)

# standardised column <- (canonical column, per-value standardiser)
_FIELDS: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "sex": ("sex", codes.sex),
    "national_number": ("national_number", identifiers.national_number),
    "unhcr_individual_id": ("unhcr_individual_id", identifiers.unhcr_id),
    "unhcr_case_id": ("unhcr_case_id", identifiers.unhcr_id),
    "governorate": ("governorate", places.governorate),
    "locality": ("locality", places.locality),
    "nationality": ("nationality", places.nationality),
    # as written (white space normalised): the outputs show the officer's own spelling
    "officer": ("officer", lambda v: " ".join(v.split())),
    "registration_date": ("registration_date", dates.iso_date),
    "employment_status": ("employment_status", codes.employment_status),
}


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype=ARROW_TEXT)
    return as_text(frame[name])


def name_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """The raw four parts of every record: the part columns, or the split full name.

    A record with no part at all but a full name gets its parts from the full
    name, so a source may send parts for some rows and full names for others.
    """
    parts = pd.DataFrame({c: _column(frame, c) for c in NAME_PART_COLUMNS}, index=frame.index)
    full = _column(frame, "full_name")
    use_full = parts.isna().all(axis=1) & full.notna()
    if use_full.any():
        codes_, splits = map_unique(full[use_full], split_full_name)
        index = full.index[use_full]
        for i, column in enumerate(NAME_PART_COLUMNS):
            values = take_strings(codes_, [s[i] for s in splits], index)
            parts.loc[use_full, column] = values
    return parts


def _part_readings(value: str) -> tuple[str, str, str, int]:
    """One name part as the records keep it, its key, its skeleton and its scripts' bits."""
    key, skeleton = key_and_skeleton(value)
    scripts = int(has_arabic(value)) | (int(has_latin(value)) << 1)
    return normalize_part(value), key, skeleton, scripts


def _names(frame: pd.DataFrame) -> dict[str, pd.Series]:
    parts = name_parts(frame)
    out: dict[str, pd.Series] = {}
    bits = np.zeros(len(frame), dtype=np.int64)
    for part, column in zip(NAME_PARTS, NAME_PART_COLUMNS, strict=True):
        values = parts[column]
        codes_, read = map_unique(values, _part_readings)  # each distinct spelling once
        out[f"name_{part}"] = take_strings(codes_, [r[0] for r in read], values.index)
        out[f"key_{part}"] = take_strings(codes_, [r[1] for r in read], values.index)
        out[f"skeleton_{part}"] = take_strings(codes_, [r[2] for r in read], values.index)
        bits |= np.append(np.array([r[3] for r in read], dtype=np.int64), 0)[codes_]
    out["name_script"] = pd.Series(_SCRIPTS[bits], index=frame.index, dtype=ARROW_TEXT)
    return out


def _birth(frame: pd.DataFrame) -> dict[str, pd.Series]:
    codes_, parsed = map_unique(_column(frame, "date_of_birth"), dates.parse_birth_date)
    index = frame.index
    return {
        "birth_year": take_ints(codes_, [p[0] if p else None for p in parsed], index),
        "birth_month": take_ints(codes_, [p[1] if p else None for p in parsed], index),
        "birth_day": take_ints(codes_, [p[2] if p else None for p in parsed], index),
    }


def standardize(frame: pd.DataFrame, kind: SourceKind) -> pd.DataFrame:
    """A new frame with exactly ``STANDARD_COLUMNS`` for one validated source.

    Identifiers are first put in the column of their kind (:func:`route_identifiers`, on
    the whole of ``frame``: pass a whole source, or use :func:`plan_standardise`).
    ``kind`` is accepted for the contract; every source goes through the same rules
    because the columns a source maps, not its kind, decide what it has.
    """
    del kind  # same rules for every kind; kept in the signature for stage symmetry
    return _standardised(route_identifiers(frame).frame)


def rerouted(frame: pd.DataFrame) -> dict[str, int]:
    """What :func:`standardize` re-routes in one validated source: values per
    "from_column -> to_column" (moved, or dropped where the record had its own)."""
    return route_identifiers(frame).counts()


def _standardised(frame: pd.DataFrame) -> pd.DataFrame:
    """The standardised columns of a source whose identifiers are already routed."""
    out: dict[str, pd.Series] = {
        SOURCE: _column(frame, SOURCE),
        "source_record_id": identifiers.record_id_column(_column(frame, "source_record_id")),
        ROW_NUMBER: pd.to_numeric(_column(frame, ROW_NUMBER)).astype("Int64")
        if ROW_NUMBER in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="Int64"),
        **_names(frame),
        **_birth(frame),
    }
    for column, (source_column, func) in _FIELDS.items():
        out[column] = string_column(_column(frame, source_column), func)
    # nearly every phone is distinct: read as validation reads it, the plain forms by
    # Arrow's kernels rather than once per value in Python (the same reading, by test)
    out["phone"] = arrow_series(phones.read_phone_column(_column(frame, "phone")).e164, frame.index)
    result = pd.DataFrame(out, index=frame.index)[list(STANDARD_COLUMNS)]
    # text Arrow-backed: buffers rather than a Python object per cell, also when a worker
    # process hands the frame back
    dtypes = {c: "Int64" if c in _INT_COLUMNS else ARROW_TEXT for c in STANDARD_COLUMNS}
    return result.astype(dtypes)


@dataclass(frozen=True)
class StandardisePiece:
    """One slice of a source whose identifiers were routed over the whole source: the unit
    of work a worker process does (``benelink.processes``)."""

    frame: pd.DataFrame
    kind: SourceKind


@dataclass(frozen=True)
class StandardisePlan:
    """The month's sources routed and cut into pieces, and what routing moved."""

    pieces: list[StandardisePiece]
    reroutes: tuple[Reroute, ...]

    def rerouted(self) -> dict[str, dict[str, int]]:
        """Per source, values per "from_column -> to_column" (for the report and run log):
        ``{"jobseekers": {"unhcr_individual_id -> unhcr_case_id": 312}}``; a source with
        nothing re-routed is absent."""
        out: dict[str, dict[str, int]] = {}
        for r in self.reroutes:
            counts = out.setdefault(r.source, {})
            counts[r.label] = counts.get(r.label, 0) + r.values
        return out


def standardize_piece(piece: StandardisePiece) -> pd.DataFrame:
    """The standardised columns of one piece of :func:`plan_standardise`."""
    return _standardised(piece.frame)


def plan_standardise(
    sources: Sequence[tuple[pd.DataFrame, SourceKind]], threads: int
) -> StandardisePlan:
    """Each validated source routed as a whole (:func:`route_identifiers`), then cut into
    row slices: the items :func:`standardize_piece` is mapped over, enough of them to keep
    every worker busy to the end."""
    pieces: list[StandardisePiece] = []
    reroutes: list[Reroute] = []
    for frame, kind in sources:
        routed = route_identifiers(frame)
        reroutes.extend(routed.rerouted)
        pieces.extend(
            StandardisePiece(routed.frame.iloc[part], kind)
            for part in row_slices(len(frame), threads)
        )
    return StandardisePlan(pieces, tuple(reroutes))
