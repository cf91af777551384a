"""Validate: every failing row and rule of a source collected at once, failing
rows quarantined, failing values dropped, each with a stable reason code and a
masked value the partner can act on.

The schemas (``schemas.raw``) say *what* is wrong; this module decides what a
failure *does*. Validation tells a broken row from a weaker one. A row is
*broken* — rejected, and counted against ``max_reject_rate`` — only when it
cannot be a record: no record id (or one already used), a line that could not
be read, or nothing that names the person. Every other failure drops the value
and keeps the row: a record without a national number, a UNHCR id, a birth
date or a phone is linked on what it has, and counted per source
(``pipelines.weaker``). Non-Jordanian NAF beneficiaries carry no national
number; rejecting them would lose exactly the NAF-UNHCR overlap the graduation
programme follows.

=======================================  =============================  ==============
reason                                   column                         action
=======================================  =============================  ==============
missing_record_id                        source_record_id               row_rejected
duplicate_record_id (all but the first)  source_record_id               row_rejected
missing_name (no usable name, and no     first mapped name column       row_rejected
valid national number or UNHCR
individual id to link on instead)
malformed_line (more fields than header) (whole row)                    row_rejected
over_long_value (> 200 chars)            any                            row_rejected in
control_characters (NUL, ESC ...)                                       source_record_id,
                                                                        else value_dropped
invalid_national_number (not 10 digits)  national_number                value_dropped
national_number_in_scientific_notation   national_number                value_dropped
invalid_unhcr_id                         unhcr_individual_id            value_dropped
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
=======================================  =============================  ==============

A ``value_kept`` row only counts: the value is used as standardisation reads
it, and the row is never a reject for ``max_reject_rate``.

A missing value is not a failure at all: no reason, no line in the rejects file
(the report counts the records linked without it). ``missing_national_number``
and ``missing_unhcr_id`` are no longer given.

What makes a row identifiable (``schemas.raw.identifiable``): a usable name —
the full name or any name part, once over-long parts and parts holding control
characters are dropped — or a valid individual identifier (a national number of
10 digits, a UNHCR individual id). A row with a name is never unidentifiable,
whatever else it lacks; a row with no name but a valid identifier is kept and
linked on the identifier; a row whose only identifier is invalid and that has no
name is rejected (``missing_name``, the identifier's own reason beside it). A
UNHCR case number or a phone is shared by a family, so it does not identify.

Record ids are compared as the token sees them (``standardize.identifiers.record_id``),
so "N-000123" and "N ٠٠٠١٢٣" are one id: the later row is the duplicate, and an id
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
from benelink.schemas.columns import NAME_COLUMNS, ROW_NUMBER, SHEET, SOURCE, SourceKind
from benelink.schemas.raw import raw_schema

Action = Literal["row_rejected", "value_dropped", "value_kept"]
# A source read from several sheets of a workbook adds a SHEET column after ROW_NUMBER
# (row numbers repeat from sheet to sheet); ROW_NUMBER stays the sheet's own row.
REJECT_COLUMNS: Final = (
    SOURCE,
    ROW_NUMBER,
    "column",
    "reason",
    "action",
    "masked_value",
    "what_to_do",
)
# the column whose failure rejects the row whatever the reason: the record's own id
KEY_COLUMNS: Final = frozenset({"source_record_id"})
ROW_REASONS: Final = frozenset(
    {"missing_record_id", "duplicate_record_id", "missing_name", "malformed_line"}
)
# what is only counted: the value is used as standardisation reads it
KEPT_REASONS: Final = frozenset({"phone_not_in_known_ranges", "phone_several_numbers"})
WHOLE_ROW: Final = "(whole row)"
# What the partner should do, per reason: the rejects file's ``what_to_do`` column, and
# the advice of the line a run stops with. Fixed text, never a value of the file.
WHAT_TO_DO: Final[dict[str, str]] = {
    "missing_record_id": "every row needs its record id",
    "duplicate_record_id": "give each row its own record id, or remove the repeated row",
    "missing_name": "every row needs a name, or a national number or UNHCR individual id",
    "malformed_line": "those lines hold more fields than the header: check delimiters and quotes",
    "over_long_value": "over 200 characters: check the column holds what its header says",
    "control_characters": "remove the control characters (NUL, ESC ...) and export as UTF-8",
    "invalid_national_number": (
        "national numbers have 10 digits: if leading zeros were lost, format the column as Text"
    ),
    "national_number_in_scientific_notation": (
        "Excel turned the numbers into 9.87E+09: format the column as Text and re-export"
    ),
    "invalid_unhcr_id": "not a UNHCR individual id: check the column holds individual ids",
    "invalid_unhcr_case_id": "not a UNHCR case number: check the column holds case numbers",
    "invalid_date_of_birth": "not a date: write it as day/month/year or year-month-day",
    "date_of_birth_in_future": "after the day of the run: check the year, and day and month",
    "date_of_birth_implausible": "before 1900: check the year",
    "invalid_registration_date": "not a date: write it as day/month/year or year-month-day",
    "invalid_phone": "a phone number has 8 to 15 digits and no letters",
    "invalid_sex": "write M or F (Male/Female, ذكر/أنثى, 1/2)",
    "officer_not_a_name": "give the name of the officer in charge (not a number or the person)",
}
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


def action_for(reason: str, column: str) -> Action:
    """Whether a failure rejects its row, drops its value or is only counted (see the table
    above); the same for every kind of source."""
    if reason in KEPT_REASONS:
        return "value_kept"
    if reason in ROW_REASONS or column in KEY_COLUMNS:
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
            action_for(reason, column)
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
            "what_to_do": text(WHAT_TO_DO["malformed_line"]),
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
    name_column = next((c for c in NAME_COLUMNS if c in frame.columns), "full_name")
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
            "what_to_do": _what_to_do(failures["reason"]),
        }
    )
    if SHEET in rejects.columns:
        rejects = rejects.astype({SHEET: "string"})
    # in the file's order: by row within a sheet, the sheets in workbook order
    order = rejects.assign(_at=at).sort_values(["_at", "column", "reason"], kind="stable")
    return order.drop(columns="_at").reset_index(drop=True)


def _what_to_do(reasons: pd.Series) -> pd.Series:
    return reasons.map(lambda r: WHAT_TO_DO.get(str(r), "")).astype("string")


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
    v: ValidatedSource,
    limit: float,
    file_label: str,
    *,
    rejects_path: Path | None = None,
    checking: bool = False,
) -> str:
    """One line for the officer: which file, how bad, why, where, and what to do.

    ``checking``: said by ``benelink validate``, which writes nothing: the line names
    the file that ``benelink run`` writes.
    """
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
    hints = dict(WHAT_TO_DO)
    if SHEET in rows.columns:  # ids repeated across the sheets read: a sheet copies another
        hints["duplicate_record_id"] = (
            f"the same record ids are on several sheets: if one sheet copies another, set "
            f'sheet = "<the sheet to read>" in [sources.{v.name}]'
        )
    hint = next((hints[k[0]] for k in top.index.tolist() if k[0] in hints), None)
    advice = f"{hint}; " if hint else ""
    where = (
        f"the rows, rules and masked values are in {rejects_path}"
        if rejects_path and not checking
        else f"`benelink run` writes the rows, rules and masked values to {rejects_path}"
        if rejects_path
        else "the rows, rules and masked values are in the month's rejects.csv"
    )
    return (
        f"{file_label}: {v.rejected_rows} of {v.n_rows} rows rejected ({v.reject_rate:.1%}, "
        f"limit {limit:.1%}); top reasons: {reasons}; first rows: {first}; {advice}"
        f"{where} - send it to the partner to fix the file, or "
        f"raise max_reject_rate for [sources.{v.name}]"
    )
