"""Closed vocabularies (governorates, nationalities, codes) matched in either script.

A value is folded the way names are (Arabic normalised, Latin lower-case
ASCII), looked up exactly, and otherwise matched with rapidfuzz against the
known spellings of the same script with a cut-off, so a typo still finds its
place while an unknown value stays missing instead of being forced onto the
nearest entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Final

from rapidfuzz import fuzz, process

from benelink.standardize.arabic import has_arabic, normalize_arabic

_NOT_WORD: Final = re.compile(r"[^a-z0-9\u0600-\u06ff]+")
_FLOAT_ZERO: Final = re.compile(r"^(\d+)\.0+$")


def fold(text: str, noise: Iterable[str] = ()) -> str:
    """The comparable form of a vocabulary value (digits kept), filler words removed."""
    value = _FLOAT_ZERO.sub(r"\1", normalize_arabic(text).strip())
    decomposed = unicodedata.normalize("NFKD", value.replace("'", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    dropped = {normalize_arabic(n).lower() for n in noise}
    return " ".join(w for w in _NOT_WORD.sub(" ", plain).split() if w not in dropped)


class Vocabulary:
    """Spellings (any script) -> canonical value, with a fuzzy fallback."""

    def __init__(
        self,
        spellings: Mapping[str, Iterable[str]],
        cutoff: float | None,
        noise: Iterable[str] = (),
    ) -> None:
        self.noise = tuple(noise)
        self.cutoff = cutoff
        self.exact: dict[str, str] = {}
        for canonical, variants in spellings.items():
            for variant in (canonical, *variants):
                self.exact[fold(variant, self.noise)] = canonical
        self.choices = list(self.exact)

    def knows(self, text: str) -> bool:
        """True when ``text`` is one of the known spellings exactly (once folded)."""
        folded = fold(text, self.noise)
        return bool(folded) and folded in self.exact

    def lookup(self, text: str) -> str | None:
        """The canonical value of ``text``, or None when nothing is close enough."""
        folded = fold(text, self.noise)
        if not folded:
            return None
        if folded in self.exact or self.cutoff is None:
            return self.exact.get(folded)
        same_script = [c for c in self.choices if has_arabic(c) == has_arabic(folded)]
        best = process.extractOne(folded, same_script, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        return None if best is None else self.exact[best[0]]
