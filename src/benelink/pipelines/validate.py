"""Validate: every failing row and rule of a source collected at once, failing
rows quarantined, failing values dropped, each with a stable reason code and a
masked value the partner can act on.

The schemas (``schemas.raw``) say *what* is wrong; this module decides what a
failure *does*. A record that cannot be identified or linked is rejected; a
record with one bad attribute is kept without that attribute, because losing a
beneficiary over a mistyped phone number costs more than linking without it.

=======================================  =============================  ==============
reason                                   column                         action
=======================================  =============================  ==============
missing_record_id                        source_record_id               row_rejected
duplicate_record_id (all but the first)  source_record_id               row_rejected
missing_name (no usable name at all)     first mapped name column       row_rejected
missing_national_number (NAF)            national_number                row_rejected
invalid_national_number                  national_number                row_rejected for NAF,
national_number_in_scientific_notation                                  else value_dropped
missing_unhcr_id (UNHCR)                 unhcr_individual_id            row_rejected
invalid_unhcr_id                         unhcr_individual_id            row_rejected for UNHCR,
                                                                        else value_dropped
invalid_unhcr_case_id                    unhcr_case_id                  value_dropped
invalid_date_of_birth (no date that      date_of_birth                  value_dropped
standardize.dates reads)
date_of_birth_in_future                  date_of_birth                  value_dropped
date_of_birth_implausible (< 1900)       date_of_birth                  value_dropped
invalid_registration_date (no full date  registration_date              value_dropped
in 1900-2100 standardize.dates reads)
invalid_phone (no phone that             phone                          value_dropped
standardize.phones reads)
phone_not_in_known_ranges (a possible    phone                          value_kept
Jordanian mobile or landline the phone
library does not list: kept, in E.164)
phone_several_numbers (several numbers   phone                          value_kept
in one cell: the first is kept)
invalid_sex                              sex                            value_dropped
officer_not_a_name (digits, a phone, an  officer                        value_dropped
id, a date, no letter, the record's own
name)
over_long_value (> 200 chars)            any                            row_rejected in a key
control_characters (NUL, ESC ...)        any                            column, else value_dropped
malformed_line (more fields than header) (whole row)                    row_rejected
=======================================  =============================  ==============

A ``value_kept`` row only counts: the value is used as standardisation reads
it, and the row is never a reject for ``max_reject_rate``. Key columns:
``source_record_id`` always, ``national_number`` for NAF,
``unhcr_individual_id`` for UNHCR. A name part dropped for over-length or
control characters no longer counts as a name for ``missing_name``. Record ids
are compared as the token sees them (``standardize.identifiers.record_id``), so
"N-000123" and "N ٠٠٠١٢٣" are one id: the later row is the duplicate, and an id
of nothing but dashes and invisible characters is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal, cast

import numpy as np
import pandas as pd
import pandera.errors

from benelink.anonymize.mask import mask_series
from benelink.arrow_text import with_arrow_text
from benelink.errors import BenelinkError
from benelink.pipelines.ingest import SourceFile
from benelink.schemas.columns import NAME_PART_COLUMNS, ROW_NUMBER, SHEET, SOURCE, SourceKind
from benelink.schemas.raw import raw_schema

Action = Literal["row_rejected", "value_dropped", "value_kept"]
# A source read from several sheets of a workbook adds a SHEET column after ROW_NUMBER
# (row numbers repeat from sheet to sheet); ROW_NUMBER stays the sheet's own row.
REJECT_COLUMNS: Final = (SOURCE, ROW_NUMBER, "column", "reason", "action", "masked_value")
KEY_COLUMNS: Final[dict[SourceKind, frozenset[str]]] = {
    "naf": frozenset({"source_record_id", "national_number"}),
    "unhcr": frozenset({"source_record_id", "unhcr_individual_id"}),
    "jobseekers": frozenset({"source_record_id"}),
}
ROW_REASONS: Final = frozenset(
    {
        "missing_record_id",
        "duplicate_record_id",
        "missing_name",
        "missing_national_number",
        "missing_unhcr_id",
        "malformed_line",
    }
)
# what is only counted: the value is used as standardisation reads it
KEPT_REASONS: Final = frozenset({"phone_not_in_known_ranges", "phone_several_numbers"})
WHOLE_ROW: Final = "(whole row)"
# What the partner should do, for the reasons a whole file usually fails on.
_HINTS: Final[dict[str, str]] = {
    "national_number_in_scientific_notation": (
        "Excel turned the numbers into 9.87E+09: format the column as Text and re-export"
    ),
    "invalid_national_number": (
        "national numbers have 10 digits: if leading zeros were lost, format the column as Text"
    ),
    "malformed_line": "those lines hold more fields than the header: check delimiters and quotes",
    "missing_record_id": "every row needs its record id",
    "missing_name": "every row needs a name",
}
_NAME_COLUMNS: Final = ("full_name", *NAME_PART_COLUMNS)
# the column a row-level rule is about (the others are about the name)
_ROW_RULE_COLUMNS: Final[dict[str, str]] = {"officer_not_a_name": "officer"}


@dataclass(frozen=True)
class ValidatedSource:
    """A source after validation: the rows kept, and what was rejected or dropped."""

    name: str
    kind: SourceKind
    valid: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int

    @property
    def rejected_rows(self) -> int:
        """Distinct rows rejected (a row failing several rules counts once)."""
        return rejected_row_count(self.rejects)

    @property
    def reject_rate(self) -> float:
        return self.rejected_rows / self.n_rows if self.n_rows else 0.0


def row_keys(rejects: pd.DataFrame) -> list[str]:
    """Where each reject's row is, as the partner finds it: "15", or "Sheet2!15" when the
    source was read from several sheets."""
    rows = rejects[ROW_NUMBER].astype("int64").astype(str)
    if SHEET not in rejects.columns:
        return rows.tolist()
    sheets = rejects[SHEET].astype("string").fillna("")
    return [f"{s}!{r}" if s else r for s, r in zip(sheets, rows, strict=True)]


def rejected_row_count(rejects: pd.DataFrame) -> int:
    """Distinct rows with a ``row_rejected`` failure (a row failing several rules counts once)."""
    rejected = rejects.loc[rejects["action"] == "row_rejected"]
    return len(set(row_keys(rejected)))


def action_for(reason: str, column: str, kind: SourceKind) -> Action:
    """Whether a failure rejects its row, drops its value or is only counted (see the table
    above)."""
    if reason in KEPT_REASONS:
        return "value_kept"
    if reason in ROW_REASONS or column in KEY_COLUMNS[kind]:
        return "row_rejected"
    return "value_dropped"


def validate_source(source: SourceFile, *, today: date | None = None) -> ValidatedSource:
    """Check ``source.frame`` against its kind's schema, collecting every failure."""
    frame = with_arrow_text(source.frame.reset_index(drop=True))
    schema = raw_schema(source.kind, today or date.today())
    cases: pd.DataFrame | None = None
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases  # the error's own text quotes raw values: never re-raised
    failures = _failures(cases, frame, source.name)
    actions = pd.Series(
        [
            action_for(reason, column, source.kind)
            for reason, column in zip(failures["reason"], failures["column"], strict=True)
        ],
        index=failures.index,
        dtype="string",
    )
    rejects = _rejects(failures, actions, frame, source.name)
    valid = _apply(frame, failures, actions)
    if source.bad_rows:
        rejects = pd.concat([rejects, _malformed(source)], ignore_index=True).sort_values(
            [ROW_NUMBER, "column", "reason"], kind="stable", ignore_index=True
        )
    return ValidatedSource(
        name=source.name,
        kind=source.kind,
        valid=valid,
        rejects=rejects,
        n_rows=len(frame) + len(source.bad_rows),
    )


def _malformed(source: SourceFile) -> pd.DataFrame:
    """Rejects for the lines ingest could not split: counted, never silently dropped."""
    n = len(source.bad_rows)

    def text(value: str) -> pd.Series:
        return pd.Series([value] * n, dtype="string")

    return pd.DataFrame(
        {
            SOURCE: text(source.name),
            ROW_NUMBER: pd.Series(source.bad_rows, dtype="int64"),
            "column": text(WHOLE_ROW),
            "reason": text("malformed_line"),
            "action": text("row_rejected"),
            "masked_value": text("<more fields than the header>"),
        }
    )


def _failures(cases: pd.DataFrame | None, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """(row position, column, reason) per failure; schema-level failures are bugs."""
    if cases is None:
        return pd.DataFrame({"index": [], "column": [], "reason": []})
    structural = cases["index"].isna()
    if structural.any():
        checks = ", ".join(sorted({str(c) for c in cases.loc[structural, "check"]}))
        raise BenelinkError(f"{name}: ingest produced a frame the schema rejects ({checks})")
    cases = cases.assign(index=cases["index"].astype("int64"))
    row_level = cases["schema_context"] == "DataFrameSchema"
    name_column = next((c for c in _NAME_COLUMNS if c in frame.columns), "full_name")
    about = cases["check"].astype(str).map(lambda c: _ROW_RULE_COLUMNS.get(c, name_column))
    cases = cases.assign(column=cases["column"].where(~row_level, about))
    out = cases[["index", "column", "check"]].rename(columns={"check": "reason"})
    return out.drop_duplicates().astype({"column": str, "reason": str})


def _rejects(
    failures: pd.DataFrame, actions: pd.Series, frame: pd.DataFrame, name: str
) -> pd.DataFrame:
    columns = _reject_columns(frame)
    if failures.empty:
        empty = {c: pd.Series([], dtype="string") for c in columns}
        return pd.DataFrame(empty).astype({ROW_NUMBER: "int64"})
    masked = pd.Series("", index=failures.index, dtype="string")
    for column, group in failures.groupby("column", sort=False):
        if str(column) not in frame.columns:  # missing_name where no name column is mapped
            masked.loc[group.index] = "<empty>"
            continue
        values = frame[str(column)].iloc[group["index"].to_numpy()]
        masked.loc[group.index] = mask_series(values, str(column)).to_numpy()
    at = failures["index"].to_numpy()
    rejects = pd.DataFrame(
        {
            SOURCE: pd.Series(name, index=failures.index, dtype="string"),
            ROW_NUMBER: frame[ROW_NUMBER].iloc[at].to_numpy(),
            **({SHEET: frame[SHEET].iloc[at].to_numpy()} if SHEET in frame.columns else {}),
            "column": failures["column"].astype("string"),
            "reason": failures["reason"].astype("string"),
            "action": actions,
            "masked_value": masked,
        }
    )
    if SHEET in rejects.columns:
        rejects = rejects.astype({SHEET: "string"})
    # in the file's order: by row within a sheet, the sheets in workbook order
    order = rejects.assign(_at=at).sort_values(["_at", "column", "reason"], kind="stable")
    return order.drop(columns="_at").reset_index(drop=True)


def _reject_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """``REJECT_COLUMNS``, with ``SHEET`` after the row number for a several-sheet source."""
    if SHEET not in frame.columns:
        return REJECT_COLUMNS
    return (*REJECT_COLUMNS[:2], SHEET, *REJECT_COLUMNS[2:])


def _apply(frame: pd.DataFrame, failures: pd.DataFrame, actions: pd.Series) -> pd.DataFrame:
    """Rows kept, with each dropped value set to <NA>; rows are found by their position
    (row numbers repeat across the sheets of a workbook)."""
    if failures.empty:
        return frame
    dropped = failures[actions == "value_dropped"]
    updates = {}
    for column, group in dropped.groupby("column", sort=False):
        hit = np.zeros(len(frame), dtype=bool)
        hit[group["index"].to_numpy(dtype=np.int64)] = True
        updates[str(column)] = frame[str(column)].mask(hit)
    rejected = np.zeros(len(frame), dtype=bool)
    rejected[failures.loc[actions == "row_rejected", "index"].to_numpy(dtype=np.int64)] = True
    return frame.assign(**updates).loc[~rejected].reset_index(drop=True)


def reject_limit_message(
    v: ValidatedSource, limit: float, file_label: str, *, rejects_path: Path | None = None
) -> str:
    """One line for the officer: which file, how bad, why, where, and what to do."""
    rows = v.rejects.loc[v.rejects["action"] == "row_rejected"]
    rows = rows.assign(_row=row_keys(rows))
    per_reason = rows.drop_duplicates(["_row", "reason"]).groupby(["reason", "column"], sort=False)[
        "_row"
    ]
    top = per_reason.nunique().sort_values(ascending=False, kind="stable").head(3)
    reasons = ", ".join(
        f"{key[0]} in {key[1]} ({n} row{'s' if n != 1 else ''})"
        for key, n in zip(
            cast(list[tuple[str, str]], top.index.tolist()), top.tolist(), strict=True
        )
    )
    first = ", ".join(list(dict.fromkeys(row_keys(rows)))[:5])
    hints = dict(_HINTS)
    if SHEET in rows.columns:  # ids repeated across the sheets read: a sheet copies another
        hints["duplicate_record_id"] = (
            f"the same record ids are on several sheets: if one sheet copies another, set "
            f'sheet = "<the sheet to read>" in [sources.{v.name}]'
        )
    hint = next((hints[k[0]] for k in top.index.tolist() if k[0] in hints), None)
    advice = f"{hint}; " if hint else ""
    where = (
        str(rejects_path)
        if rejects_path
        else "rejects/month=<month>/rejects.csv in the output folder"
    )
    return (
        f"{file_label}: {v.rejected_rows} of {v.n_rows} rows rejected ({v.reject_rate:.1%}, "
        f"limit {limit:.1%}); top reasons: {reasons}; first rows: {first}; {advice}"
        f"the rows, rules and masked values are in {where} - send it to the partner to fix the file, or "
        f"raise max_reject_rate for [sources.{v.name}]"
    )
