"""How a name gets written down: spelling variants, letter variants and typos.

Everything here is vectorised over the *unique* (name, variant) pairs and
mapped back, so a million records cost a few thousand string operations;
per-value Python work is kept to the few percent of values that get a typo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from benelink.sample.lexicon import Name

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

# Independent probabilities of each Arabic letter variant a clerk may type.
_HAMZA, _TA, _YA, _SPACE, _TASHKEEL, _TATWEEL = 1, 2, 4, 8, 16, 32
_ARABIC_VARIANT_P: tuple[tuple[int, float], ...] = (
    (_HAMZA, 0.35),
    (_TA, 0.2),
    (_YA, 0.25),
    (_SPACE, 0.35),
    (_TASHKEEL, 0.03),
    (_TATWEEL, 0.02),
)
_NON_JOINING = set("اأإآدذرزوؤةى ")
_SIMILAR_ARABIC = {
    "ح": "خ",
    "خ": "ح",
    "ج": "ح",
    "س": "ص",
    "ص": "س",
    "ت": "ط",
    "ط": "ت",
    "د": "ذ",
    "ذ": "د",
    "ز": "ر",
    "ر": "ز",
    "ع": "غ",
    "ق": "ك",
    "ض": "ظ",
    "ه": "ة",
    "ي": "ى",
}
_LATIN_SWAPS: tuple[tuple[str, str], ...] = (
    ("kh", "h"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("u", "ou"),
    ("i", "ee"),
    ("q", "k"),
    ("a", "e"),
)


def blanked(mask: npt.NDArray[np.bool_], values: npt.NDArray[Any]) -> ObjArray:
    """``values`` with the rows in ``mask`` left empty (``None``), as an object array."""
    out = np.asarray(values, dtype=object).copy()
    out[mask] = None
    return out


def choose(rng: np.random.Generator, weights: Sequence[float], size: int) -> IntArray:
    """Draw ``size`` category indices with the given relative weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int64)


def pick_variants(
    rng: np.random.Generator, ids: IntArray, weights: Sequence[Sequence[float]]
) -> IntArray:
    """For each row, a variant index of its name drawn from that name's weights.

    Rows are grouped by name id (one argsort) so the draw is a handful of
    vectorised searches rather than one choice per row.
    """
    u = rng.random(len(ids))
    out = np.zeros(len(ids), dtype=np.int64)
    if not len(ids):
        return out
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    uniq, starts = np.unique(sorted_ids, return_index=True)
    ends = np.append(starts[1:], len(ids))
    for name_id, start, end in zip(uniq.tolist(), starts.tolist(), ends.tolist(), strict=True):
        cum = np.cumsum(np.asarray(weights[name_id], dtype=float))
        rows = order[start:end]
        out[rows] = np.minimum(np.searchsorted(cum / cum[-1], u[rows], side="right"), len(cum) - 1)
    return out


def latin_names(rng: np.random.Generator, ids: IntArray, table: Sequence[Name]) -> ObjArray:
    """Latin spellings of the names ``ids`` index in ``table``, drawn per row."""
    variant = pick_variants(rng, ids, [n.latin_weights for n in table])
    offsets = np.cumsum([0] + [len(n.latin) for n in table[:-1]]).astype(np.int64)
    flat = np.array([s for n in table for s in n.latin], dtype=object)
    return np.asarray(flat[offsets[ids] + variant], dtype=object)


def _arabic_variant(name: Name, mask: int) -> str:
    text = name.arabic
    if mask & _SPACE and name.glued_variant:
        text = text.replace(" ", "")
    elif mask & _SPACE and text.startswith("عبد") and len(text) > 4 and text[3] != " ":
        text = "عبد " + text[3:]
    if mask & _HAMZA:
        text = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    if mask & _TA and text.endswith("ة"):
        text = text[:-1] + "ه"
    if mask & _YA and text.endswith("ى"):
        text = text[:-1] + "ي"
    if mask & _TASHKEEL and len(text) > 2:
        text = text[:2] + "\u064e" + text[2:]
    if mask & _TATWEEL:
        for i in range(len(text) - 1):
            if text[i] not in _NON_JOINING and text[i + 1] != " " and text[i + 1] != "\u064e":
                text = text[: i + 1] + "\u0640" + text[i + 1 :]
                break
    return text


def arabic_names(rng: np.random.Generator, ids: IntArray, table: Sequence[Name]) -> ObjArray:
    """Arabic spellings of ``ids`` with the letter variants clerks really type.

    Hamza dropped from alef, final ta marbuta written as ha, alef maqsura as ya,
    compound ``عبد`` names split (and spaced compounds glued), and now and then
    tashkeel or a tatweel.
    """
    mask = np.zeros(len(ids), dtype=np.int64)
    for bit, p in _ARABIC_VARIANT_P:
        mask |= np.where(rng.random(len(ids)) < p, bit, 0)
    keys = ids * 64 + mask
    uniq, inverse = np.unique(keys, return_inverse=True)
    rendered = np.array(
        [_arabic_variant(table[int(k) // 64], int(k) % 64) for k in uniq.tolist()],
        dtype=object,
    )
    return np.asarray(rendered[inverse], dtype=object)


def arabic_typo(text: str, u1: float, u2: float) -> str:
    """One keyboard or hearing slip in an Arabic name: a similar letter, a lost or doubled letter."""
    letters = [i for i, c in enumerate(text) if c != " "]
    if len(letters) < 3:
        return text
    i = letters[min(int(u2 * len(letters)), len(letters) - 1)]
    if u1 < 0.5:
        for j in [*letters[letters.index(i) :], *letters]:
            if text[j] in _SIMILAR_ARABIC:
                return text[:j] + _SIMILAR_ARABIC[text[j]] + text[j + 1 :]
    if u1 < 0.75 and i > 0:
        return text[:i] + text[i + 1 :]
    return text[: i + 1] + text[i] + text[i + 1 :]


def latin_typo(text: str, u1: float, u2: float) -> str:
    """One transliteration slip: kh/h, ou/u, ee/i, a doubled or lost letter, or all capitals."""
    if len(text) < 3:
        return text
    if u1 < 0.1:
        return text.upper()
    if u1 < 0.55:
        start = int(u2 * len(_LATIN_SWAPS))
        for k in range(len(_LATIN_SWAPS)):
            old, new = _LATIN_SWAPS[(start + k) % len(_LATIN_SWAPS)]
            pos = text.lower().find(old, 1)
            if pos > 0:
                return text[:pos] + new + text[pos + len(old) :]
    i = 1 + min(int(u2 * (len(text) - 2)), len(text) - 3)
    if u1 < 0.8:
        if text[i] == text[i - 1]:
            return text[:i] + text[i + 1 :]
        return text[: i + 1] + text[i] + text[i + 1 :]
    if text[i] == " " or text[i + 1] == " ":
        return text
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def with_typos(
    rng: np.random.Generator, values: ObjArray, rate: float, *, arabic: bool
) -> tuple[ObjArray, BoolArray]:
    """Put a typo in about ``rate`` of the non-empty values; also say which ones changed."""
    hit = rng.random(len(values)) < rate
    u1 = rng.random(len(values))
    u2 = rng.random(len(values))
    out = values.copy()
    slip = arabic_typo if arabic else latin_typo
    for i in np.flatnonzero(hit).tolist():
        value = out[i]
        if isinstance(value, str) and value:
            out[i] = slip(value, float(u1[i]), float(u2[i]))
    changed = np.asarray(out != values, dtype=np.bool_)
    return out, changed
