"""How close two values are: the similarity measures comparisons choose from.

Records come in one of two forms. In the clear, names are strings compared
with Jaro-Winkler and national numbers with an edit distance; encoded
(``benelink encode``, docs/encoding.md), names are keyed Bloom filters compared
with the Dice coefficient and every identifier is a token, which is either
equal or not. A comparison is declared once (``benelink.linkage.compare``);
the form decides which measure judges "near" and where its two thresholds
lie (``CLOSENESS``), so the clear and the encoded comparisons cannot drift
apart.

Every measure is computed once per *distinct* pair of values
(``benelink.linkage.distinct``), never per pair of records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from benelink.linkage.distinct import distinct_pairs

Codes = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]
Strings = npt.NDArray[np.object_]

RecordForm = Literal["clear", "encoded"]
MeasureName = Literal["jaro_winkler", "osa_distance", "dice"]
# what a comparison asks to be judged: a name part, a number's digits, a free-text place
Aspect = Literal["name", "digits", "text"]


def filter_matrix(hex_filters: Strings) -> npt.NDArray[np.uint64]:
    """Hex Bloom filters (all of one length) as rows of uint64 words, for popcounts."""
    if len(hex_filters) == 0:
        return np.zeros((0, 1), dtype=np.uint64)
    raw = bytes.fromhex("".join(hex_filters.tolist()))
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(hex_filters), -1)


def dice(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> Floats:
    """Dice coefficient of aligned rows of two filter matrices: 2|A∩B| / (|A| + |B|)."""
    common = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
        axis=1, dtype=np.int64
    )
    out: Floats = np.where(total > 0, 2.0 * common / np.maximum(total, 1), 0.0)
    return out


def _rapidfuzz(scorer: Callable[..., Any]) -> Callable[[Strings, Strings], Floats]:
    def scores(first: Strings, second: Strings) -> Floats:
        return np.asarray(
            process.cpdist(first.tolist(), second.tolist(), scorer=scorer, workers=-1),
            dtype=np.float64,
        )

    return scores


def _dice(first: Strings, second: Strings) -> Floats:
    used, where = np.unique(np.concatenate([first, second]), return_inverse=True)
    matrix = filter_matrix(used)
    return dice(matrix[where[: len(first)]], matrix[where[len(first) :]])


@dataclass(frozen=True)
class Measure:
    """A similarity (higher is closer) or a distance (lower is closer) over values."""

    name: MeasureName
    identical: float  # the score of a value against itself
    scores: Callable[[Strings, Strings], Floats]


MEASURES: Final[Mapping[MeasureName, Measure]] = {
    "jaro_winkler": Measure("jaro_winkler", 1.0, _rapidfuzz(JaroWinkler.normalized_similarity)),
    "osa_distance": Measure("osa_distance", 0.0, _rapidfuzz(OSA.distance)),
    "dice": Measure("dice", 1.0, _dice),
}


def similarity(measure: MeasureName, vocab: Strings, a: Codes, b: Codes) -> Floats:
    """Scores of aligned code pairs, NaN where either is missing; once per distinct pair.

    Equal codes are not scored: a value against itself takes the measure's
    ``identical`` score.
    """
    chosen = MEASURES[measure]
    out = np.full(len(a), np.nan)
    ok, first, second, inverse = distinct_pairs(out, a, b, len(vocab), chosen.identical)
    if first.size:
        out[ok] = chosen.scores(vocab[first], vocab[second])[inverse]
    return out


@dataclass(frozen=True)
class Closeness:
    """What "near" means for one aspect in one form: a measure and its two thresholds.

    ``high`` and ``low`` bound the two near levels of a comparison (for a
    distance, at most ``high`` edits is the nearer level). ``None`` as the
    measure: the form keeps equality only (tokens), so the near levels never
    occur.
    """

    measure: MeasureName | None
    high: float = 0.0
    low: float = 0.0

    def label(self, which: Literal["high", "low"]) -> str:
        """The level's label in the parameters table ("jaro_winkler>=0.92", "dice>=0.75")."""
        threshold = self.high if which == "high" else self.low
        if self.measure is None:
            return "never (equality only)"
        if self.measure == "osa_distance":  # digits: a typed digit wrong, or two swapped
            return (
                "one digit or transposition" if threshold == 1 else "two digits or transpositions"
            )
        return f"{self.measure}>={threshold:g}"


# Dice on bigram filters: one changed letter of a 4-letter key leaves 0.5, of an
# 8-letter spelling ~0.75, so these play the part of Jaro-Winkler 0.92 / 0.8
# (calibrated on the simulator and the sample: docs/encoding.md)
CLOSENESS: Final[Mapping[RecordForm, Mapping[Aspect, Closeness]]] = {
    "clear": {
        "name": Closeness("jaro_winkler", 0.92, 0.8),
        "digits": Closeness("osa_distance", 1, 2),
        "text": Closeness("jaro_winkler", 0.92, 0.8),
    },
    "encoded": {
        "name": Closeness("dice", 0.75, 0.5),
        "digits": Closeness(None),
        "text": Closeness(None),
    },
}
