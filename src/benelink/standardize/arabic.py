"""Arabic-script normalisation: the spelling variation that carries no meaning in a name.

Partners type the same name with or without hamza seats, diacritics, tatweel,
taa marbuta or its dotless form, Persian keyboard letters and Arabic-Indic
digits. These rules (documented in docs/names.md) remove that variation with
one ``str.translate`` table so that the cost is a single C-level pass per
distinct value. PyArabic offers the same operations but is GPL-3.0, which the
Apache-2.0 project cannot ship, so the handful of rules is written here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Tashkeel (harakat, tanween, shadda, sukun), superscript alef, Quranic marks, tatweel.
_DROPPED: Final = (
    "".join(chr(c) for c in range(0x064B, 0x0660))  # fathatan .. hamza below marks
    + "\u0670"  # superscript (dagger) alef
    + "".join(chr(c) for c in range(0x06D6, 0x06EE))  # Quranic annotation signs
    + "\u0640"  # tatweel
    + "\u0621"  # standalone hamza
    + "\u200c\u200d\u200e\u200f\u061c"  # joiners and direction marks
)

_LETTERS: Final[dict[str, str]] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ة": "ه",
    "ۀ": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
}
_DIGITS: Final[dict[str, str]] = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian (Extended Arabic-Indic)
}
_TABLE: Final = str.maketrans({**_LETTERS, **_DIGITS, **dict.fromkeys(_DROPPED)})
_SPACES: Final = re.compile(r"\s+")
_ARABIC_LETTER: Final = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z\u00C0-\u024F]")


def normalize_arabic(text: str) -> str:
    """The canonical Arabic spelling of ``text``: NFKC, variants unified, spaces collapsed.

    NFKC first so presentation forms (ﻻ, ﷲ, isolated/final glyphs) become plain
    letters the table knows; the result is stable under a second application.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return _SPACES.sub(" ", folded).strip()


def has_arabic(text: str) -> bool:
    """Whether ``text`` holds at least one Arabic letter."""
    return _ARABIC_LETTER.search(text) is not None


def has_latin(text: str) -> bool:
    """Whether ``text`` holds at least one Latin letter (accented ones included)."""
    return _LATIN_LETTER.search(text) is not None
