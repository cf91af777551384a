"""Column names shared by every stage: the canonical input columns and the
standardised columns the linkage works on.

Keeping them in one place is what lets a stage be written without reading the
others: ingest produces ``CANONICAL_COLUMNS`` (strings, as the partner sent
them), standardise turns them into ``STANDARD_COLUMNS``.
"""

from __future__ import annotations

from typing import Final, Literal

SourceKind = Literal["naf", "unhcr", "jobseekers"]
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = ("naf", "unhcr", "jobseekers")

# --- canonical input columns (after ingest: native names mapped, values still raw strings) ---
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

# --- standardised columns (output of pipelines.standardize) ---
# Names: ``name_<part>`` is the script-normalised part (Arabic stays Arabic, Latin is
# folded to lower-case ASCII); ``key_<part>`` is the cross-script phonetic key on which
# Arabic and Latin spellings of the same name agree.
NAME_PARTS: Final[tuple[str, ...]] = ("first", "father", "grandfather", "family")
STANDARD_COLUMNS: Final[tuple[str, ...]] = (
    SOURCE,
    "source_record_id",
    ROW_NUMBER,
    *(f"name_{p}" for p in NAME_PARTS),
    *(f"key_{p}" for p in NAME_PARTS),
    "name_script",  # "arabic" | "latin" | "mixed" | <NA>
    "sex",  # "M" | "F" | <NA>
    "birth_year",  # Int64
    "birth_month",  # Int64, <NA> when only the year is known
    "birth_day",  # Int64, <NA> when only the year is known
    "national_number",  # 10 digits as a string, or <NA>
    "unhcr_individual_id",  # upper-case alphanumerics only, or <NA>
    "unhcr_case_id",  # upper-case alphanumerics only, or <NA>
    "phone",  # E.164 ("+9627XXXXXXXX"), or <NA>
    "governorate",  # canonical English governorate name, or <NA>
    "locality",  # place below the governorate (town, suburb, postcode), case-folded, or <NA>
    "nationality",  # ISO 3166 alpha-3 ("JOR", "SYR", ...), or <NA>
    "officer",  # officer name as written, white space normalised, or <NA>
    "registration_date",  # ISO "YYYY-MM-DD" string, or <NA>
    "employment_status",  # EmploymentStatus value, or <NA>
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
