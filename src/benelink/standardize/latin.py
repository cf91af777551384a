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
# An Abd form that cannot stand alone as a name always binds ("Abdel Nasser"); the ones that
# can (Abed, Abdo, Abdu are also names of their own) bind only before an article or one of
# the names of God (``names.py`` asks the lexicon's list).
_STRONG_ABD: Final = re.compile(r"^(?:abd|ab[ae]?d[aeiou](?:l|r|s|sh|n|t|th|d|dh|z))$")
WEAK_ABD_FORMS: Final[frozenset[str]] = frozenset(
    {"abed", "abdo", "abdou", "abdu", "abde", "abdi", "abid", "abad"}
)
ABD_FORMS: Final[frozenset[str]] = WEAK_ABD_FORMS | frozenset(
    {"abd", "abdel", "abdul", "abdal", "abdol", "abdil", "abdur", "abdus", "abdun", "abdut"}
    | {"abduz", "abdud", "abdush", "abdas", "abdar", "abedal", "abedel", "abdelal"}
)
ABU_FORMS: Final[frozenset[str]] = frozenset(
    {"abu", "abou", "abo", "aboo", "abul", "aboul", "abol"}
    | {"abual", "abuel", "aboual", "abouel", "aboal", "aboel"}  # the article glued on
)
UMM_FORMS: Final[frozenset[str]] = frozenset({"umm", "um", "om", "omm", "oum", "oumm"})
SON_FORMS: Final[frozenset[str]] = frozenset({"bin", "ben", "ibn", "bint", "bent", "ebn"})
# a tribe's family name: "Bani Hani", "Beni Sakhr"
TRIBE_FORMS: Final[frozenset[str]] = frozenset({"bani", "beni", "bany", "bni", "banu", "bnei"})
BINDING_PREFIXES: Final[frozenset[str]] = (
    ABD_FORMS | ABU_FORMS | UMM_FORMS | SON_FORMS | TRIBE_FORMS
)
# Second elements that bind to the preceding word ("Nour El Din", "Fadl Allah").
_DIN_TOKEN: Final = re.compile(r"^(?:[aeiu][lrdz]?)?d(?:in|een|ine|ien|eene)$")
_ALLAH_TOKEN: Final = re.compile(r"^(?:[aeiou]?l)?lah?$")
BINDING_SUFFIXES: Final[frozenset[str]] = frozenset(
    {"din", "deen", "eddin", "eddine", "uddin", "addin", "aldin", "eldin", "eldeen"}
    | {"allah", "ullah", "illah", "alla", "ulla", "llah"}
)


def binds_forward(token: str) -> bool:
    """Whether a folded Latin word always binds to the next one (Abd forms that are no name
    on their own, Abu, Umm, bin, Bani)."""
    return (token in BINDING_PREFIXES and token not in WEAK_ABD_FORMS) or bool(
        _STRONG_ABD.match(token)
    )


def binds_back(token: str) -> bool:
    """Whether a folded Latin word binds to the one before it (al-Din, Allah in any
    spelling: "Eddine", "Uddeen", "Ullah")."""
    return bool(_DIN_TOKEN.match(token) or _ALLAH_TOKEN.match(token))


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
