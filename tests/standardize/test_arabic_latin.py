"""Script normalisation: documented Arabic rules, Latin folding, idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.arabic import normalize_arabic
from benelink.standardize.latin import basic_fold, join_compound, vowel_fold
from benelink.standardize.names import normalize_part


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أَحْمَد", "احمد"),  # hamza on alef, harakat
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),  # madda, taa marbuta
        ("مُحَمَّـــد", "محمد"),  # shadda, tatweel
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("رائد", "رايد"),  # hamza on yaa
        ("مؤمن", "مومن"),  # hamza on waw
        ("علاء", "علا"),  # standalone hamza
        ("کریم", "كريم"),  # Persian kaf and yeh
        ("ٱلرَّحْمَٰن", "الرحمن"),  # wasla, superscript alef
        ("١٩٨٥/٠٣/٠٧", "1985/03/07"),  # Arabic-Indic digits
        ("۱۲۳", "123"),  # Persian digits
        ("  عبد   الله ", "عبد الله"),
    ],
)
def test_arabic_rules(raw: str, expected: str) -> None:
    assert normalize_arabic(raw) == expected


@pytest.mark.parametrize(
    ("spellings", "folded"),
    [
        (["Mohammad", "Mohammed", "Muhammad", "Mohamad", "Mouhamad"], "mohammad"),
        (["Yousef", "Yusuf", "Youssef"], "yousef"),
        (["Abd al-Rahman", "Abdulrahman", "Abdel Rahman", "Abdelrahman"], "abdalrahman"),
        (["Al-Hariri", "El Hariri", "Alhariri", "al hariri"], "alhariri"),
        (["Nour El Din", "Noureddine", "Nureddin", "Nour al-Din"], "nouraldin"),
        (["José", "JOSE", "jose"], "jusa"),
    ],
)
def test_latin_variants_fold_together(spellings: list[str], folded: str) -> None:
    assert {normalize_part(s) for s in spellings} == {folded}


def test_basic_fold_removes_typography() -> None:
    assert basic_fold("  Ma'an-ÂL  ʿAli ") == "maan al ali"
    assert join_compound(["abd", "el", "aziz"]) == "abdalaziz"
    assert join_compound(["abdeen"]) == "abdeen"  # not an abd compound


@given(st.text(max_size=30))
def test_arabic_normalisation_is_idempotent(text: str) -> None:
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=20))
def test_vowel_fold_is_idempotent(text: str) -> None:
    once = vowel_fold(text)
    assert vowel_fold(once) == once


@given(st.text(max_size=30))
def test_part_normalisation_is_idempotent(text: str) -> None:
    once = normalize_part(text)
    assert normalize_part(once) == once
