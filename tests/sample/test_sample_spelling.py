"""Spelling variants and typos: realistic slips, never a different name altogether."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from benelink.sample.lexicon import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES
from benelink.sample.spelling import (
    arabic_names,
    arabic_typo,
    latin_names,
    latin_typo,
    pick_variants,
)

LATIN = st.sampled_from([s for n in (*MALE_NAMES, *FEMALE_NAMES, *FAMILY_NAMES) for s in n.latin])
ARABIC = st.sampled_from([n.arabic for n in (*MALE_NAMES, *FEMALE_NAMES, *FAMILY_NAMES)])
UNIT = st.floats(min_value=0.0, max_value=0.999999)


def _index(arabic: str) -> int:
    return next(i for i, n in enumerate(MALE_NAMES) if n.arabic == arabic)


@settings(max_examples=60)
@given(LATIN, UNIT, UNIT)
def test_latin_typo_is_a_small_slip(name: str, u1: float, u2: float) -> None:
    typo = latin_typo(name, u1, u2)
    assert typo == name.upper() or Levenshtein.distance(typo, name) <= 2


@settings(max_examples=60)
@given(ARABIC, UNIT, UNIT)
def test_arabic_typo_is_a_one_letter_slip(name: str, u1: float, u2: float) -> None:
    assert Levenshtein.distance(arabic_typo(name, u1, u2), name) <= 1


def test_arabic_variants_are_letter_variants_of_one_name() -> None:
    rng = np.random.default_rng(1)
    ids = np.full(2000, _index("عبدالرحمن"), dtype=np.int64)
    spelled = set(arabic_names(rng, ids, MALE_NAMES))
    assert {"عبدالرحمن", "عبد الرحمن"} <= spelled
    folded = {s.replace(" ", "").replace("\u064e", "").replace("\u0640", "") for s in spelled}
    assert folded == {"عبدالرحمن"}
    ahmad = set(arabic_names(rng, np.full(500, _index("أحمد"), dtype=np.int64), MALE_NAMES))
    assert {"أحمد", "احمد"} <= ahmad


def test_latin_spellings_follow_their_weights() -> None:
    rng = np.random.default_rng(2)
    mohammad = _index("محمد")
    spelled = latin_names(rng, np.full(20_000, mohammad, dtype=np.int64), MALE_NAMES)
    values, counts = np.unique(spelled, return_counts=True)
    share = dict(zip(values.tolist(), (counts / counts.sum()).tolist(), strict=True))
    assert set(share) == set(MALE_NAMES[mohammad].latin)
    assert 0.25 < share["Mohammad"] < 0.35
    assert share["Mhd"] < 0.08


def test_pick_variants_never_draws_a_zero_weight() -> None:
    rng = np.random.default_rng(3)
    ids = np.array([0, 1, 1, 0, 2] * 200, dtype=np.int64)
    picked = pick_variants(rng, ids, [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0, 5.0]])
    assert (picked[ids == 0] == 0).all()
    assert (picked[ids == 1] == 1).all()
    assert (picked[ids == 2] == 2).all()
    assert len(pick_variants(rng, np.zeros(0, dtype=np.int64), [[1.0]])) == 0
