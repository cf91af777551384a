"""Comparison levels on encoded records: Dice on keyed Bloom filters, equality of tokens.

When a run holds an encoded source, every record is linked in encoded form
(``benelink.anonymize.encode.link_frame``): name columns hold hex Bloom
filters, ids hold tokens, birth columns hold keyed codes. Every column keeps
the *equality* of the clear value, so blocking, term frequencies, the birth-date
levels and clustering are the clear ones; only what needs more than equality
changes here:

* names: the Jaro-Winkler levels become Dice-coefficient levels on the filters
  (best of the key filter and the name filter, as the clear levels take the
  best of key and name);
* national numbers: one- and two-digit edit levels are impossible on tokens,
  so the comparison is token equality.

This module does not import ``compare`` at run time (``compare`` registers
these functions), so the comparison set itself lives in
``benelink.pipelines.encoded.ENCODED_COMPARISONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt

from benelink.linkage.block import DEFAULT_RULES, BlockingRule
from benelink.linkage.distinct import distinct_pairs

if TYPE_CHECKING:
    from benelink.linkage.compare import (
        Codes,
        ComparisonKind,
        Floats,
        LevelFunction,
        Levels,
        RecordArrays,
    )

_NULL: Final = -1
# Dice on bigram filters: one changed letter of a 4-letter key leaves 0.5, of an
# 8-letter spelling ~0.75, so these play the part of Jaro-Winkler 0.92 / 0.8
# (calibrated on the simulator and the sample: docs/encoding.md)
DICE_HIGH: Final = 0.75
DICE_LOW: Final = 0.5

EncodedKind = Literal[
    "encoded_name", "encoded_first_name", "encoded_father_name", "encoded_family_name", "token"
]

# Every rule is on columns whose encoded values are equal exactly when the clear
# values are (tokens, filters, birth codes), so the clear rules block encoded records.
ENCODED_RULES: Final[tuple[BlockingRule, ...]] = DEFAULT_RULES


def filter_matrix(hex_filters: npt.NDArray[np.object_]) -> npt.NDArray[np.uint64]:
    """Hex filters (all of one length) as rows of uint64 words, for popcounts."""
    if len(hex_filters) == 0:
        return np.zeros((0, 1), dtype=np.uint64)
    raw = bytes.fromhex("".join(hex_filters.tolist()))
    words = np.frombuffer(raw, dtype=np.uint64)
    return words.reshape(len(hex_filters), -1)


def dice(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> Floats:
    """Dice coefficient of aligned rows of two filter matrices: 2|A∩B| / (|A| + |B|)."""
    common = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
        axis=1, dtype=np.int64
    )
    out: Floats = np.where(total > 0, 2.0 * common / np.maximum(total, 1), 0.0)
    return out


def dice_similarity(vocab: npt.NDArray[np.object_], a: Codes, b: Codes) -> Floats:
    """Dice of aligned code pairs, NaN where either is missing; once per distinct pair."""
    out = np.full(len(a), np.nan)
    ok, first, second, inverse = distinct_pairs(out, a, b, len(vocab), 1.0)
    if not first.size:
        return out
    used, where = np.unique(np.concatenate([first, second]), return_inverse=True)
    matrix = filter_matrix(vocab[used])
    scores = dice(matrix[where[: len(first)]], matrix[where[len(first) :]])
    out[ok] = scores[inverse]
    return out


def _equal(a: Codes, b: Codes) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = (a == b) & (a >= 0)
    return out


def _similarity(arr: RecordArrays, part_a: str, part_b: str, left: Codes, right: Codes) -> Floats:
    on_key = dice_similarity(arr.key_vocab, arr.key[part_a][left], arr.key[part_b][right])
    on_name = dice_similarity(arr.name_vocab, arr.name[part_a][left], arr.name[part_b][right])
    return np.fmax(on_key, on_name)


def encoded_name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """3 equal key filter, 2 Dice ≥ DICE_HIGH, 1 Dice ≥ DICE_LOW, 0 else."""
    ka, kb = arr.key[part][left], arr.key[part][right]
    sim = _similarity(arr, part, part, left, right)
    return np.select(
        [(ka < 0) | (kb < 0), _equal(ka, kb), sim >= DICE_HIGH, sim >= DICE_LOW],
        [_NULL, 3, 2, 1],
        0,
    ).astype(np.int8)


def _swapped(arr: RecordArrays, left: Codes, right: Codes) -> npt.NDArray[np.bool_]:
    kf, kl = arr.key["first"], arr.key["family"]
    out: npt.NDArray[np.bool_] = _equal(kf[left], kl[right]) & _equal(kl[left], kf[right])
    return out


def _lift(base: Levels, special: npt.NDArray[np.bool_], special_level: int) -> Levels:
    """Insert a level below the two top name levels (same layout as the clear comparisons)."""
    out = np.where(base >= 2, base + 1, np.where(special & (base < 2), special_level, base))
    return np.where(base == _NULL, _NULL, out).astype(np.int8)


def encoded_first_name_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """4 equal, 3 Dice high, 2 first and family names swapped, 1 Dice low, 0 else."""
    base = encoded_name_levels(arr, part, left, right)
    return _lift(base, _swapped(arr, left, right), 2)


def encoded_father_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """4 equal, 3 Dice high, 2 father of one = grandfather of the other, 1 Dice low, 0 else."""
    base = encoded_name_levels(arr, part, left, right)
    kf, kg = arr.key["father"], arr.key["grandfather"]
    shifted = _equal(kf[left], kg[right]) | _equal(kg[left], kf[right])
    return _lift(base, shifted, 2)


def encoded_family_levels(arr: RecordArrays, part: str, left: Codes, right: Codes) -> Levels:
    """4 equal, 3 Dice high, 2 family name is another part of the other record, 1 low, 0.

    A pair whose first and family names are swapped gets null here: the
    first-name comparison weighs the swap once (the clear set does the same
    in ``compare_pairs``, which keys that rule on the clear kind's name).
    """
    base = encoded_name_levels(arr, part, left, right)
    fam = arr.key["family"]
    other = np.zeros(len(left), dtype=bool)
    for p in ("father", "grandfather"):
        other |= _equal(fam[left], arr.key[p][right]) | _equal(arr.key[p][left], fam[right])
    out = _lift(base, other, 2)
    swapped = _swapped(arr, left, right) & (encoded_name_levels(arr, "first", left, right) < 2)
    return np.where(swapped, _NULL, out).astype(np.int8)


def token_levels(arr: RecordArrays, column: str, left: Codes, right: Codes) -> Levels:
    """1 same token, 0 different; the column is looked up wherever the arrays hold it."""
    if column == "national_number":
        codes = arr.national_number
    elif column in arr.exact:
        codes = arr.exact[column]
    elif column in arr.text:
        codes = arr.text[column]
    else:
        return np.full(len(left), _NULL, dtype=np.int8)
    a, b = codes[left], codes[right]
    return np.select([(a < 0) | (b < 0), a == b], [_NULL, 1], 0).astype(np.int8)


# keyed by the full ComparisonKind so that compare.py can unpack these into its registries
ENCODED_LEVEL_FUNCTIONS: Final[Mapping[ComparisonKind, LevelFunction]] = {
    "encoded_name": encoded_name_levels,
    "encoded_first_name": encoded_first_name_levels,
    "encoded_father_name": encoded_father_levels,
    "encoded_family_name": encoded_family_levels,
    "token": token_levels,
}
_HIGH, _LOW = f"dice>={DICE_HIGH}", f"dice>={DICE_LOW}"
ENCODED_LEVEL_LABELS: Final[Mapping[ComparisonKind, Mapping[int, str]]] = {
    "encoded_name": {3: "exact", 2: _HIGH, 1: _LOW, 0: "else"},
    "encoded_first_name": {4: "exact", 3: _HIGH, 2: "first/family swapped", 1: _LOW, 0: "else"},
    "encoded_father_name": {4: "exact", 3: _HIGH, 2: "father~grandfather", 1: _LOW, 0: "else"},
    "encoded_family_name": {4: "exact", 3: _HIGH, 2: "other name part", 1: _LOW, 0: "else"},
    "token": {1: "exact", 0: "else"},
}
