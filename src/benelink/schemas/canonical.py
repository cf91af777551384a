"""The records between the stages, as pandera models: each column declared once, with
its type, its meaning and the rules its values keep.

``Canonical`` is a partner file after ingest (the per-kind raw models in
``schemas.raw`` add the rules validation rejects on); ``Standardised`` is what
the standardise stage hands to the linkage; ``Pseudonymised`` adds the keyed
tokens. The output tables (``schemas.outputs``) inherit the token columns from
``RecordTokens`` and reuse the vocabulary fields below (``sex_field`` ...), so a
rule such as "sex is M or F" is written once for the records and the people.

``schemas.columns`` keeps the plain column lists that light modules import
(configuration, worker processes) without pandera; tests check they name the
models' fields, in order.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from benelink.schemas.checks import NOT_SPACE, ONE_SPACED, text
from benelink.schemas.columns import EMPLOYMENT_STATUSES, GOVERNORATES

# Text columns are Arrow-backed (``benelink.arrow_text``): buffers, not a Python object per cell.
ArrowText = Annotated[pd.StringDtype, "pyarrow", pd.NA]

SEXES: Final = ("M", "F")
NAME_SCRIPTS: Final = ("arabic", "latin", "mixed")
# what standardize.dates accepts as a year of birth
EARLIEST_YEAR: Final = 1900
LATEST_YEAR: Final = 2100
# RE2 patterns (Arrow's regular expressions)
TOKEN: Final = r"^[0-9a-f]{32}$"  # token v1: 128 bits as lower-case hex (docs/tokens.md)
NATIONAL_NUMBER: Final = r"^[0-9]{10}$"
UNHCR_ID: Final = r"^[A-Z0-9]+$"
E164: Final = r"^\+[1-9][0-9]{1,14}$"
ALPHA_3: Final = r"^[A-Z]{3}$"
NAME_KEY: Final = r"^[A-Z]+$"
# one word; a part of ASCII letters only is folded to lower case (Arabic parts stay Arabic)
NAME_PART: Final = rf"^(?:[a-z]+|{NOT_SPACE}*[^\x00-\x7f]{NOT_SPACE}*)$"


def _name_part(description: str) -> Any:
    return text(description, matches=NAME_PART)


_SKELETON: Final = "Consonant skeleton of the {} (its key without long vowels and ain)."


def _name_key(description: str) -> Any:
    return text(description, matches=NAME_KEY)


def sex_field(description: str) -> Any:
    """M or F."""
    return text(description, one_of=SEXES)


def birth_year_field(description: str) -> Any:
    """A year standardize.dates accepts."""
    return pa.Field(nullable=True, ge=EARLIEST_YEAR, le=LATEST_YEAR, description=description)


def governorate_field(description: str) -> Any:
    """One of the gazetteer's twelve canonical names."""
    return text(description, one_of=GOVERNORATES)


def nationality_field(description: str) -> Any:
    """An ISO 3166 alpha-3 code."""
    return text(description, matches=ALPHA_3)


def employment_status_field(description: str) -> Any:
    """One of EMPLOYMENT_STATUSES."""
    return text(description, one_of=EMPLOYMENT_STATUSES)


def officer_field(description: str) -> Any:
    """A name as written, white space normalised."""
    return text(description, matches=ONE_SPACED)


def token_field(description: str, *, nullable: bool = True, unique: bool = False) -> Any:
    """A token v1."""
    return text(description, nullable=nullable, matches=TOKEN, unique=unique)


class SourceRecord(pa.DataFrameModel):
    """One row per partner record, named by its source."""

    source: Series[ArrowText] = text(
        "Name of the source in the configuration (for example naf, unhcr, jobseekers).",
        nullable=False,
    )


class Canonical(SourceRecord):
    """A partner file after ingest: native headers mapped to canonical names, every value
    the partner's own text (trimmed, blanks as <NA>), Arrow-backed.

    Only ``source_record_id`` must be mapped; a source gives either ``full_name``
    or name parts. The rules values are judged by are the raw models'
    (``schemas.raw``), where each rule is a reason code.
    """

    row_number: Series[int] = pa.Field(
        description="Row as the officer sees it in the file (the header is row 1)."
    )
    sheet: Series[ArrowText] | None = text(
        "The sheet of the row, only for a workbook whose data was read from several sheets."
    )
    source_record_id: Series[ArrowText] = text("The partner's own id of the record.")
    full_name: Series[ArrowText] | None = text("The whole name, when not sent in parts.")
    first_name: Series[ArrowText] | None = text("First name.")
    father_name: Series[ArrowText] | None = text("Father's name.")
    grandfather_name: Series[ArrowText] | None = text("Grandfather's name.")
    family_name: Series[ArrowText] | None = text("Family name.")
    sex: Series[ArrowText] | None = text("Sex, in any spelling partners use (ذكر, M, 1 ...).")
    date_of_birth: Series[ArrowText] | None = text("Date of birth, in any of several formats.")
    national_number: Series[ArrowText] | None = text("Jordanian national number.")
    unhcr_individual_id: Series[ArrowText] | None = text("UNHCR individual id.")
    unhcr_case_id: Series[ArrowText] | None = text("UNHCR case id, shared by a family.")
    phone: Series[ArrowText] | None = text("Phone number, in any Jordanian or international form.")
    governorate: Series[ArrowText] | None = text("Governorate of residence.")
    locality: Series[ArrowText] | None = text(
        "Place below the governorate: town, suburb, postcode."
    )
    nationality: Series[ArrowText] | None = text("Nationality or country.")
    officer: Series[ArrowText] | None = text("Employment and career guidance officer in charge.")
    registration_date: Series[ArrowText] | None = text("Date of registration with the partner.")
    employment_status: Series[ArrowText] | None = text("Employment status, in any spelling.")

    class Config:
        strict = True


class Standardised(SourceRecord):
    """What the standardise stage hands to the linkage: one form per value, whatever the
    partner typed, and <NA> where a value is missing or unusable.

    Names: ``name_<part>`` is the script-normalised part (Arabic stays Arabic,
    Latin is folded to lower-case ASCII); ``key_<part>`` is the cross-script
    phonetic key on which Arabic and Latin spellings of the same name agree;
    ``skeleton_<part>`` the same key without the long vowels and ain that Latin cannot
    show, on which every Arabic reading of one Latin spelling agrees.
    """

    source_record_id: Series[ArrowText] = text(
        "The partner's record id as tokens read it (standardize.identifiers.record_id).",
        nullable=False,
    )
    row_number: Series[pd.Int64Dtype] = pa.Field(
        ge=2, description="Row as the officer sees it in the file (the header is row 1)."
    )
    name_first: Series[ArrowText] = _name_part("First name, script-normalised.")
    name_father: Series[ArrowText] = _name_part("Father's name, script-normalised.")
    name_grandfather: Series[ArrowText] = _name_part("Grandfather's name, script-normalised.")
    name_family: Series[ArrowText] = _name_part("Family name, script-normalised.")
    key_first: Series[ArrowText] = _name_key("Cross-script key of the first name.")
    key_father: Series[ArrowText] = _name_key("Cross-script key of the father's name.")
    key_grandfather: Series[ArrowText] = _name_key("Cross-script key of the grandfather's name.")
    key_family: Series[ArrowText] = _name_key("Cross-script key of the family name.")
    skeleton_first: Series[ArrowText] = _name_key(_SKELETON.format("first name"))
    skeleton_father: Series[ArrowText] = _name_key(_SKELETON.format("father's name"))
    skeleton_grandfather: Series[ArrowText] = _name_key(_SKELETON.format("grandfather's name"))
    skeleton_family: Series[ArrowText] = _name_key(_SKELETON.format("family name"))
    name_script: Series[ArrowText] = text(
        "Script of the name parts: arabic, latin or mixed.", one_of=NAME_SCRIPTS
    )
    sex: Series[ArrowText] = sex_field("M or F.")
    birth_year: Series[pd.Int64Dtype] = birth_year_field("Year of birth.")
    birth_month: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, le=12, description="Month of birth, <NA> when only the year is known."
    )
    birth_day: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, le=31, description="Day of birth, <NA> when only the year is known."
    )
    national_number: Series[ArrowText] = text(
        "National number: 10 digits.", matches=NATIONAL_NUMBER
    )
    unhcr_individual_id: Series[ArrowText] = text(
        "UNHCR individual id: upper-case letters and digits only.", matches=UNHCR_ID
    )
    unhcr_case_id: Series[ArrowText] = text(
        "UNHCR case id: upper-case letters and digits only.", matches=UNHCR_ID
    )
    phone: Series[ArrowText] = text('Phone number in E.164 form ("+9627XXXXXXXX").', matches=E164)
    governorate: Series[ArrowText] = governorate_field("Canonical English governorate name.")
    locality: Series[ArrowText] = text(
        "Place below the governorate (town, suburb, postcode), case-folded.",
        matches=ONE_SPACED,
        lacks="[A-Z]",
    )
    nationality: Series[ArrowText] = nationality_field('ISO 3166 alpha-3 ("JOR", "SYR" ...).')
    officer: Series[ArrowText] = officer_field("Officer name as written, white space normalised.")
    registration_date: Series[ArrowText] = text(
        'Date of registration, ISO "YYYY-MM-DD".', date=True
    )
    employment_status: Series[ArrowText] = employment_status_field(
        "employed, unemployed, in_training or self_employed."
    )

    @pa.dataframe_check(name="birth_date_parts")
    def birth_date_parts(cls, df: pd.DataFrame) -> pd.Series:
        """Month and day both known or both unknown, and never without the year."""
        month, day = df["birth_month"].notna(), df["birth_day"].notna()
        return (month == day) & (df["birth_year"].notna() | ~month)

    class Config:
        strict = True


class RecordTokens(SourceRecord):
    """A record's keyed tokens (token v1, docs/tokens.md): its own, and one per direct
    identifier it has. Records and the snapshot's records.parquet both carry them."""

    record_token: Series[ArrowText] = token_field(
        "Keyed hash (HMAC-SHA256, token v1) of the source name and the partner's own record id.",
        nullable=False,
        unique=True,
    )
    national_number_token: Series[ArrowText] = token_field(
        "Keyed hash of the standardised national number (null if none)."
    )
    unhcr_individual_token: Series[ArrowText] = token_field(
        "Keyed hash of the standardised UNHCR individual id (null if none)."
    )
    unhcr_case_token: Series[ArrowText] = token_field(
        "Keyed hash of the standardised UNHCR case id, shared by a family (null if none)."
    )
    phone_token: Series[ArrowText] = token_field(
        "Keyed hash of the phone number in E.164 form (null if none)."
    )


class Pseudonymised(RecordTokens, Standardised):
    """What the pseudonymise stage hands on: the standardised records and their tokens."""

    class Config:
        strict = True
