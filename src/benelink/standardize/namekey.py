"""The cross-script name key: one string that Arabic and Latin spellings of a name share.

A key is a consonant skeleton in a small shared alphabet (docs/names.md has
the letter table): short vowels are dropped because Arabic does not write
them; letters that romanisation confuses share a class (ح/ه/خ and h/kh -> H,
ك/ق and k/q/c -> K, ذ/ظ/ز and z/dh -> Z, ث/ت/ط and t/th -> T); a leading vowel
or ع is kept as "A" so Ahmad and Hamad differ; articles are dropped.

Skeletons of a few common names collide (محمد/محمود, عمر/عمار/عمرو, حسن/حسين).
For those the key keeps the long vowels, which Arabic writes; a Latin
spelling reaches that longer key through the lexicon. A spelling the lexicon
does not know keeps its skeleton, exactly as an unknown Arabic spelling does,
so the two scripts stay consistent (no fuzzy guessing: it made Latin Saadi
agree with Saad while Arabic السعدي could not).

A compound part (Abd al-Hamid, Nur al-Din, Abu al-Hassan, Umm Kulthum) gets one key
whatever its spacing, hyphens and transliteration: Arabic glues its words and drops the
articles after عبد / أبو and before الدين / الله; Latin is cut into the same elements
(``latin_segments``: "Abdel Hamid", "Abd-al-Hamid" and "Abdelhamid" are all abd + hamid)
whose classes are joined as if written as one word, so "abd" + "hamid" cannot become the
"dh" of a Latin digraph, and a leading "Al" that belongs to the name (Alaa al-Din) is not
taken for an article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import Final

from benelink.standardize.arabic import has_arabic, normalize_arabic
from benelink.standardize.latin import (
    ABD_FORMS,
    ABU_FORMS,
    ARTICLES,
    basic_fold,
    binds_back,
    join_compound,
    strip_article,
    vowel_fold,
)
from benelink.standardize.lexicon import lexicon_entries

_AR_CLASS: Final[dict[str, str]] = {
    "ب": "B", "ت": "T", "ث": "T", "ج": "J", "ح": "H", "خ": "H", "د": "D", "ذ": "Z",
    "ر": "R", "ز": "Z", "س": "S", "ش": "X", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z",
    "غ": "G", "ف": "F", "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H",
}  # fmt: skip
_AR_VOWELS: Final[dict[str, str]] = {"ا": "A", "و": "U", "ي": "I", "ع": "E"}
_AR_INITIAL: Final[dict[str, str]] = {"ا": "A", "ع": "A", "و": "W", "ي": "Y"}
_AR_ARTICLE_KEPT: Final[frozenset[str]] = frozenset({"الهام", "الياس", "الفت", "اليسار"})
_AR_PREFIXES: Final = re.compile(r"^(عبد|ابو|ابن|بن|بنت|ام)ال(?=..)")
_AR_SUFFIXES: Final = re.compile(r"(?<=..)ال(دين|له)$")
_AR_ALLAH: Final = re.compile(r"(?<=..)ال(له)$")

_LA_LETTERS: Final = re.compile(r"kh|sh|ch|th|dh|gh|ph|ck|dj|.")
_LA_CLASS: Final[dict[str, str]] = {
    "kh": "H", "sh": "X", "ch": "X", "th": "T", "dh": "Z", "gh": "G", "ph": "F", "ck": "K",
    "dj": "J", "b": "B", "c": "K", "d": "D", "f": "F", "g": "G", "h": "H", "j": "J", "k": "K",
    "l": "L", "m": "M", "n": "N", "p": "B", "q": "K", "r": "R", "s": "S", "t": "T", "v": "F",
    "x": "KS", "z": "Z",
}  # fmt: skip
_LA_INITIAL: Final[dict[str, str]] = {"a": "A", "e": "A", "i": "A", "o": "A", "u": "A"} | {
    "y": "Y",
    "w": "W",
}
_LA_TRIBE: Final[frozenset[str]] = frozenset({"bani", "beni", "bany", "bni", "banu", "bnei"})
_LA_GLUED_TRIBE: Final = re.compile(r"^b[ae]ni(?=[^aeiou][a-z]{2})")  # Banihani
_REPEATS: Final = re.compile(r"(.)\1+")
# glued compounds, cut into their elements (the article between them dropped)
_LA_ABD: Final = re.compile(r"^ab[ae]?d")
_LA_ABU_ARTICLE: Final = re.compile(r"^ab(?:u|ou|o)(?:al|el|ul|l)(?=[a-z]{3})")
_LA_DIN_END: Final = re.compile(r"(?<=[a-z]{3})(?:[aeiu]?[ld])?d(?:in|een|ine|ien)$")
_LA_ALLAH_END: Final = re.compile(r"(?<=[a-z]{3})[aeiou]?llah?$")
_LA_GLUED_ARTICLE: Final = ("al", "el", "ul")


def arabic_word(text: str) -> str:
    """The normalised Arabic part as one word with its articles removed (key input)."""
    words: list[str] = []
    tokens = normalize_arabic(text).split()
    for i, token in enumerate(tokens):
        if token == "ال" or (token == "بني" and not words and i < len(tokens) - 1):
            continue
        if token.startswith("ال") and len(token) >= 5 and token not in _AR_ARTICLE_KEPT:
            token = token[2:]
        words.append(_AR_SUFFIXES.sub(r"\1", _AR_PREFIXES.sub(r"\1", token)))
    # the words joined: an article left glued to عبد / أبو ("عبدال رحمن") and Allah after a
    # word ("فضل الله"); not al-Din, which the words did themselves, or the "ال" ending
    # جمال / كمال would be read as the article of الدين
    return _AR_ALLAH.sub(r"\1", _AR_PREFIXES.sub(r"\1", "".join(words)))


def latin_core(text: str) -> str:
    """The folded Latin part as one word, leading article and "Bani" tokens removed."""
    tokens = basic_fold(text).split()
    while len(tokens) > 1 and (tokens[0] in ARTICLES or tokens[0] in _LA_TRIBE):
        tokens = tokens[1:]
    if len(tokens) == 1:
        tokens = [_LA_GLUED_TRIBE.sub("", tokens[0])]
    return join_compound(tokens)


def latin_word(text: str) -> str:
    """The folded Latin part as one word with its articles removed (key input)."""
    word = latin_core(text)
    if word.startswith("abdal") and len(word) > 6:
        word = "abd" + word[5:]
    if word.endswith("aldin") and len(word) > 7:
        word = word[:-5] + "din"
    return strip_article(word)


def _finish(classes: list[str]) -> str:
    while classes and classes[-1] == "H" and len(classes) > 1:
        classes.pop()  # final h / taa marbuta: Fatimah = Fatima = فاطمة
    return _REPEATS.sub(r"\1", "".join(classes))


def arabic_skeleton(word: str) -> str:
    """Consonant classes of an Arabic word; leading vowel or ain kept as A."""
    if not word:
        return ""
    head = _AR_INITIAL.get(word[0]) or _AR_CLASS.get(word[0], "")
    return _finish([head, *(_AR_CLASS.get(c, "") for c in word[1:])])


def arabic_full_key(word: str) -> str:
    """Consonant classes plus the long vowels and ain that Arabic writes (for colliding names)."""
    if not word:
        return ""
    head = {"ع": "E", "و": "W", "ي": "Y"}.get(word[0]) or _AR_VOWELS.get(word[0]) or ""
    body = [_AR_VOWELS.get(c) or _AR_CLASS.get(c, "") for c in word[1:]]
    return _REPEATS.sub(r"\1", (head or _AR_CLASS.get(word[0], "")) + "".join(body))


def latin_skeleton(word: str) -> str:
    """Consonant classes of a folded Latin word; leading vowel kept as A."""
    if not word:
        return ""
    classes = [_LA_INITIAL.get(word[0], "")]
    rest = word[1:] if classes[0] else word
    classes += [_LA_CLASS.get(g, "") for g in _LA_LETTERS.findall(rest)]
    return _finish(classes)


class _Lexicon:
    """Lookups built once from the lexicon table."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        folded: dict[str, set[str]] = defaultdict(set)
        by_skeleton: dict[str, dict[str, str]] = defaultdict(dict)
        self.spellings: dict[str, str] = {}  # Latin spelling -> Arabic word
        self.canonical_latin: dict[str, str] = {}
        for arabic, latin in lexicon_entries():
            word = arabic_word(arabic)
            by_skeleton[arabic_skeleton(word)][word] = arabic_full_key(word)
            for spelling in latin:
                folded_spelling = join_compound(basic_fold(spelling).split())
                self.exact.setdefault(folded_spelling, word)
                folded[vowel_fold(folded_spelling)].add(word)
                self.spellings[folded_spelling] = word
                self.canonical_latin.setdefault(word, latin[0])
        self.folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}
        self.ambiguous = {
            s: words for s, words in by_skeleton.items() if len(set(words.values())) > 1
        }

    def arabic_for_latin(self, folded: str) -> str | None:
        """The Arabic word a folded Latin spelling stands for, when the lexicon knows it."""
        return self.exact.get(folded) or self.folded.get(vowel_fold(folded))


@cache
def _lexicon() -> _Lexicon:
    return _Lexicon()


def _arabic_key(word: str) -> str:
    skeleton = arabic_skeleton(word)
    known = _lexicon().ambiguous.get(skeleton, {})
    return known.get(word, skeleton)


def _abd_rest(token: str) -> str | None:
    """What follows a glued Abd form ("abdelhamid" -> "hamid"), or None when ``token`` is
    no Abd compound (Abdeen, Abdo)."""
    match = _LA_ABD.match(token)
    if match is None or len(token) <= 5:
        return None
    rest = token[match.end() :]
    if rest[:2] in ("al", "ul", "el", "ol", "il"):
        return rest[2:]
    if len(rest) > 2 and rest[0] in "aeiou" and rest[1] == rest[2]:
        return rest[1:]  # assimilated article: abdurrahman
    return None if rest[:1] in ("a", "e", "u", "o", "i") else rest


def _glued_elements(token: str, first: bool) -> list[str]:
    """One folded Latin word as the elements of the compound it may be."""
    if token in ABD_FORMS:
        return ["abd"]
    if token in ABU_FORMS:
        return ["abu"]  # abul, aboul: the article goes, as after أبو
    if binds_back(token):
        return ["llah" if token.endswith(("lah", "la")) else "din"]
    rest = _abd_rest(token)
    if rest:
        return ["abd", *_glued_elements(rest, False)]
    abu = _LA_ABU_ARTICLE.match(token)
    if abu is not None:
        return ["abu", *_glued_elements(token[abu.end() :], False)]
    for pattern, suffix in ((_LA_DIN_END, "din"), (_LA_ALLAH_END, "llah")):
        found = pattern.search(token)
        if found is not None:
            base = token[: found.start()]
            if token[found.start() : found.start() + 1] in "aeiu" and (
                _lexicon().arabic_for_latin(token[: found.start() + 2]) is not None
            ):
                base = token[: found.start() + 2]  # Jamaldin: Jamal + din, not Jam + aldin
            return [*_glued_elements(base, first), suffix]
    if (
        not first
        and token.startswith(_LA_GLUED_ARTICLE)
        and len(token) >= 5
        and _lexicon().arabic_for_latin(token) is None
    ):
        return [token[2:]]  # Abu Alhassan: the article glued to the second element
    return [token]


def latin_segments(text: str) -> list[str]:
    """The elements of a Latin part, articles dropped: "Abd al-Hamid", "Abdel Hamid" and
    "Abdelhamid" -> ["abd", "hamid"]; "Nour Eddine" -> ["nour", "din"]; "Abu al-Hassan"
    -> ["abu", "hassan"]. A plain name is one element."""
    tokens = basic_fold(text).split()
    while len(tokens) > 1 and (tokens[0] in ARTICLES or tokens[0] in _LA_TRIBE):
        tokens = tokens[1:]
    if len(tokens) == 1:
        tokens = [_LA_GLUED_TRIBE.sub("", tokens[0])]
    segments: list[str] = []
    for token in tokens:
        if token in ARTICLES and len(tokens) > 1:
            continue  # an article inside a part: Arabic drops it too
        segments.extend(e for e in _glued_elements(token, not segments) if e)
    return segments


def _segment_classes(segment: str, initial: bool) -> list[str]:
    """Letter classes of one element, in the Arabic the lexicon knows for it when it does;
    a leading vowel counts only at the start of the part, as in one written word."""
    arabic = _lexicon().arabic_for_latin(segment)
    if arabic is not None:
        word = arabic_word(arabic)
        head = (_AR_INITIAL.get(word[0]) or _AR_CLASS.get(word[0], "")) if initial else ""
        rest = word[1:] if initial else word
        return [head, *(_AR_CLASS.get(c, "") for c in rest)]
    head = _LA_INITIAL.get(segment[0], "") if initial else ""
    rest = segment[1:] if head else segment
    return [head, *(_LA_CLASS.get(g, "") for g in _LA_LETTERS.findall(rest))]


def _compound_key(segments: list[str]) -> str:
    """The key of a compound: its elements' classes joined as one word."""
    classes: list[str] = []
    for i, segment in enumerate(segments):
        classes.extend(_segment_classes(segment, i == 0))
    return _finish([c for c in classes if c])


def _reading(text: str) -> tuple[str | None, str]:
    """The Arabic word one part reads as (written, or the lexicon's reading of a Latin
    spelling) and "", or None and the part's Latin key when it reads as none."""
    text = normalize_arabic(text)  # NFKC first: presentation forms are Arabic letters too
    if has_arabic(text):
        return arabic_word(text), ""
    lexicon = _lexicon()
    word = latin_word(text)
    spellings = (latin_core(text), join_compound(basic_fold(text).split()), word)
    for spelling in (*spellings, join_compound([word])):
        arabic = lexicon.arabic_for_latin(spelling)
        if arabic is not None:
            return arabic, ""
    segments = latin_segments(text)
    if len(segments) > 1:
        return None, _compound_key(segments)
    return None, latin_skeleton(word)


def _key(text: str, of_arabic: Callable[[str], str]) -> str:
    """The key of one part, ``of_arabic`` turning an Arabic word into letters."""
    arabic, latin = _reading(text)
    return of_arabic(arabic) if arabic is not None else latin


def key_and_skeleton(text: str) -> tuple[str, str]:
    """``name_key`` and ``name_skeleton`` of one part, the part read once for both."""
    arabic, latin = _reading(text)
    if arabic is None:
        return latin, latin
    return _arabic_key(arabic), arabic_skeleton(arabic)


def name_key(text: str) -> str:
    """The cross-script key of one name part (may be a compound); "" when nothing is left."""
    return _key(text, _arabic_key)


def name_skeleton(text: str) -> str:
    """The consonant skeleton of one name part: its key without the long vowels and ain
    that tell colliding names apart.

    Latin cannot show which vowel is long nor an ain, so one Latin spelling stands for
    several Arabic names (Alaa for علاء and آلاء, Saleem for سليم and سالم). The lexicon
    reads it as one of them, and the key of another differs (علاء "ELA", آلاء "AL"); the
    skeleton, which keeps none of what Latin cannot show, is the same for all of them.
    Weaker evidence than the key (محمد and محمود share it): the comparison weighs it as a
    near spelling, not as the same name.
    """
    return _key(text, arabic_skeleton)


def latin_name(text: str) -> str:
    """The folded Latin form of a part: the lexicon's canonical spelling when known."""
    folded = join_compound(basic_fold(text).split())
    arabic = _lexicon().arabic_for_latin(folded)
    if arabic is not None:
        return _lexicon().canonical_latin[arabic]
    return vowel_fold(folded)
