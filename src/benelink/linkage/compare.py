"""Comparison vectors: for each candidate pair, one agreement *level* per field.

Every comparison is declared once, in ``COMPARISONS``: its field, the ladder
of levels it climbs (each level with its label and what it means — the same
value, a mistyped id, first and family names swapped) and the flags that set
its behaviour (household field, personal identifier, term frequencies). The
same declarations compare records in the clear and records encoded by a
partner: only what "near" means changes with the form (Jaro-Winkler on names
in the clear, Dice on Bloom filters when encoded, equality on tokens;
``benelink.linkage.similarity.CLOSENESS``). So a rule can never hold for one
form and not the other.

Records are first turned into integer codes (:func:`encode_records`), so a
partition of pairs needs only numpy arrays — cheap to ship to a worker — and
string similarity is computed once per *distinct* pair of values, never per
pair of records.

Level ``-1`` means "null" (a value missing on either side): it carries no
evidence. ``0`` is disagreement; higher levels are kinds of agreement. The
model learns how much each level weighs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.similarity import CLOSENESS, Aspect, Closeness, RecordForm, similarity
from benelink.schemas.columns import NAME_PARTS

Codes = npt.NDArray[np.int32]
Levels = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strings = npt.NDArray[np.object_]

NULL_LEVEL: Final = -1
EXACT_FIELDS: Final = (
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "sex",
    "governorate",
    "nationality",
)
# free-text fields compared by exact agreement and Jaro-Winkler, each with its own vocabulary
TEXT_FIELDS: Final = ("locality",)
# every column ``encode_records`` reads: a pair whose records hold the same values in these
# has the same comparison vector
COMPARED_COLUMNS: Final = (
    *(f"{what}_{p}" for what in ("key", "name", "skeleton") for p in NAME_PARTS),
    "birth_year",
    "birth_month",
    "birth_day",
    "national_number",
    *EXACT_FIELDS,
    *TEXT_FIELDS,
)


@dataclass(frozen=True)
class RecordArrays:
    """The fields comparisons need, as integer codes (-1 = missing) and vocabularies.

    All name keys share one vocabulary (and all normalised names another), so
    the father of one record can be compared with the grandfather of another.
    """

    key_vocab: Strings
    name_vocab: Strings
    key: Mapping[str, Codes]
    name: Mapping[str, Codes]
    birth: Mapping[str, Codes]
    national_number_vocab: Strings
    national_number: Codes
    exact: Mapping[str, Codes]
    text: Mapping[str, Codes] = field(default_factory=dict)
    text_vocab: Mapping[str, Strings] = field(default_factory=dict)
    form: RecordForm = "clear"
    skeleton: Mapping[str, Codes] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.national_number)

    def closeness(self, aspect: Aspect) -> Closeness:
        """What "near" means for ``aspect`` in this form of records."""
        return CLOSENESS[self.form][aspect]


def _text(records: pd.DataFrame, column: str) -> pd.Series:
    if column not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="string")
    values = records[column]
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("string")
    values = values.str.strip()
    return values.mask(values == "")


def _factorize(values: pd.Series) -> tuple[Codes, Strings]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def _shared_codes(records: pd.DataFrame, prefix: str) -> tuple[dict[str, Codes], Strings]:
    n = len(records)
    stacked = pd.concat([_text(records, f"{prefix}_{p}") for p in NAME_PARTS], ignore_index=True)
    codes, vocab = _factorize(stacked)
    return {p: codes[i * n : (i + 1) * n] for i, p in enumerate(NAME_PARTS)}, vocab


def encode_records(records: pd.DataFrame, form: RecordForm = "clear") -> RecordArrays:
    """Turn standardised records into the integer arrays the comparisons run on.

    ``form`` says what the name, id and place columns hold: values in the clear,
    or the Bloom filters and tokens of an encoded extract (``anonymize.encode``).
    """
    key, key_vocab = _shared_codes(records, "key")
    name, name_vocab = _shared_codes(records, "name")
    skeleton, _ = _shared_codes(records, "skeleton")  # equality only: codes suffice
    birth: dict[str, Codes] = {}
    for part in ("year", "month", "day"):
        column = f"birth_{part}"
        if column in records.columns:
            values = pd.to_numeric(records[column], errors="coerce").astype("Int64")
            birth[part] = np.asarray(values.fillna(-1).to_numpy(dtype=np.int32), dtype=np.int32)
        else:
            birth[part] = np.full(len(records), -1, dtype=np.int32)
    nn_codes, nn_vocab = _factorize(_text(records, "national_number"))
    exact = {c: _factorize(_text(records, c))[0] for c in EXACT_FIELDS}
    text = {c: _factorize(_text(records, c)) for c in TEXT_FIELDS}
    return RecordArrays(
        key_vocab,
        name_vocab,
        key,
        name,
        birth,
        nn_vocab,
        nn_codes,
        exact,
        text={c: codes for c, (codes, _) in text.items()},
        text_vocab={c: vocab for c, (_, vocab) in text.items()},
        form=form,
        skeleton=skeleton,
    )


def _equal(a: Codes, b: Codes) -> Bools:
    out: Bools = (a == b) & (a >= 0)
    return out


def _near(arr: RecordArrays, aspect: Aspect, vocab: Strings, a: Codes, b: Codes) -> Floats:
    """The form's measure of ``aspect`` on aligned code pairs (NaN: missing, or a form that
    keeps equality only)."""
    measure = arr.closeness(aspect).measure
    if measure is None:
        return np.full(len(a), np.nan)
    return similarity(measure, vocab, a, b)


def _near_levels(arr: RecordArrays, aspect: Aspect, sim: Floats) -> tuple[Bools, Bools]:
    """Where ``sim`` reaches the form's high and low thresholds of ``aspect``."""
    close = arr.closeness(aspect)
    if close.measure == "osa_distance":  # a distance: fewer edits is nearer
        return sim <= close.high, sim <= close.low
    return sim >= close.high, sim >= close.low


def name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """3 exact key, 2 near (high), 1 near (low) or the same consonant skeleton, 0 else.

    Near is the best of the keys' and the normalised names' similarity (names
    in two scripts only meet on the key; encoded, both are filters). A pair
    whose keys are not near but whose skeletons are equal (``namekey.name_skeleton``:
    Latin Alaa read as علاء, the Arabic record's آلاء) may be one name read two
    ways, so it counts as near (low), not as a disagreement that would turn the
    household fields off. Only pairs whose keys differ are measured: an equal
    key is level 3 whatever the spellings (an Arabic and a Latin record of one
    name have different names and one key), and each side's codes are gathered
    once, since at tens of millions of pairs the gathers cost more than the
    comparisons.
    """
    key_a, key_b = arr.key[part][left], arr.key[part][right]
    out = np.zeros(len(left), dtype=np.int8)
    out[key_a == key_b] = 3
    out[(key_a < 0) | (key_b < 0)] = NULL_LEVEL
    todo = np.flatnonzero(out == 0)
    key_a, key_b, left, right = key_a[todo], key_b[todo], left[todo], right[todo]
    sim = np.fmax(
        _near(arr, "name", arr.key_vocab, key_a, key_b),
        _near(arr, "name", arr.name_vocab, arr.name[part][left], arr.name[part][right]),
    )
    high, low = _near_levels(arr, "name", sim)
    if part in arr.skeleton:
        low |= _equal(arr.skeleton[part][left], arr.skeleton[part][right])
    out[todo[low]] = 1
    out[todo[high]] = 2
    return out


def _with_level_two(base: Levels, special: Bools) -> Levels:
    """A name ladder with one more level inserted at 2: the two near-or-exact levels move
    up, ``special`` pairs below them take 2."""
    out = np.where(base >= 2, base + 1, np.where(special & (base < 2), 2, base))
    return np.where(base == NULL_LEVEL, NULL_LEVEL, out).astype(np.int8)


def first_name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """As names, plus level 2 "swapped": first and family name exchanged between the records.

    Clerks and forms put the family name first ("Haddad Mohammad"); the family
    comparison of such a pair is set to null by :func:`compare_pairs`, so the
    swap is weighed once, here.
    """
    kf, kl = arr.key["first"], arr.key["family"]
    swapped = _equal(kf[left], kl[right]) & _equal(kl[left], kf[right])
    return _with_level_two(name_levels(arr, part, left, right), swapped)


def father_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """As names, plus level 2 "shifted": the father of one is the grandfather of the other.

    A name recorded without its father part (or parsed from a full name with one
    part missing) moves the grandfather into the father's slot.
    """
    kf, kg = arr.key["father"], arr.key["grandfather"]
    shifted = _equal(kf[left], kg[right]) | _equal(kg[left], kf[right])
    return _with_level_two(name_levels(arr, part, left, right), shifted)


def family_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """As names, plus level 2: the family name of one is another name part of the other."""
    family_a, family_b = arr.key["family"][left], arr.key["family"][right]
    other = np.zeros(len(left), dtype=bool)
    for p in ("father", "grandfather"):
        other |= _equal(family_a, arr.key[p][right]) | _equal(arr.key[p][left], family_b)
    return _with_level_two(name_levels(arr, part, left, right), other)


def birth_date_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """6 exact, 5 day/month swapped, 4 year+month, 3 year-only record with the same year,
    2 month+day with the year ±1, 1 year ±1, 0 else; null without a year on either side.

    Encoded birth dates are keyed codes that keep equality only, so there "year
    ±1" can only be the same year.
    """
    y, m, d = arr.birth["year"], arr.birth["month"], arr.birth["day"]
    ya, yb, ma, mb, da, db = y[left], y[right], m[left], m[right], d[left], d[right]
    full = (ma >= 0) & (mb >= 0) & (da >= 0) & (db >= 0)
    same_year = ya == yb
    near_year = np.abs(ya - yb) <= 1 if arr.form == "clear" else same_year
    return np.select(
        [
            (ya < 0) | (yb < 0),
            full & same_year & (ma == mb) & (da == db),
            full & same_year & (ma == db) & (da == mb),
            same_year & (ma == mb) & (ma >= 0),
            ~full & same_year,
            full & near_year & (ma == mb) & (da == db),
            near_year,
        ],
        [NULL_LEVEL, 6, 5, 4, 3, 2, 1],
        0,
    ).astype(np.int8)


# how far a birth year given alone (often estimated) may be from the true one
ESTIMATED_YEAR_SPREAD: Final = 10


def birth_dates_apart(arr: RecordArrays, left: Codes, right: Codes) -> Bools:
    """Pairs whose birth dates say two people: two full dates more than a year apart
    that differ in the month and the day too, and not by a day/month swap; or, where a
    side gives the year alone, years more than ``ESTIMATED_YEAR_SPREAD`` apart.

    A slip changes one part of a date, two at most, and a year given alone is often
    estimated; two records that differ beyond that are two people — a mother and a
    daughter, sisters given the same name — however well their names and household
    agree (``linkage.finish`` keeps them apart). Encoded dates cannot say it: their
    month and day are keyed with the year, so two different years tell nothing more
    (a slip of one year looks like twenty), and no encoded pair is apart.
    """
    if arr.form != "clear":
        return np.zeros(len(left), dtype=bool)
    y, m, d = arr.birth["year"], arr.birth["month"], arr.birth["day"]
    ya, yb, ma, mb, da, db = y[left], y[right], m[left], m[right], d[left], d[right]
    years = (ya >= 0) & (yb >= 0)
    full = years & (ma >= 0) & (mb >= 0) & (da >= 0) & (db >= 0)
    gap = np.abs(ya - yb)
    each_differs = (ma != mb) & (da != db) & ~((ma == db) & (da == mb))
    apart: Bools = (full & (gap > 1) & each_differs) | (
        years & ~full & (gap > ESTIMATED_YEAR_SPREAD)
    )
    return apart


def national_number_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """3 exact, 2 one digit differing or two adjacent digits swapped, 1 two such edits, 0 else
    (encoded, a token is equal or not: 3 or 0)."""
    a, b = arr.national_number[left], arr.national_number[right]
    one_edit, two_edits = _near_levels(
        arr, "digits", _near(arr, "digits", arr.national_number_vocab, a, b)
    )
    return np.select(
        [(a < 0) | (b < 0), _equal(a, b), one_edit, two_edits], [NULL_LEVEL, 3, 2, 1], 0
    ).astype(np.int8)


def text_levels(arr: RecordArrays, column: str, left: Codes, right: Codes) -> Levels:
    """3 exact, 2 near (high), 1 near (low), 0 else: a place name with a typo still counts
    (encoded, a token is equal or not)."""
    if column not in arr.text:
        return np.full(len(left), NULL_LEVEL, dtype=np.int8)
    a, b = arr.text[column][left], arr.text[column][right]
    high, low = _near_levels(arr, "text", _near(arr, "text", arr.text_vocab[column], a, b))
    return np.select([(a < 0) | (b < 0), _equal(a, b), high, low], [NULL_LEVEL, 3, 2, 1], 0).astype(
        np.int8
    )


def exact_levels(arr: RecordArrays, column: str, left: Codes, right: Codes) -> Levels:
    """1 equal, 0 different."""
    a, b = arr.exact[column][left], arr.exact[column][right]
    out: Levels = (a == b).astype(np.int8)
    out[(a < 0) | (b < 0)] = NULL_LEVEL
    return out


LevelFunction = Callable[[RecordArrays, str, Codes, Codes], Levels]
Near = Literal["high", "low"]


@dataclass(frozen=True)
class Level:
    """One level of a comparison: its value, its label, and what agreeing on it means.

    ``near`` marks a level judged by the form's similarity ("high" or "low"
    threshold, ``similarity.CLOSENESS``), whose label the form writes.
    ``same``: the two values are the same (exactly, or as good as); ``typo``:
    two identifiers that are one mistyped from the other; ``swapped``: first
    and family names exchanged.
    """

    value: int
    label: str = ""
    near: Near | None = None
    also: str = ""  # a near level's other way in, named after its measure in the label
    same: bool = False
    typo: bool = False
    swapped: bool = False


@dataclass(frozen=True)
class Ladder:
    """The levels a comparison climbs, highest first, and the function that computes them."""

    levels: tuple[Level, ...]
    compute: LevelFunction
    aspect: Aspect = "name"  # whose closeness labels the near levels


LadderName = Literal[
    "name",
    "first_name",
    "father_name",
    "family_name",
    "birth_date",
    "national_number",
    "exact",
    "text",
]
_ELSE: Final = Level(0, "else")


def _name_ladder(compute: LevelFunction, level_two: Level | None = None) -> Ladder:
    """The name levels (exact, near high, near low, else), with ``level_two`` inserted."""
    top = 4 if level_two is not None else 3
    levels = [
        Level(top, "exact", same=True),
        Level(top - 1, near="high", same=True),
        *([level_two] if level_two is not None else []),
        Level(1, near="low", also="same consonant skeleton"),
        _ELSE,
    ]
    return Ladder(tuple(levels), compute)


LADDERS: Final[Mapping[LadderName, Ladder]] = {
    "name": _name_ladder(name_levels),
    "first_name": _name_ladder(
        first_name_levels, Level(2, "first/family swapped", same=True, swapped=True)
    ),
    "father_name": _name_ladder(father_levels, Level(2, "father~grandfather")),
    "family_name": _name_ladder(family_levels, Level(2, "other name part")),
    "birth_date": Ladder(
        (
            Level(6, "exact", same=True),
            Level(5, "day/month swapped", same=True),
            Level(4, "year+month"),
            Level(3, "year (year-only record)"),
            Level(2, "month+day, year ±1"),
            Level(1, "year ±1"),
            _ELSE,
        ),
        birth_date_levels,
    ),
    "national_number": Ladder(
        (
            Level(3, "exact", same=True),
            Level(2, near="high", same=True, typo=True),
            Level(1, near="low", typo=True),
            _ELSE,
        ),
        national_number_levels,
        aspect="digits",
    ),
    "exact": Ladder((Level(1, "exact", same=True), _ELSE), exact_levels),
    "text": Ladder(
        (Level(3, "exact", same=True), Level(2, near="high"), Level(1, near="low"), _ELSE),
        text_levels,
        aspect="text",
    ),
}


@dataclass(frozen=True)
class Comparison:
    """One column of the comparison vector, declared once for every form of records.

    ``kind`` names its ladder of levels (``LADDERS``). The flags set what it
    does beyond its own levels:

    ``term_frequency`` adjusts its exact level by the value's frequency.
    ``anchor``: a field that tells one member of a household from another (first
    name, birth date); EM learns its m on matches only. ``person``: the first
    name, whose disagreement turns the household fields off. ``household``: a
    field every member of a household shares (father, grandfather and family
    names, phone, UNHCR case, place): its level is set to null when the first
    names disagree, because then its agreement says "same household", not
    "same person", and would otherwise outvote the first name and birth date
    that tell siblings apart (Fellegi–Sunter assumes the fields independent; in
    a household they are not). ``identifier``: a personal id (national number,
    UNHCR individual id): when the pair agrees on one, siblings are ruled out
    and the household fields count again, so a record whose first name was
    replaced or mistyped beyond recognition is still found.
    ``null_when_swapped``: the family name, weighed by the first name's
    "swapped" level instead of twice.
    """

    name: str
    kind: LadderName
    field: str
    term_frequency: bool = False
    anchor: bool = False
    person: bool = False
    household: bool = False
    identifier: bool = False
    null_when_swapped: bool = False

    @property
    def ladder(self) -> Ladder:
        return LADDERS[self.kind]

    @property
    def top_level(self) -> int:
        return self.ladder.levels[0].value

    def labels(self, form: RecordForm = "clear") -> dict[int, str]:
        """Level -> label, the near levels labelled by the form's measure."""
        close = CLOSENESS[form][self.ladder.aspect]
        return {
            level.value: " or ".join(filter(None, (close.label(level.near), level.also)))
            if level.near
            else level.label
            for level in self.ladder.levels
        }

    def where(self, flag: Literal["same", "typo", "swapped"]) -> Bools:
        """Per level + 1 (slot 0 = null): whether the level carries ``flag``."""
        out = np.zeros(self.top_level + 2, dtype=bool)
        for level in self.ladder.levels:
            out[level.value + 1] = getattr(level, flag)
        return out


COMPARISONS: Final[tuple[Comparison, ...]] = (
    Comparison("first_name", "first_name", "first", term_frequency=True, anchor=True, person=True),
    Comparison("father_name", "father_name", "father", term_frequency=True, household=True),
    Comparison("grandfather_name", "name", "grandfather", term_frequency=True, household=True),
    Comparison(
        "family_name",
        "family_name",
        "family",
        term_frequency=True,
        household=True,
        null_when_swapped=True,
    ),
    Comparison("birth_date", "birth_date", "birth", anchor=True),
    Comparison("national_number", "national_number", "national_number", identifier=True),
    Comparison("unhcr_individual_id", "exact", "unhcr_individual_id", identifier=True),
    Comparison("unhcr_case_id", "exact", "unhcr_case_id", household=True),
    Comparison("phone", "exact", "phone", household=True),
    Comparison("sex", "exact", "sex"),
    Comparison("nationality", "exact", "nationality"),
    Comparison("governorate", "exact", "governorate", household=True),
    Comparison("locality", "text", "locality", household=True),
)


def _has(levels: Levels, comparison: Comparison, flag: Literal["same", "typo", "swapped"]) -> Bools:
    """Whether each pair's level of ``comparison`` carries ``flag``."""
    found: Bools = comparison.where(flag)[levels.astype(np.intp) + 1]
    return found


def ids_overridable(levels: Levels, comparisons: Sequence[Comparison]) -> Bools:
    """Pairs that may join clusters holding two different exclusive ids.

    Two different national numbers (or UNHCR individual ids) keep clusters
    apart: it is the classic sign of chaining, and of siblings, who share
    every household field. Two cases are let through (and the cluster is
    flagged as a conflict for review): the numbers are one mistyped from the
    other, or the pair agrees on every anchor — what tells one member of a
    household from another, the first name (the same, swapped with the family
    name, or missing on one side) *and* the birth date (exact or day/month
    swapped) — so the number itself is what is wrong (FEBRL replaces whole id
    numbers in its duplicates; clerks type a relative's number).
    """
    out = _on_an_identifier(levels, comparisons, "typo")
    anchors = [(i, c) for i, c in enumerate(comparisons) if c.anchor]
    if any(c.person for _, c in anchors) and len(anchors) > 1:
        agree = np.ones(len(levels), dtype=bool)
        for i, c in anchors:
            same = _has(levels[:, i], c, "same")
            if c.person:  # a missing first name cannot tell two people apart
                same |= levels[:, i] == NULL_LEVEL
            agree &= same
        out |= agree
    return out


def identifiers_agree(levels: Levels, comparisons: Sequence[Comparison]) -> Bools:
    """Pairs that agree on a personal id (the same national number or UNHCR individual
    id, or one a typo of the other): the id says one person, whatever else differs."""
    return _on_an_identifier(levels, comparisons, "same")


def _on_an_identifier(
    levels: Levels, comparisons: Sequence[Comparison], flag: Literal["same", "typo"]
) -> Bools:
    """Pairs whose level of some identifier comparison carries ``flag``."""
    out = np.zeros(len(levels), dtype=bool)
    for i, c in enumerate(comparisons):
        if c.identifier:
            out |= _has(levels[:, i], c, flag)
    return out


def compare_pairs(
    arr: RecordArrays,
    left: Codes,
    right: Codes,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> Levels:
    """The comparison vectors of a partition of pairs: shape (pairs, comparisons), int8."""
    # positions as numpy's own index type: each of the fifty gathers would convert them again
    left, right = left.astype(np.intp, copy=False), right.astype(np.intp, copy=False)
    # one column per comparison, each column contiguous (columns are written and read whole)
    out = np.empty((len(left), len(comparisons)), dtype=np.int8, order="F")
    for i, comparison in enumerate(comparisons):
        out[:, i] = comparison.ladder.compute(arr, comparison.field, left, right)
    person = next((i for i, c in enumerate(comparisons) if c.person), None)
    if person is not None:
        same_id = np.zeros(len(left), dtype=bool)
        for i, comparison in enumerate(comparisons):
            if comparison.identifier:
                same_id |= _has(out[:, i], comparison, "same")
        differ = (out[:, person] == 0) & ~same_id
        swapped = _has(out[:, person], comparisons[person], "swapped")
        for i, comparison in enumerate(comparisons):
            if comparison.household:
                out[differ, i] = NULL_LEVEL
            if comparison.null_when_swapped:
                out[swapped, i] = NULL_LEVEL
    return out
