"""Compound name parts: one part and one key whatever the spacing, hyphens and script.

The spellings here are not the sample generator's: the rule (عبد + a name of God, Abu,
Umm, Bani, anything + al-Din) is what is tested, not a list.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.lexicon import DIVINE_NAMES
from benelink.standardize.namekey import latin_segments, name_key
from benelink.standardize.names import group_compounds, normalize_part, split_full_name

# every spelling of a line is the same part: one key for all, in both scripts
COMPOUNDS: list[tuple[str, ...]] = [
    ("عبد الحميد", "عبدالحميد", "Abd al-Hamid", "Abdulhamid", "Abdel Hamid", "Abd-El-Hameed",
     "Abed Al Hamid", "Abdelhamid", "Abdul-Hamid"),
    ("عبد الجبار", "عبدالجبار", "Abdul Jabbar", "Abdeljabbar", "Abd al-Jabbar", "Abdel-Jabar"),
    ("عبد الهادي", "عبدالهادي", "Abdulhadi", "Abdel Hadi", "Abd Al Hady", "Abd-ul-Hadi"),
    ("عبد الحكيم", "عبدالحكيم", "Abdulhakim", "Abdel Hakeem", "Abd al-Hakim", "Abdelhakim"),
    ("عبد اللطيف", "عبداللطيف", "Abdul Latif", "Abdellatif", "Abd al-Lateef", "Abdel-Latif"),
    ("عبد الغني", "عبدالغني", "Abdul Ghani", "Abdelghani", "Abd al-Ghani"),
    ("عبد الستار", "عبدالستار", "Abdul Sattar", "Abdessattar", "Abd as-Sattar"),
    ("عبد الرحمن", "عبدالرحمن", "Abd ur-Rahman", "Abdul-Rahman", "Abd Al Rahmaan"),
    ("سيف الدين", "سيفالدين", "Saif Eddin", "Seifeddine", "Sayf al-Din", "Saif Al Deen",
     "Saifuddin", "Saif-Aldin", "Seif El Din"),
    ("علاء الدين", "علاءالدين", "Alaa Eddin", "Alaeddin", "Alaa al-Din", "Ala Aldeen"),
    ("عز الدين", "عزالدين", "Ezzeddine", "Izz al-Din", "Ezz Eldin", "Izzadeen", "Ezz-El-Din"),
    ("جمال الدين", "جمالالدين", "Jamal Eddin", "Jamaleddine", "Jamal al-Din", "Gamal El Din",
     "Jamaldeen"),
    ("نور الهدى", "نور  الهدى", "Nour Al Huda", "Nur al-Huda", "Noor Alhuda"),
    ("أبو بكر", "ابوبكر", "Abu Bakr", "Abou Bakr", "Abo-Bakr", "Abubakr"),
    ("أبو الخير", "ابوالخير", "Abu al-Khair", "Abul Khair", "Abou El Kheir", "Abulkhair"),
    ("أم كلثوم", "امكلثوم", "Umm Kulthum", "Om Kalthoum", "Um Kulthoum", "Umm-Kulthum"),
    ("أبو غزالة", "Abu Ghazaleh", "Abu-Ghazala", "Abughazaleh", "Abou Ghazaleh"),
    ("بني هاني", "Bani Hani", "Beni Hani", "Banihani", "Bani-Hani", "هاني"),
    ("فضل الله", "فضلالله", "Fadl Allah", "Fadlallah", "Fadl-Ullah"),
]  # fmt: skip


@pytest.mark.parametrize("spellings", COMPOUNDS, ids=lambda s: s[2])
def test_every_spelling_of_a_compound_has_one_key(spellings: tuple[str, ...]) -> None:
    keys = {s: name_key(s) for s in spellings}
    assert len(set(keys.values())) == 1, keys
    assert next(iter(keys.values()))


def test_different_compounds_keep_different_keys() -> None:
    keys = [name_key(spellings[0]) for spellings in COMPOUNDS]
    assert len(set(keys)) == len(keys)


def test_arabic_parts_are_written_as_one_word() -> None:
    assert {normalize_part(s) for s in ("عبد الحميد", "عبدالحميد", "عبد  الحميد")} == {"عبدالحميد"}
    assert {normalize_part(s) for s in ("Abdel Hamid", "Abd-el-Hamid", "Abdelhamid")} == {
        "abdalhamid"
    }


def test_compounds_are_cut_into_their_elements() -> None:
    assert latin_segments("Abd-El-Hameed") == ["abd", "hameed"]
    assert latin_segments("Abdurrahman") == ["abd", "rrahman"]
    assert latin_segments("Saif Eddine") == ["saif", "din"]
    assert latin_segments("Jamaldeen") == ["jamal", "din"]  # Jamal + din, not Jam + aldin
    assert latin_segments("Abul Khair") == ["abu", "khair"]
    assert latin_segments("Al-Hariri") == ["hariri"]
    assert latin_segments("Mohammad") == ["mohammad"]


# --- splitting a full name: compounds are one part, family particles stay with the name --

SPLITS: list[tuple[str, tuple[str, str, str, str]]] = [
    ("Abed Al Hamid Saif-Eddine Khaled Bani Hani",
     ("abed al hamid", "saif eddine", "khaled", "bani hani")),
    ("عبدالحميد سيف الدين خالد بني هاني", ("عبدالحميد", "سيف الدين", "خالد", "بني هاني")),
    ("Umm Kulthum Ahmad Abu Ghazaleh", ("umm kulthum", "ahmad", "", "abu ghazaleh")),
    ("ام كلثوم احمد ابو غزالة", ("ام كلثوم", "احمد", "", "ابو غزاله")),
    ("Nour Al-Huda Ali Bani-Mustafa", ("nour al huda", "ali", "", "bani mustafa")),
    ("سيف الاسلام محمد علي الحريري", ("سيف الاسلام", "محمد", "علي", "الحريري")),
    ("Mohammad Abdul Jabbar Abd Al Ilah Abu Al Hassan",
     ("mohammad", "abdul jabbar", "abd al ilah", "abu al hassan")),
    ("Ezz El-Din Abdel-Hadi El Masri", ("ezz el din", "abdel hadi", "", "el masri")),
    ("Abdurrahman Abdussalam Ali", ("abdurrahman", "abdussalam", "", "ali")),
    ("Rami Ali Beni Hani", ("rami", "ali", "", "beni hani")),
    ("Khaled Abd Rahman Ali Al-Omari", ("khaled", "abd rahman", "ali", "al omari")),
    # Abed and Abdo are names of their own unless an article or a name of God follows
    ("Abed Rahman Ali Al-Zoubi", ("abed rahman", "ali", "", "al zoubi")),
    ("Saleh Abed Ali Hamdan", ("saleh", "abed", "ali", "hamdan")),
    ("Abdo Mohammad Ali Hasan", ("abdo", "mohammad", "ali", "hasan")),
    # a given name that begins like the article is no compound: Elias, Ilham
    ("فاطمة الياس خالد المصري", ("فاطمه", "الياس", "خالد", "المصري")),
    ("Mohammad Ahmad Al Hasan", ("mohammad", "ahmad", "", "al hasan")),
]  # fmt: skip


@pytest.mark.parametrize(("full", "parts"), SPLITS)
def test_split_with_compounds(full: str, parts: tuple[str, str, str, str]) -> None:
    assert split_full_name(full) == parts


def test_the_same_person_splits_alike_in_both_scripts() -> None:
    latin = split_full_name("Abdel Hamid Nour Eddine Ali Bani Hani")
    arabic = split_full_name("عبد الحميد نور الدين علي بني هاني")
    assert [name_key(p) for p in latin] == [name_key(p) for p in arabic]
    assert all(latin)


def test_a_dangling_prefix_stays_a_part() -> None:
    assert group_compounds(["khaled", "ali", "abu"]) == [["khaled"], ["ali"], ["abu"]]


# --- the key does not depend on how a compound is spaced or hyphenated --------------------

_ABD = st.sampled_from(["abd", "abdel", "abdul", "abdal", "abd el", "abd al", "abd ul", "abed al"])
_DIVINE_LATIN = st.sampled_from(
    ["rahman", "rahim", "hamid", "hakim", "hadi", "jabbar", "karim", "aziz", "majid", "latif",
     "ghani", "sattar", "razzaq", "fattah", "halim", "basit", "wahab", "qader", "salam", "malik"]
)  # fmt: skip
_DIN = st.sampled_from(
    ["din", "deen", "eddin", "eddine", "uddin", "aldin", "al din", "el din", "ad din", "ed deen"]
)
_FIRST = st.sampled_from(["nour", "saif", "sayf", "izz", "ezz", "salah", "alaa", "jamal", "shams"])
_SEP = st.sampled_from([" ", "-", "  ", " - "])


def _respaced(words: list[str], seps: list[str]) -> str:
    return "".join(w + s for w, s in zip(words, [*seps, ""], strict=False))


@given(_ABD, _DIVINE_LATIN, st.lists(_SEP, min_size=3, max_size=3), st.booleans())
def test_abd_compound_key_ignores_spacing(
    abd: str, divine: str, seps: list[str], capital: bool
) -> None:
    words = [*abd.split(), divine]
    spaced = _respaced(words, seps)
    glued = "".join(words)
    text = spaced.title() if capital else spaced
    assert name_key(text) == name_key(glued) == name_key(" ".join(words))


@given(_FIRST, _DIN, st.lists(_SEP, min_size=3, max_size=3))
def test_din_compound_key_ignores_spacing(first: str, din: str, seps: list[str]) -> None:
    words = [first, *din.split()]
    assert name_key(_respaced(words, seps)) == name_key(" ".join(words))


@given(st.sampled_from(DIVINE_NAMES), st.sampled_from(["", " "]), st.sampled_from(["", " "]))
def test_arabic_abd_compound_key_ignores_spacing(
    divine: str, after_abd: str, after_al: str
) -> None:
    assert name_key(f"عبد{after_abd}ال{after_al}{divine}") == name_key(f"عبد ال{divine}")


@given(st.sampled_from(["نور", "سيف", "عز", "صلاح", "علاء", "جمال", "كمال", "شمس"]))
def test_arabic_din_compound_key_ignores_spacing(first: str) -> None:
    assert name_key(f"{first} الدين") == name_key(f"{first}الدين") == name_key(f"{first} ال دين")
