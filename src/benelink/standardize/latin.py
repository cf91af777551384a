"""Latin transliteration folding: one spelling for the many ways a name is romanised.

Registration clerks romanise Arabic names by ear, so the same name arrives as
Mohammad / Mohammed / Muhammad, Abd al-Rahman / Abdulrahman / Abdel Rahman,
Al-Hariri / El Hariri / Alhariri. ``basic_fold`` removes what is pure
typography (case, accents, apostrophes, hyphens, articles glued or not);
``vowel_fold`` then removes the vowel and doubling choices that carry no
meaning in a transliteration. The rules are listed in docs/names.md.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_APOSTROPHES: Final = str.maketrans(dict.fromkeys("'`ʿʾʼʻ’‘´′"))
_NON_LETTERS: Final = re.compile(r"[^a-z]+")
_SPACES: Final = re.compile(r"\s+")

# Standalone definite articles, including the sun-letter assimilated ones (ash-Shami).
ARTICLES: Final[frozenset[str]] = frozenset(
    {"al", "el", "ul", "il", "ad", "ed", "ar", "er", "as", "es", "ash", "esh"}
    | {"at", "et", "az", "ez", "an", "en", "ath", "adh", "ud", "ur", "un", "us"}
)
# First elements that bind to the following word ("Abd al-Rahman", "Abu Bakr", "bin Ali").
ABD_FORMS: Final[frozenset[str]] = frozenset(
    {"abd", "abdel", "abdul", "abdal", "abdol", "abdil", "abdu", "abde", "abed", "abdo"}
)
BINDING_PREFIXES: Final[frozenset[str]] = ABD_FORMS | frozenset(
    {"abu", "abou", "abo", "bin", "ben", "ibn", "bint"}
)
# Second elements that bind to the preceding word ("Nour El Din", "Fadl Allah").
BINDING_SUFFIXES: Final[frozenset[str]] = frozenset(
    {"din", "deen", "eddin", "eddine", "uddin", "addin", "aldin", "eldin", "ul-din"}
    | {"allah", "ullah", "illah", "alla", "ulla", "llah"}
)

_VOWEL_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"ee|ie|ei|ey$|y$"), "i"),  # Saeed, Hussein, Hamdy
    (re.compile(r"ou|oo|o"), "u"),  # Mahmoud, Mahmood, Omar/Umar
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters: Hassan, Youssef
    (re.compile(r"e"), "a"),  # Mohammed, Ahmed
)
_ABD: Final = re.compile(r"^ab[de]?d")
_DIN: Final = re.compile(r"(?<=[a-z]{3})(?:[aeiu]?[ld])?d(?:in|een|ine)$")


def basic_fold(text: str) -> str:
    """Lower-case ASCII letters and single spaces: accents, apostrophes and hyphens gone."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = ascii_only.translate(_APOSTROPHES).lower()
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", lowered)).strip()


def join_compound(tokens: list[str]) -> str:
    """One word for a compound part, its article in one canonical place.

    "abd al rahman", "abdul rahman", "abdurrahman" -> "abdalrahman";
    "al hariri", "el-hariri", "alhariri" -> "alhariri"; "nour el din",
    "noureddine" -> "nouraldin". Articles are kept (as "al") so that the
    folded name still reads as the name; the phonetic key drops them.
    """
    last = len(tokens) - 1
    word = "".join("al" if t in ARTICLES and i < last else t for i, t in enumerate(tokens))
    match = _ABD.match(word)
    if match is not None and len(word) > 5:
        rest = word[match.end() :]
        if rest[:2] in ("al", "ul", "el", "ol", "il"):
            rest = rest[2:]
        elif len(rest) > 2 and rest[0] in "aeiou" and rest[1] == rest[2]:
            rest = rest[1:]  # assimilated article: abdurrahman
        elif rest[:1] in ("a", "e", "u", "o", "i"):
            return word  # Abdeen, Abdo: not an abd compound
        word = "abdal" + rest
    return _DIN.sub("aldin", word)


def vowel_fold(word: str) -> str:
    """Remove vowel-spelling and doubling choices; applying it twice changes nothing."""
    previous = None
    while previous != word:
        previous = word
        for pattern, replacement in _VOWEL_RULES:
            word = pattern.sub(replacement, word)
    return word


def strip_article(word: str) -> str:
    """The word without a leading glued article (Alhariri, Alomari), when a name remains.

    Names that merely begin with "al" (Alawneh, Alia, Elias) are in the lexicon,
    which is consulted before this rule.
    """
    if word.startswith(("al", "el")) and len(word) >= 5:
        return word[2:]
    return word
