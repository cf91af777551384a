"""Governorates, nationalities and localities.

Governorates and nationalities map to a closed vocabulary (canonical English
names, ISO 3166 alpha-3 codes). A locality (town, village, suburb, postcode)
has no gazetteer here, so it is only made comparable: the linkage scores it
by exact agreement and Jaro-Winkler similarity.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from benelink.standardize._lookup import Vocabulary
from benelink.standardize.arabic import has_arabic, normalize_arabic

_GOVERNORATES: Final[dict[str, tuple[str, ...]]] = {
    "Amman": ("عمان", "العاصمة", "عمّان", "amman", "aman", "al asima", "capital"),
    "Irbid": ("اربد", "إربد", "irbid", "irbed", "erbid"),
    "Zarqa": ("الزرقاء", "الزرقا", "زرقاء", "zarqa", "zarka", "zerqa", "az zarqa"),
    "Mafraq": ("المفرق", "مفرق", "mafraq", "mafrak", "al mafraq"),
    "Balqa": ("البلقاء", "البلقا", "السلط", "balqa", "balqaa", "al balqa", "salt", "as salt"),
    "Karak": ("الكرك", "كرك", "karak", "kerak", "al karak"),
    "Jerash": ("جرش", "jerash", "jarash", "jerasch"),
    "Ajloun": ("عجلون", "ajloun", "ajlun", "ajlon", "ajloon"),
    "Madaba": ("مادبا", "مأدبا", "madaba", "madaba", "madeba"),
    "Tafilah": ("الطفيلة", "الطفيله", "طفيلة", "tafilah", "tafila", "tafileh", "tafielah"),
    "Maan": ("معان", "maan", "ma'an", "mann", "ma an"),
    "Aqaba": ("العقبة", "العقبه", "عقبة", "aqaba", "akaba", "al aqaba", "aqabah"),
}
_GOVERNORATE_NOISE: Final = ("محافظه", "محافظة", "لواء", "governorate", "gov", "province")

_NATIONALITIES: Final[dict[str, tuple[str, ...]]] = {
    "JOR": ("اردني", "أردني", "أردنية", "اردنيه", "الاردن", "jordanian", "jordan", "jo"),
    "SYR": ("سوري", "سورية", "سوريه", "سوريا", "syrian", "syria", "sy", "syrian arab republic"),
    "IRQ": ("عراقي", "عراقية", "العراق", "iraqi", "iraq", "iq"),
    "YEM": ("يمني", "يمنية", "اليمن", "yemeni", "yemen", "ye"),
    "SDN": ("سوداني", "سودانية", "السودان", "sudanese", "sudan", "sd"),
    "EGY": ("مصري", "مصرية", "مصر", "egyptian", "egypt", "eg"),
    "PSE": ("فلسطيني", "فلسطينية", "فلسطين", "palestinian", "palestine", "ps"),
    "LBN": ("لبناني", "لبنانية", "لبنان", "lebanese", "lebanon", "lb"),
    "SOM": ("صومالي", "صومالية", "الصومال", "somali", "somalia", "so"),
}


@cache
def _governorates() -> Vocabulary:
    return Vocabulary(_GOVERNORATES, cutoff=80.0, noise=_GOVERNORATE_NOISE)


@cache
def _nationalities() -> Vocabulary:
    return Vocabulary(_NATIONALITIES, cutoff=85.0, noise=("nationality", "الجنسية"))


def governorate(text: str) -> str | None:
    """Canonical English governorate name (one of GOVERNORATES), or None."""
    return _governorates().lookup(text)


def nationality(text: str) -> str | None:
    """ISO 3166 alpha-3 code of a nationality or country, or None."""
    return _nationalities().lookup(text)


def is_governorate(text: str) -> bool:
    """True when ``text`` is exactly one of the known spellings of a governorate."""
    return _governorates().knows(text)


def is_nationality(text: str) -> bool:
    """True when ``text`` is exactly one of the known spellings of a nationality."""
    return _nationalities().knows(text)


_LOCALITY_NOISE: Final = re.compile(r"[\s,;.\-_/]+")


def locality(text: str) -> str | None:
    """Trimmed, case-folded, punctuation as single spaces; Arabic script normalised.

    Place names are spelt as freely as personal names ("Al-Hashmi Al-Shamali",
    "hashmi shamali"), but without a gazetteer only the surface is unified;
    similarity levels in the linkage absorb the rest.
    """
    folded = normalize_arabic(text) if has_arabic(text) else text
    out = _LOCALITY_NOISE.sub(" ", folded.casefold()).strip()
    return out or None
