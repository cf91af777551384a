"""Name parts: splitting one full-name string into Arabic naming parts, and their
script-normalised form.

Arabic names are a chain: own name, father's, grandfather's, family. A source
that sends one "Full Name" column gives 2 to 5 words, and some names are
compounds written as two words (عبد الله, Abu Bakr, Nour El Din, Al-Hariri)
that must stay one part, or every later part shifts by one.
"""

from __future__ import annotations

from typing import Final

from benelink.standardize.arabic import has_arabic, has_latin, normalize_arabic
from benelink.standardize.latin import ARTICLES, BINDING_PREFIXES, BINDING_SUFFIXES, basic_fold
from benelink.standardize.namekey import latin_name

_AR_PREFIXES: Final[frozenset[str]] = frozenset({"عبد", "ابو", "بن", "ابن", "بنت", "ال"})
_AR_SUFFIXES: Final[frozenset[str]] = frozenset({"الدين", "الله", "دين"})
_PREFIXES: Final = _AR_PREFIXES | BINDING_PREFIXES | ARTICLES
_SUFFIXES: Final = _AR_SUFFIXES | BINDING_SUFFIXES

EMPTY_PARTS: Final[tuple[str, str, str, str]] = ("", "", "", "")


def _tokens(text: str) -> list[str]:
    """Words of a (possibly mixed-script) name, each in its script's normal form."""
    tokens: list[str] = []
    for word in normalize_arabic(text).replace("-", " ").split():
        tokens.extend([word] if has_arabic(word) else basic_fold(word).split())
    return tokens


def group_compounds(tokens: list[str]) -> list[list[str]]:
    """Tokens grouped so a compound name is one group: prefixes bind forward, suffixes back."""
    groups: list[list[str]] = []
    open_prefix = False
    for token in (t for t in tokens if t):
        if open_prefix or (token in _SUFFIXES and groups):
            groups[-1].append(token)
        else:
            groups.append([token])
        open_prefix = token in _PREFIXES
    merged: list[list[str]] = []
    for group in groups:
        starts_linked = group[0] in ARTICLES or group[0] == "ال"
        if merged and starts_linked and group[-1] in _SUFFIXES:
            merged[-1].extend(group)  # "Nour" + "el din"
        else:
            merged.append(group)
    return merged


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
