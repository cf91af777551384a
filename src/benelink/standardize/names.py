"""Name parts: splitting one full-name string into Arabic naming parts, and their
script-normalised form.

Arabic names are a chain: own name, father's, grandfather's, family. A source
that sends one "Full Name" column gives 2 to 5 words, and some names are
compounds written as two words (عبد الله, Abu Bakr, Nour El Din, Al-Hariri)
that must stay one part, or every later part shifts by one.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Final

from benelink.standardize.arabic import has_arabic, has_latin, normalize_arabic
from benelink.standardize.latin import (
    ARTICLES,
    WEAK_ABD_FORMS,
    basic_fold,
    binds_back,
    binds_forward,
)
from benelink.standardize.lexicon import DIVINE_NAMES
from benelink.standardize.namekey import latin_name, name_key

# عبد, أبو, أم, بن/ابن/بنت, بني (a tribe's family name), the article; and the same glued
# to the article ("عبدال رحمن")
_AR_PREFIXES: Final[frozenset[str]] = frozenset(
    {"عبد", "ابو", "ام", "بن", "ابن", "بنت", "بني", "بنو", "ال", "عبدال", "ابوال"}
)
_AR_SUFFIXES: Final[frozenset[str]] = frozenset({"الدين", "الله", "دين", "لله"})
# names that begin with the letters of the article (Ilham, Elias, Olfat)
_AR_NAMES_WITH_AL: Final[frozenset[str]] = frozenset(
    {"الهام", "الياس", "الفت", "اليسار", "الطاف", "الماس"}
)

EMPTY_PARTS: Final[tuple[str, str, str, str]] = ("", "", "", "")


def _tokens(text: str) -> list[str]:
    """Words of a (possibly mixed-script) name, each in its script's normal form."""
    tokens: list[str] = []
    for word in normalize_arabic(text).replace("-", " ").split():
        tokens.extend([word] if has_arabic(word) else basic_fold(word).split())
    return tokens


@cache
def _divine_keys() -> frozenset[str]:
    return frozenset(name_key(n) for n in DIVINE_NAMES)


def _is_article(token: str) -> bool:
    return token in ARTICLES or token == "ال"


@lru_cache(maxsize=1 << 16)
def _always_binds_forward(token: str) -> bool:
    return token in _AR_PREFIXES or _is_article(token) or binds_forward(token)


def _binds_forward(token: str, following: str | None) -> bool:
    """Whether ``token`` opens a compound with the next word. A weak Abd form (Abed, Abdo:
    also names of their own) does so only before an article or a name of God."""
    if _always_binds_forward(token):
        return True
    if token in WEAK_ABD_FORMS and following is not None:
        return _is_article(following) or name_key(following) in _divine_keys()
    return False


@lru_cache(maxsize=1 << 16)
def _binds_back(token: str) -> bool:
    return token in _AR_SUFFIXES or (not has_arabic(token) and binds_back(token))


def group_compounds(tokens: list[str]) -> list[list[str]]:
    """Tokens grouped so a compound name is one group: prefixes bind forward, suffixes back.

    The rule, not a list of compounds: عبد / an Abd form + what follows (with its article),
    Abu, Umm, bin, Bani + what follows; anything + al-Din or Allah in any spelling ("Nour
    El Din", "Saif Eddine", "Fadl Allah"); and, before the last word, a word + a word with
    the article (Nur al-Huda, Sayf al-Islam: a given name is no "al-" word, the family
    name is). So "Abd al Hamid", "Abdel Hamid" and "Abdelhamid" are one part each, and
    "Bani Hani" and "Abu Ghazaleh" one family name.
    """
    words = [t for t in tokens if t]
    groups: list[list[str]] = []
    open_prefix = False
    for i, token in enumerate(words):
        if open_prefix or (_binds_back(token) and groups):
            groups[-1].append(token)
        else:
            groups.append([token])
        following = words[i + 1] if i + 1 < len(words) else None
        open_prefix = _binds_forward(token, following)
    merged: list[list[str]] = []
    for i, group in enumerate(groups):
        inner = 0 < i < len(groups) - 1
        if merged and _is_article(group[0]) and _binds_back(group[-1]):
            merged[-1].extend(group)  # "Nour" + "el din"
        elif inner and _starts_with_article(group[0]) and _plain(merged[-1]):
            merged[-1].extend(group)  # "Nour" + "al Huda", "Sayf" + "al Islam"
        else:
            merged.append(group)
    return merged


def _starts_with_article(token: str) -> bool:
    """An article, or an Arabic word that begins with one (الهدى; not الياس, الهام)."""
    return _is_article(token) or (
        token.startswith("ال") and len(token) > 3 and token not in _AR_NAMES_WITH_AL
    )


def _plain(group: list[str]) -> bool:
    """One word that is itself no compound's element or article."""
    return len(group) == 1 and not _starts_with_article(group[0])


def split_full_name(text: str) -> tuple[str, str, str, str]:
    """(first, father, grandfather, family) from a full name; "" for a part not given.

    4+ groups: first, father, grandfather, family (a fifth, the great-grandfather,
    is dropped); 3: first, father, family; 2: first, family; 1: first.
    """
    groups = [" ".join(g) for g in group_compounds(_tokens(text))]
    if len(groups) >= 4:
        return groups[0], groups[1], groups[2], groups[-1]
    if len(groups) == 3:
        return groups[0], groups[1], "", groups[2]
    if len(groups) == 2:
        return groups[0], "", "", groups[1]
    if len(groups) == 1:
        return groups[0], "", "", ""
    return EMPTY_PARTS


def normalize_part(text: str) -> str:
    """The script-normalised part: Arabic stays Arabic, Latin becomes folded ASCII.

    Compounds are written as one word (عبدالرحمن, abdalrahman) so that spacing
    choices do not make two spellings of one part differ.
    """
    text = normalize_arabic(text)
    if has_arabic(text):
        return "".join(text.split())
    if not has_latin(text):
        return ""
    return latin_name(text)


def script_of(text: str) -> str:
    """ "arabic", "latin", "mixed", or "" when ``text`` has no letters."""
    arabic, latin = has_arabic(text), has_latin(text)
    if arabic and latin:
        return "mixed"
    return "arabic" if arabic else "latin" if latin else ""
