"""pandera schemas of the raw sources: canonical column names, raw string values.

Each check's ``name`` is the stable reason code written to the rejects file,
so renaming a check is a breaking change for officers who filter on it. What a
failure *does* (reject the row or drop the value) is decided in
``pipelines.validate``; the schemas only say what is wrong.

A missing value is no failure: a record without a national number, a UNHCR id, a
birth date or a phone is a weaker record, linked on what it has. Only a missing
record id and a row that names no one (``missing_name``: no usable name and no
valid individual identifier) are failures of absence.

Value rules are computed once per distinct value and mapped back, because a
million-row month holds far fewer distinct dates, sexes or phone shapes than
rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc
from pandera.api.pandas.container import DataFrameSchema

from benelink.arrow_text import arrow_array
from benelink.schemas.canonical import Canonical
from benelink.schemas.columns import (
    CANONICAL_COLUMNS,
    INDIVIDUAL_ID_COLUMNS,
    NAME_COLUMNS,
    NAME_PART_COLUMNS,
    SourceKind,
)
from benelink.standardize.dates import MIN_YEAR, earliest_date, iso_date
from benelink.standardize.identifiers import (
    SHAPE_CASE,
    SHAPE_INDIVIDUAL,
    SHAPE_NATIONAL,
    SHAPE_PHONE,
    identifier_shapes,
    record_id_column,
)
from benelink.standardize.phones import PhoneColumn, read_phone_column

MAX_LENGTH: Final = 200
EARLIEST_BIRTH_YEAR: Final = MIN_YEAR
ACCEPTED_SEX: Final[frozenset[str]] = frozenset(
    {"ذكر", "أنثى", "انثى", "m", "f", "male", "female", "1", "2"}
)
_ARABIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
# RE2 patterns (Arrow's regex engine)
_FOUR_DIGITS: Final = r"^(?:[^0-9]*[0-9]){4}"
# C0/C1 controls, and U+FFFD, which ingest puts where a NUL byte was
_CONTROL: Final = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{fffd}]"
_SCIENTIFIC: Final = r"^\d+(\.\d+)?[eE][+-]?\d+$"
# an officer's name: letters (any script) and marks, spaces and the joiners of names; a digit,
# "@", "/", "+" ... means a phone, an id number, a date or an address was typed instead
_NOT_IN_A_NAME: Final = r"[^\pL\pM\p{Zs}\s.'\x{2019}\-]"


def _per_unique(values: pd.Series, rule: Callable[[str], bool]) -> pd.Series:
    """``rule`` over every non-null value, evaluated once per distinct value."""
    codes, uniques = pd.factorize(values)
    verdicts = np.array([rule(str(u)) for u in uniques] + [True], dtype=bool)  # -1: null passes
    return pd.Series(verdicts[codes], index=values.index, dtype=bool)


def _verdict(result: Any, values: pd.Series) -> pd.Series:
    """An Arrow boolean array as a check result; a null value passes (``ignore_na``)."""
    return pd.Series(np.asarray(pc.fill_null(result, True)), index=values.index, dtype=bool)


def _ascii_digits(text: Any) -> Any:
    # one search first: most columns hold no Arabic-Indic digit, and then the twenty
    # replacement passes over a million values are skipped
    if not pc.any(pc.match_substring_regex(text, f"[{_ARABIC_DIGITS}]")).as_py():
        return text
    for arabic, ascii_digit in zip(_ARABIC_DIGITS, "0123456789" * 2, strict=True):
        text = pc.replace_substring(text, arabic, ascii_digit)
    return text


def _national_number_text(values: pd.Series) -> Any:
    """Digits made ASCII; spaces, dashes and an Excel ".0" removed."""
    text = pc.replace_substring_regex(_ascii_digits(arrow_array(values)), r"[ \-]", "")
    return pc.replace_substring_regex(text, r"\.0$", "")


def not_scientific(values: pd.Series) -> pd.Series:
    """False where Excel has turned the number into ``9.87E+09`` (its last digits are lost)."""
    scientific = pc.match_substring_regex(_national_number_text(values), _SCIENTIFIC)
    return _verdict(pc.invert(scientific), values)


def national_number_or_scientific(values: pd.Series) -> pd.Series:
    """Ten digits once cleaned; scientific notation passes here, it has its own reason."""
    text = _national_number_text(values)
    ok = pc.or_(
        pc.match_substring_regex(text, r"^\d{10}$"), pc.match_substring_regex(text, _SCIENTIFIC)
    )
    return _verdict(ok, values)


def unhcr_id_shaped(values: pd.Series) -> pd.Series:
    """Letters/digits groups joined by - or /, 5 to 30 characters, at least 4 digits.

    Arabic-Indic and Persian digits count as digits and invisible (format) characters are
    ignored, as standardisation reads the id: where the id is also the record id, the
    same person typed in another script must not lose their record."""
    text = pc.replace_substring_regex(_ascii_digits(arrow_array(values)), r"[ \p{Cf}]", "")
    length = pc.utf8_length(text)
    ok = pc.and_(
        pc.and_(pc.greater_equal(length, 5), pc.less_equal(length, 30)),
        pc.and_(
            # at least four digits: one match (Arrow's count of a regex runs ~17x slower)
            pc.match_substring_regex(text, _FOUR_DIGITS),
            pc.match_substring_regex(text, r"^[A-Za-z0-9]+([-/][A-Za-z0-9]+)*$"),
        ),
    )
    return _verdict(ok, values)


class PhoneReadings:
    """``read_phone_column`` of the phone column, read once for the three phone rules:
    pandera hands each check its own copy of the column, so the last reading is kept with
    the values it was read from and reused while they are equal."""

    def __init__(self) -> None:
        self._last: tuple[Any, PhoneColumn] | None = None

    def __call__(self, values: pd.Series) -> PhoneColumn:
        text = arrow_array(values)
        if self._last is not None and self._last[0].equals(text):
            return self._last[1]
        column = read_phone_column(values)
        self._last = (text, column)
        return column


_OTHER_THAN_PHONE: Final = (SHAPE_NATIONAL, SHAPE_INDIVIDUAL, SHAPE_CASE)


def phone_rules(read: PhoneReadings) -> list[pa.Check]:
    """The phone rules, one definition with standardisation (``standardize.phones``):
    a phone it cannot read is dropped; one outside the library's known ranges, or the
    first of several in a cell, is kept and counted."""

    def readable(s: pd.Series) -> pd.Series:
        # a national number or UNHCR id typed in the phone column is not a broken phone:
        # standardisation moves it to its own column (standardize.routing)
        elsewhere = np.isin(identifier_shapes(s, SHAPE_PHONE), _OTHER_THAN_PHONE)
        return _verdict(pc.is_valid(read(s).e164), s) | s.isna().to_numpy() | elsewhere

    def listed(s: pd.Series) -> pd.Series:
        return pd.Series(read(s).listed, index=s.index, dtype=bool)

    def single(s: pd.Series) -> pd.Series:
        return pd.Series(~read(s).several, index=s.index, dtype=bool)

    return [
        pa.Check(readable, name="invalid_phone"),
        pa.Check(listed, name="phone_not_in_known_ranges"),
        pa.Check(single, name="phone_several_numbers"),
    ]


def is_date(value: str) -> bool:
    """A calendar date in a form standardisation reads (``standardize.dates``), any year."""
    return earliest_date(value) is not None


def is_registration_date(value: str) -> bool:
    """A full date standardisation keeps as the registration date (1900-2100)."""
    return iso_date(value) is not None


def is_plausible_birth(value: str) -> bool:
    when = earliest_date(value)
    return when is None or when.year >= EARLIEST_BIRTH_YEAR


def is_sex(value: str) -> bool:
    return value.casefold() in ACCEPTED_SEX


def has_no_control_characters(values: pd.Series) -> pd.Series:
    """NUL (read as U+FFFD), bell, escape ... (tabs and line breaks are left to standardisation)."""
    return _verdict(pc.invert(pc.match_substring_regex(arrow_array(values), _CONTROL)), values)


def not_over_long(values: pd.Series) -> pd.Series:
    return _verdict(pc.less_equal(pc.utf8_length(arrow_array(values)), MAX_LENGTH), values)


def usable(values: pd.Series) -> pd.Series:
    """Present and passing the generic rules, i.e. a value validation will keep."""
    return values.notna() & not_over_long(values) & has_no_control_characters(values)


def valid_national_number(values: pd.Series) -> pd.Series:
    """A national number validation keeps: usable, ten digits once cleaned."""
    ten = pc.match_substring_regex(_national_number_text(values), r"^\d{10}$")
    return usable(values) & _verdict(ten, values)


def valid_unhcr_id(values: pd.Series) -> pd.Series:
    """A UNHCR individual id validation keeps: usable and shaped as one."""
    return usable(values) & unhcr_id_shaped(values)


_KEPT_IDENTIFIER: Final[dict[str, Callable[[pd.Series], pd.Series]]] = {
    "national_number": valid_national_number,
    "unhcr_individual_id": valid_unhcr_id,
}


def identifiable(df: pd.DataFrame) -> pd.Series:
    """True where a row names its person once validation has dropped what it drops: a
    usable name (full name or any part), or a valid individual identifier (national
    number, UNHCR individual id).

    A case number or a phone is shared by a family, so alone it identifies no one; a
    row with a name is always identifiable, whatever else it lacks.
    """
    present = pd.Series(False, index=df.index)
    for column in NAME_COLUMNS:
        if column in df.columns:
            present |= usable(df[column])
    for column in INDIVIDUAL_ID_COLUMNS:
        unnamed = ~present.to_numpy(dtype=bool)  # the identifier is read where it matters
        if column in df.columns and unnamed.any():
            present[unnamed] = _KEPT_IDENTIFIER[column](df[column][unnamed]).to_numpy(dtype=bool)
    return present


def _folded(text: Any) -> Any:
    """Lower-cased, trimmed, inner white space as single spaces (for comparing names)."""
    spaced = pc.replace_substring_regex(pc.utf8_lower(text), r"[\s\p{Zs}]+", " ")
    return pc.utf8_trim_whitespace(spaced)


def officer_is_a_name(df: pd.DataFrame) -> pd.Series:
    """False where the officer column holds no staff name: no letter, or a character no name
    holds (digits of a phone, an id or a date), or the record's own name."""
    if "officer" not in df.columns:
        return pd.Series(True, index=df.index)
    officer = arrow_array(df["officer"])
    shaped = pc.and_(
        pc.match_substring_regex(officer, r"\pL"),
        pc.invert(pc.match_substring_regex(officer, _NOT_IN_A_NAME)),
    )
    own = _folded(officer)
    parts = [pc.fill_null(arrow_array(df[c]), "") for c in NAME_PART_COLUMNS if c in df.columns]
    names = [arrow_array(df["full_name"])] if "full_name" in df.columns else []
    if parts:  # missing parts as "" (white space is folded away below)
        names.append(pc.binary_join_element_wise(*parts, " "))
    for name in names:
        shaped = pc.and_kleene(shaped, pc.invert(pc.equal(own, _folded(name))))
    return _verdict(shaped, df["officer"])


class RawBase(Canonical):
    """Rules shared by every source, over the columns ``Canonical`` declares.

    Each check method is named after its reason code: pandera 0.35 loses the
    ``name=`` of an inherited check in every subclass schema built after the
    first, falling back to the method name, so the two must agree.
    """

    class Config:
        strict = False  # a column validation does not know is left alone, as ever

    @pa.check("source_record_id", name="missing_record_id", ignore_na=False)
    def missing_record_id(cls, s: pd.Series) -> pd.Series:
        """Missing, or nothing left once normalised (only dashes, spaces, invisibles)."""
        return record_id_column(s).notna()

    @pa.check("source_record_id", name="duplicate_record_id")
    def duplicate_record_id(cls, s: pd.Series) -> pd.Series:
        """An id already given by an earlier row once both are normalised as tokens are
        (``standardize.identifiers.record_id``): "N-000123" and "N ٠٠٠١٢٣" are one id."""
        ids = record_id_column(s)
        return ~(ids.duplicated(keep="first") & ids.notna())

    @pa.check(*CANONICAL_COLUMNS, name="over_long_value")
    def over_long_value(cls, s: pd.Series) -> pd.Series:
        return not_over_long(s)

    @pa.check(*CANONICAL_COLUMNS, name="control_characters")
    def control_characters(cls, s: pd.Series) -> pd.Series:
        return has_no_control_characters(s)

    @pa.check("national_number", name="national_number_in_scientific_notation")
    def national_number_in_scientific_notation(cls, s: pd.Series) -> pd.Series:
        return not_scientific(s)

    @pa.check("national_number", name="invalid_national_number")
    def invalid_national_number(cls, s: pd.Series) -> pd.Series:
        return national_number_or_scientific(s)

    @pa.check("date_of_birth", name="invalid_date_of_birth")
    def invalid_date_of_birth(cls, s: pd.Series) -> pd.Series:
        return _per_unique(s, is_date)

    @pa.check("date_of_birth", name="date_of_birth_implausible")
    def date_of_birth_implausible(cls, s: pd.Series) -> pd.Series:
        return _per_unique(s, is_plausible_birth)

    @pa.check("registration_date", name="invalid_registration_date")
    def invalid_registration_date(cls, s: pd.Series) -> pd.Series:
        return _per_unique(s, is_registration_date)

    @pa.check("unhcr_individual_id", name="invalid_unhcr_id")
    def invalid_unhcr_id(cls, s: pd.Series) -> pd.Series:
        return unhcr_id_shaped(s)

    @pa.check("unhcr_case_id", name="invalid_unhcr_case_id")
    def invalid_unhcr_case_id(cls, s: pd.Series) -> pd.Series:
        return unhcr_id_shaped(s)

    @pa.check("sex", name="invalid_sex")
    def invalid_sex(cls, s: pd.Series) -> pd.Series:
        return _per_unique(s, is_sex)

    @pa.dataframe_check(name="officer_not_a_name")
    def officer_not_a_name(cls, df: pd.DataFrame) -> pd.Series:
        return officer_is_a_name(df)

    @pa.dataframe_check(name="missing_name")
    def missing_name(cls, df: pd.DataFrame) -> pd.Series:
        """No usable name *and* no individual identifier validation keeps: nothing names
        the person (see :func:`identifiable`)."""
        return identifiable(df)


class NafRaw(RawBase):
    """National Aid Fund list. Non-Jordanian beneficiaries have no national number, so it
    is not required: such a record is linked on its name, birth date and phone."""


class UnhcrRaw(RawBase):
    """UNHCR registration extract. A row without an individual id (a case number only, or
    nothing) is linked on what it has."""


class JobseekersRaw(RawBase):
    """Job-seeker registry: national number only for Jordanians, so nothing extra is required."""


RAW_MODELS: Final[dict[SourceKind, type[RawBase]]] = {
    "naf": NafRaw,
    "unhcr": UnhcrRaw,
    "jobseekers": JobseekersRaw,
}


def raw_schema(kind: SourceKind, today: date) -> DataFrameSchema:
    """The kind's schema plus the rule that depends on the day of the run and the phone
    rules (``phone_rules``), which share one reading of the column."""
    schema = RAW_MODELS[kind].to_schema()
    column = schema.columns["date_of_birth"]

    def not_in_future(s: pd.Series) -> pd.Series:
        return _per_unique(s, lambda v: (earliest_date(v) or today) <= today)

    future = pa.Check(not_in_future, name="date_of_birth_in_future")
    schema = schema.update_column("date_of_birth", checks=[*column.checks, future])
    phone = schema.columns["phone"]
    return schema.update_column("phone", checks=[*phone.checks, *phone_rules(PhoneReadings())])
