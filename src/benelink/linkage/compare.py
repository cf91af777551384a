"""Comparison vectors: for each candidate pair, one agreement *level* per field.

Records are first turned into integer codes (:func:`encode_records`), so a
partition of pairs needs only numpy arrays — cheap to ship to a worker — and
string similarity is computed once per *distinct* pair of values, never per
pair of records. Similarities are thin wrappers over rapidfuzz, chosen from
``SIMILARITIES`` by name; each comparison's level function is chosen from
``LEVEL_FUNCTIONS`` by its kind.

Level ``-1`` means "null" (a value missing on either side): it carries no
evidence. ``0`` is disagreement; higher levels are kinds of agreement whose
labels are in ``LEVEL_LABELS``. The model learns how much each level weighs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from benelink.linkage.distinct import distinct_pairs
from benelink.linkage.encoded import ENCODED_LEVEL_FUNCTIONS, ENCODED_LEVEL_LABELS, EncodedKind
from benelink.schemas.columns import NAME_PARTS

Codes = npt.NDArray[np.int32]
Levels = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strings = npt.NDArray[np.object_]

NULL_LEVEL: Final = -1
HIGH_SIMILARITY: Final = 0.92
LOW_SIMILARITY: Final = 0.8

Similarity = Literal["jaro_winkler", "osa_distance"]
SIMILARITIES: Final[Mapping[Similarity, Callable[..., Any]]] = {
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "osa_distance": OSA.distance,
}
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

    def __len__(self) -> int:
        return len(self.national_number)


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


def encode_records(records: pd.DataFrame) -> RecordArrays:
    """Turn standardised records into the integer arrays the comparisons run on."""
    key, key_vocab = _shared_codes(records, "key")
    name, name_vocab = _shared_codes(records, "name")
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
    )


def similarity(kind: Similarity, vocab: Strings, a: Codes, b: Codes) -> Floats:
    """Scores of aligned code pairs, NaN where either is missing; once per distinct pair.

    Equal codes are not scored (a similarity of a value with itself is the
    top score, 1 or distance 0).
    """
    out = np.full(len(a), np.nan)
    ok, first, second, inverse = distinct_pairs(
        out, a, b, len(vocab), 0.0 if kind == "osa_distance" else 1.0
    )
    if first.size:
        scores = process.cpdist(
            vocab[first].tolist(), vocab[second].tolist(), scorer=SIMILARITIES[kind], workers=-1
        )
        out[ok] = np.asarray(scores, dtype=np.float64)[inverse]
    return out


def _equal(a: Codes, b: Codes) -> Bools:
    out: Bools = (a == b) & (a >= 0)
    return out


def name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """3 exact key, 2 Jaro-Winkler ≥ 0.92, 1 ≥ 0.8, 0 else.

    The similarity is the best of the keys' and the normalised names' (names in
    two scripts only meet on the key). Each side's codes are gathered once: at
    tens of millions of pairs the gathers cost more than the comparisons.
    """
    key_a, key_b = arr.key[part][left], arr.key[part][right]
    sim = np.fmax(
        similarity("jaro_winkler", arr.key_vocab, key_a, key_b),
        similarity("jaro_winkler", arr.name_vocab, arr.name[part][left], arr.name[part][right]),
    )
    out = np.zeros(len(left), dtype=np.int8)
    out[sim >= LOW_SIMILARITY] = 1
    out[sim >= HIGH_SIMILARITY] = 2
    out[key_a == key_b] = 3
    out[(key_a < 0) | (key_b < 0)] = NULL_LEVEL
    return out


SWAPPED_LEVEL: Final = 2


def first_name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """As names, plus level 2 "swapped": first and family name exchanged between the records.

    Clerks and forms put the family name first ("Haddad Mohammad"); the family
    comparison of such a pair is set to null by :func:`compare_pairs`, so the
    swap is weighed once, here.
    """
    base = name_levels(arr, part, left, right)
    kf, kl = arr.key["first"], arr.key["family"]
    swapped = _equal(kf[left], kl[right]) & _equal(kl[left], kf[right]) & (base < 2)
    out = np.where(base >= 2, base + 1, np.where(swapped, SWAPPED_LEVEL, base))
    return np.where(base == NULL_LEVEL, NULL_LEVEL, out).astype(np.int8)


def father_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """As names, plus level 2 "shifted": the father of one is the grandfather of the other.

    A name recorded without its father part (or parsed from a full name with one
    part missing) moves the grandfather into the father's slot.
    """
    base = name_levels(arr, part, left, right)
    kf, kg = arr.key["father"], arr.key["grandfather"]
    shifted = _equal(kf[left], kg[right]) | _equal(kg[left], kf[right])
    out = np.where(base == 3, 4, np.where(base == 2, 3, np.where(shifted, 2, base)))
    return np.where(base == NULL_LEVEL, NULL_LEVEL, out).astype(np.int8)


def family_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """4 exact, 3 JW ≥ 0.92, 2 the family name of one is another name part of the other, 1 JW ≥ 0.8."""
    base = name_levels(arr, part, left, right)
    family_a, family_b = arr.key["family"][left], arr.key["family"][right]
    other = np.zeros(len(left), dtype=bool)
    for p in ("father", "grandfather"):
        other |= _equal(family_a, arr.key[p][right]) | _equal(arr.key[p][left], family_b)
    out = np.where(base == 3, 4, np.where(base == 2, 3, np.where(other, 2, base)))
    return np.where(base == NULL_LEVEL, NULL_LEVEL, out).astype(np.int8)


def birth_date_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """6 exact, 5 day/month swapped, 4 year+month, 3 year-only record with the same year,
    2 month+day with the year ±1, 1 year ±1, 0 else; null without a year on either side."""
    y, m, d = arr.birth["year"], arr.birth["month"], arr.birth["day"]
    ya, yb, ma, mb, da, db = y[left], y[right], m[left], m[right], d[left], d[right]
    full = (ma >= 0) & (mb >= 0) & (da >= 0) & (db >= 0)
    same_year = ya == yb
    near_year = np.abs(ya - yb) <= 1
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


def national_number_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """3 exact, 2 one digit differing or two adjacent digits swapped, 1 two such edits, 0 else."""
    a, b = arr.national_number[left], arr.national_number[right]
    distance = similarity("osa_distance", arr.national_number_vocab, a, b)
    return np.select(
        [(a < 0) | (b < 0), _equal(a, b), distance <= 1, distance <= 2], [NULL_LEVEL, 3, 2, 1], 0
    ).astype(np.int8)


def text_levels(arr: RecordArrays, column: str, left: Codes, right: Codes) -> Levels:
    """3 exact, 2 Jaro-Winkler ≥ 0.92, 1 ≥ 0.8, 0 else (a place name with a typo still counts)."""
    if column not in arr.text:
        return np.full(len(left), NULL_LEVEL, dtype=np.int8)
    a, b = arr.text[column][left], arr.text[column][right]
    sim = similarity("jaro_winkler", arr.text_vocab[column], a, b)
    return np.select(
        [(a < 0) | (b < 0), _equal(a, b), sim >= HIGH_SIMILARITY, sim >= LOW_SIMILARITY],
        [NULL_LEVEL, 3, 2, 1],
        0,
    ).astype(np.int8)


def exact_levels(arr: RecordArrays, column: str, left: Codes, right: Codes) -> Levels:
    """1 equal, 0 different."""
    a, b = arr.exact[column][left], arr.exact[column][right]
    out: Levels = (a == b).astype(np.int8)
    out[(a < 0) | (b < 0)] = NULL_LEVEL
    return out


ComparisonKind = Literal[
    "name",
    "first_name",
    "father_name",
    "family_name",
    "birth_date",
    "national_number",
    "exact",
    "text",
    EncodedKind,  # levels on encoded records (linkage/encoded.py)
]
LevelFunction = Callable[[RecordArrays, str, Codes, Codes], Levels]
LEVEL_FUNCTIONS: Final[Mapping[ComparisonKind, LevelFunction]] = {
    "name": name_levels,
    "first_name": first_name_levels,
    "father_name": father_levels,
    "family_name": family_levels,
    "birth_date": birth_date_levels,
    "national_number": national_number_levels,
    "exact": exact_levels,
    "text": text_levels,
    **ENCODED_LEVEL_FUNCTIONS,
}
_NAME_LABELS = {3: "exact", 2: "jaro_winkler>=0.92", 1: "jaro_winkler>=0.8", 0: "else"}
LEVEL_LABELS: Final[Mapping[ComparisonKind, Mapping[int, str]]] = {
    "name": _NAME_LABELS,
    "first_name": {
        4: "exact",
        3: "jaro_winkler>=0.92",
        2: "first/family swapped",
        1: "jaro_winkler>=0.8",
        0: "else",
    },
    "father_name": {
        4: "exact",
        3: "jaro_winkler>=0.92",
        2: "father~grandfather",
        1: "jaro_winkler>=0.8",
        0: "else",
    },
    "family_name": {
        4: "exact",
        3: "jaro_winkler>=0.92",
        2: "other name part",
        1: "jaro_winkler>=0.8",
        0: "else",
    },
    "birth_date": {
        6: "exact",
        5: "day/month swapped",
        4: "year+month",
        3: "year (year-only record)",
        2: "month+day, year ±1",
        1: "year ±1",
        0: "else",
    },
    "national_number": {
        3: "exact",
        2: "one digit or transposition",
        1: "two digits or transpositions",
        0: "else",
    },
    "exact": {1: "exact", 0: "else"},
    "text": _NAME_LABELS,
    **ENCODED_LEVEL_LABELS,
}


@dataclass(frozen=True)
class Comparison:
    """One column of the comparison vector.

    ``term_frequency`` adjusts its exact level by the value's frequency;
    ``household`` marks a field that every member of a household shares (father,
    grandfather and family names, phone, UNHCR case): its level is set to null
    when the first names disagree, because then its agreement says "same
    household", not "same person", and would otherwise outvote the first name
    and birth date that tell siblings apart (Fellegi–Sunter assumes the fields
    independent; in a household they are not). ``identifier`` marks a personal
    id (national number, UNHCR individual id): when the pair agrees on one,
    siblings are ruled out and the household fields count again, so a record
    whose first name was replaced or mistyped beyond recognition is still found.
    """

    name: str
    kind: ComparisonKind
    field: str
    term_frequency: bool = False
    anchor: bool = False
    household: bool = False
    identifier: bool = False

    @property
    def agreement_level(self) -> int:
        """The lowest level that still says "the same value" (exact, or one edit away)."""
        return max(self.top_level - 1, 1)

    @property
    def top_level(self) -> int:
        return max(LEVEL_LABELS[self.kind])


COMPARISONS: Final[tuple[Comparison, ...]] = (
    Comparison("first_name", "first_name", "first", term_frequency=True, anchor=True),
    Comparison("father_name", "father_name", "father", term_frequency=True, household=True),
    Comparison("grandfather_name", "name", "grandfather", term_frequency=True, household=True),
    Comparison("family_name", "family_name", "family", term_frequency=True, household=True),
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
        out[:, i] = LEVEL_FUNCTIONS[comparison.kind](arr, comparison.field, left, right)
    first = [i for i, c in enumerate(comparisons) if c.field == "first"]
    if first:
        same_id = np.zeros(len(left), dtype=bool)
        for i, comparison in enumerate(comparisons):
            if comparison.identifier:
                same_id |= out[:, i] >= comparison.agreement_level
        differ = (out[:, first[0]] == 0) & ~same_id
        swapped = (out[:, first[0]] == SWAPPED_LEVEL) & (comparisons[first[0]].kind == "first_name")
        for i, comparison in enumerate(comparisons):
            if comparison.household:
                out[differ, i] = NULL_LEVEL
            if comparison.field == "family":
                out[swapped, i] = NULL_LEVEL
    return out
