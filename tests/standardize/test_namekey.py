"""The cross-script key: same name in any spelling agrees, different names do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.arabic import normalize_arabic
from benelink.standardize.lexicon import lexicon_entries
from benelink.standardize.namekey import key_and_skeleton, name_key, name_skeleton

# (spelling, spelling): the same name, so the keys must agree.
SAME: list[tuple[str, str]] = [
    ("محمد", "Mohammad"), ("محمد", "Mohammed"), ("محمد", "Muhammad"), ("محمد", "Mohamad"),
    ("محمد", "Mouhamad"), ("محمد", "Mhd"), ("مُحَمَّد", "Mohamed"), ("محمـــد", "MUHAMMED"),
    ("محمود", "Mahmoud"), ("محمود", "Mahmud"), ("محمود", "Mahmood"),
    ("أحمد", "Ahmad"), ("احمد", "Ahmed"), ("إبراهيم", "Ibrahim"), ("ابراهيم", "Ebrahim"),
    ("يوسف", "Yousef"), ("يوسف", "Yusuf"), ("يوسف", "Youssef"), ("یوسف", "Yousif"),
    ("عبد الرحمن", "Abd al-Rahman"), ("عبدالرحمن", "Abdulrahman"), ("عبد الرحمن", "Abdel Rahman"),
    ("عبدالرحمن", "Abdelrahman"), ("عبد الرحمن", "Abdurrahman"), ("عبد الله", "Abdullah"),
    ("عبدالله", "Abd Allah"), ("عبد العزيز", "Abdulaziz"), ("عبد الكريم", "Abdel Karim"),
    ("الحريري", "Al-Hariri"), ("الحريري", "El Hariri"), ("الحريري", "Alhariri"),
    ("الحريري", "Hariri"), ("الزعبي", "Al-Zoubi"), ("الزعبي", "Zoubi"),
    ("الشامي", "Ash-Shami"), ("العلاونة", "Alawneh"), ("الطراونه", "Al-Tarawneh"),
    ("البطاينة", "Batayneh"), ("الخصاونة", "Khasawneh"), ("المصري", "Al Masri"),
    ("خالد", "Khaled"), ("خالد", "Khalid"), ("فاطمة", "Fatima"), ("فاطمه", "Fatimah"),
    ("عائشة", "Aisha"), ("خديجة", "Khadija"), ("زينب", "Zeinab"), ("مريم", "Maryam"),
    ("عمر", "Omar"), ("عمر", "Umar"), ("عمار", "Ammar"), ("عمرو", "Amr"),
    ("علي", "Ali"), ("علاء", "Alaa"), ("حسن", "Hasan"), ("حسن", "Hassan"),
    ("حسين", "Hussein"), ("حسين", "Husain"), ("حسين", "Hussain"), ("نور الدين", "Nour El Din"),
    ("نورالدين", "Noureddine"), ("أبو بكر", "Abu Bakr"), ("مصطفى", "Mustafa"),
    ("مصطفى", "Moustafa"), ("اسماعيل", "Ismail"), ("صالح", "Saleh"), ("صلاح", "Salah"),
    ("سامي", "Sami"), ("سمير", "Samir"), ("سعيد", "Saeed"), ("سعد", "Saad"),
    ("وائل", "Wael"), ("رائد", "Raed"), ("زياد", "Ziad"), ("مهند", "Mohannad"),
    ("قاسم", "Qasem"), ("قاسم", "Kassem"), ("عثمان", "Othman"), ("طارق", "Tareq"),
    ("هشام", "Hisham"), ("شادي", "Chadi"), ("يحيى", "Yahya"), ("موسى", "Mousa"),
    ("فضل الله", "Fadlallah"), ("طه", "Taha"), ("إياد", "Eyad"), ("عدي", "Oday"),
    ("ايمن", "Ayman"), ("ليلى", "Layla"), ("منصور", "Mansour"), ("يونس", "Younes"),
]  # fmt: skip

# Different names: the keys must differ.
DIFFERENT: list[tuple[str, str]] = [
    ("محمد", "خالد"), ("محمد", "محمود"), ("Mohammad", "Mahmoud"), ("Ahmad", "Mahmoud"),
    ("Ahmad", "Hamad"), ("احمد", "حامد"), ("Hamid", "Hamad"), ("Hasan", "Hussein"),
    ("حسن", "حسين"), ("Ali", "Alaa"), ("علي", "علاء"), ("Omar", "Amr"), ("Omar", "Ammar"),
    ("عمر", "عمار"), ("عمر", "عمرو"), ("Amer", "Amir"), ("Sami", "Samir"), ("Sami", "Samia"),
    ("Saleh", "Salah"), ("صالح", "صلاح"), ("Saad", "Saeed"), ("Khaled", "Khalil"),
    ("Iyad", "Oday"), ("Ayman", "Iman"), ("Majdi", "Majed"), ("Nasser", "Nasr"),
    ("Jamal", "Jamil"), ("Rana", "Rania"), ("Yousef", "Younes"), ("Salem", "Saleem"),
    ("Suleiman", "Salman"), ("Fatima", "Fadi"), ("Ibrahim", "Ismail"), ("Hani", "Hanan"),
    ("Abdulrahman", "Abdulrahim"), ("عبد الله", "عبد الرحمن"),
]  # fmt: skip


@pytest.mark.parametrize(("left", "right"), SAME)
def test_same_name_agrees(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)
    assert name_key(left) != ""


@pytest.mark.parametrize(("left", "right"), DIFFERENT)
def test_different_names_differ(left: str, right: str) -> None:
    assert name_key(left) != name_key(right)


def test_variant_table_is_large_enough() -> None:
    assert len(SAME) + len(DIFFERENT) >= 60


def test_every_lexicon_spelling_takes_its_arabic_key() -> None:
    for arabic, spellings in lexicon_entries():
        for spelling in spellings:
            assert name_key(spelling) == name_key(arabic), (arabic, spelling)


def test_lexicon_names_with_colliding_skeletons_keep_distinct_keys() -> None:
    keys: dict[str, str] = {}
    for arabic, _ in lexicon_entries():
        key = name_key(arabic)
        assert keys.setdefault(key, arabic) == arabic, (arabic, keys[key])


@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةىئؤ ًٌٍَُِّْـ", max_size=20))
def test_key_of_normalised_arabic_is_the_key(text: str) -> None:
    assert name_key(normalize_arabic(text)) == name_key(text)


@given(st.text(max_size=25))
def test_key_is_deterministic_and_ascii(text: str) -> None:
    key = name_key(text)
    assert key == name_key(text)
    assert key.isascii()


# one Latin spelling, several Arabic names it stands for: the keys may differ (the lexicon
# reads the spelling as one of them), the skeletons may not
READINGS: list[tuple[str, tuple[str, ...]]] = [
    ("Alaa", ("علاء", "آلاء", "الاء")),
    ("Saleem", ("سليم", "سالم")),
    ("Alia", ("عاليه", "عليا", "علياء")),
    ("Amer", ("عامر", "أمير")),
    ("Omar", ("عمر", "عمار")),
]


@pytest.mark.parametrize(("latin", "arabic"), READINGS)
def test_every_arabic_reading_of_a_latin_spelling_shares_its_skeleton(
    latin: str, arabic: tuple[str, ...]
) -> None:
    assert {name_skeleton(a) for a in arabic} == {name_skeleton(latin)}


def test_the_skeleton_is_coarser_than_the_key() -> None:
    assert name_key("علاء") != name_key("آلاء") and name_key("محمد") != name_key("محمود")
    assert name_skeleton("محمد") == name_skeleton("محمود") == name_key("محمد")


@pytest.mark.parametrize(("arabic", "latin"), lexicon_entries())
def test_every_lexicon_spelling_shares_the_skeleton_of_its_arabic(
    arabic: str, latin: tuple[str, ...]
) -> None:
    assert {name_skeleton(s) for s in latin} == {name_skeleton(arabic)}


@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى ", max_size=12))
def test_a_key_and_its_skeleton_are_empty_together(text: str) -> None:
    assert (name_key(text) == "") == (name_skeleton(text) == "")


NAME_SPELLINGS = st.one_of(
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى ", max_size=14),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOU '-", max_size=16),
    st.sampled_from(
        [spelling for _, latin in lexicon_entries() for spelling in latin]
        + [arabic for arabic, _ in lexicon_entries()]
        + ["Abd al Rahman", "Al-Masri", "abdalrahman", "Abu Zaid"]
    ),
)


@given(NAME_SPELLINGS)
def test_the_key_and_skeleton_read_together_are_each_read_alone(text: str) -> None:
    assert key_and_skeleton(text) == (name_key(text), name_skeleton(text))
