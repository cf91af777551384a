"""Column names shared by every stage: the canonical input columns and the
standardised columns the linkage works on.

Keeping them in one place is what lets a stage be written without reading the
others: ingest produces ``CANONICAL_COLUMNS`` (strings, as the partner sent
them), standardise turns them into ``STANDARD_COLUMNS``. Each column's type,
rules and meaning are declared once, on the pandera models of
``schemas.canonical`` (``Canonical``, ``Standardised``); these plain lists are
for the modules that must stay light (the configuration, the worker
processes), and tests/schemas check that they name the models' fields in order.
"""

from __future__ import annotations

from typing import Final, Literal

SourceKind = Literal["naf", "unhcr", "jobseekers"]
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = ("naf", "unhcr", "jobseekers")

# --- canonical input columns (after ingest; see schemas.canonical.Canonical) ---
CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    "source_record_id",
    "full_name",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "sex",
    "date_of_birth",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "governorate",
    "locality",
    "nationality",
    "officer",
    "registration_date",
    "employment_status",
)
NAME_PART_COLUMNS: Final[tuple[str, ...]] = (
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
)
NAME_COLUMNS: Final[tuple[str, ...]] = ("full_name", *NAME_PART_COLUMNS)
# Identifiers of one person (not of a family, as a UNHCR case number is): a record with
# one of them and no name can still be linked on it.
INDIVIDUAL_ID_COLUMNS: Final[tuple[str, ...]] = ("national_number", "unhcr_individual_id")
# Direct identifiers and quasi-identifiers whose values must never leave memory.
PERSONAL_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "full_name",
        *NAME_PART_COLUMNS,
        "date_of_birth",
        "national_number",
        "unhcr_individual_id",
        "unhcr_case_id",
        "phone",
        "locality",  # a village or suburb with a birth date can single a person out
    }
)

# --- the reviewers' decision store (state/decisions.parquet): record tokens only, and the
# audit trail of each decision: the reviewer, the day decided, when and by which account it
# was applied, and the kept copy of the file it came from (relative to the output folder) ---
DECISION_COLUMNS: Final = [
    "left_token",
    "right_token",
    "decision",
    "month",
    "reviewer",
    "decided_on",
    "applied_at",
    "applied_by",
    "file",
    "file_sha256",
]
# what every store has held since the first release; a store without the audit columns
# (written before them) reads with those columns empty
DECISION_KEY_COLUMNS: Final = DECISION_COLUMNS[:4]

# --- bookkeeping columns added by ingest ---
SOURCE: Final = "source"  # the source's name in the configuration (e.g. "naf")
ROW_NUMBER: Final = "row_number"  # row as the officer sees it in the file: header is row 1
# the sheet of each row, only for a workbook whose data was read from several sheets
SHEET: Final = "sheet"

# --- standardised columns (output of pipelines.standardize; see schemas.canonical.Standardised) ---
NAME_PARTS: Final[tuple[str, ...]] = ("first", "father", "grandfather", "family")
STANDARD_COLUMNS: Final[tuple[str, ...]] = (
    SOURCE,
    "source_record_id",
    ROW_NUMBER,
    *(f"name_{p}" for p in NAME_PARTS),
    *(f"key_{p}" for p in NAME_PARTS),
    *(f"skeleton_{p}" for p in NAME_PARTS),
    "name_script",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "governorate",
    "locality",
    "nationality",
    "officer",
    "registration_date",
    "employment_status",
)

EmploymentStatus = Literal["employed", "unemployed", "in_training", "self_employed"]
EMPLOYMENT_STATUSES: Final[tuple[EmploymentStatus, ...]] = (
    "employed",
    "unemployed",
    "in_training",
    "self_employed",
)

# Canonical English names of Jordan's twelve governorates.
GOVERNORATES: Final[tuple[str, ...]] = (
    "Amman",
    "Irbid",
    "Zarqa",
    "Mafraq",
    "Balqa",
    "Karak",
    "Jerash",
    "Ajloun",
    "Madaba",
    "Tafilah",
    "Maan",
    "Aqaba",
)
