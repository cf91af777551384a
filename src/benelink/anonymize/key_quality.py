"""Does a key look drawn at random, or made by a person or a pattern?

A key protects every token only as far as it cannot be guessed. A passphrase,
a key typed by hand ("0123...", "abab...") or a few random bytes padded out
decode to 32 bytes like a real key but hold far fewer than 256 bits, and an
attacker tries exactly those first. :func:`weakness` names what gives such a
key away, so ``benelink.anonymize.keys`` can refuse it.

Every rule is set so that a key drawn at random (``benelink keygen``, or
``openssl rand`` in base64) essentially never breaks it. For a 32-byte key
(64 hex digits or 43-44 base64 characters) the chance that random bytes break
a rule is at most:

==============================================================  ============
rule                                                            chance
==============================================================  ============
every byte is printable ASCII (the key is text, not random)     9e-14
fewer than 20 distinct byte values                              1.5e-10
fewer than 18 distinct steps between neighbouring bytes         1.4e-12
the bytes, or their steps, repeat with a period of half or less  < 1e-35
7 bytes in a row that stay equal or go by one same step          2.4e-11
16 bytes in a row that only go up, or only down                 2e-12
hex: fewer than 8 distinct digits                               1.2e-19
hex: 12 digits in a row that stay equal or go by one same step   4.8e-11
base64: the text repeats with a period of half or less          < 1e-35
base64: the text reads like English words (``_WORDS_NATS``)     1e-10
==============================================================  ============

so fewer than one random key in a billion is refused (the tests draw 20,000
keys of each form; tests/anonymize/test_key_quality.py recomputes the figures).
``benelink keygen`` draws again in that case.

The words rule scores the text under a small model of English written without
spaces (letter frequencies, common letter pairs, lower case with capitals that
start words): the log of how much likelier the text is under that model than
as random base64. Random text has a likelihood ratio of mean 1 under any
model, so by Markov's inequality it reaches ``exp(_WORDS_NATS)`` with
probability at most ``exp(-_WORDS_NATS)``; sentences score far above it.
"""

from __future__ import annotations

import itertools
import math
import string
from collections.abc import Sequence
from typing import Final

_MIN_DISTINCT_BYTES: Final = 20
_MIN_DISTINCT_STEPS: Final = 18
_REFUSED_STEP_RUN: Final = 6  # equal steps in a row: 7 bytes
_REFUSED_MONOTONE: Final = 16  # bytes
_MIN_DISTINCT_HEX: Final = 8
_REFUSED_HEX_STEP_RUN: Final = 11  # equal steps in a row: 12 hex digits
_WORDS_NATS: Final = math.log(1e10)
_TEXT_BYTES: Final = frozenset(string.printable.encode("ascii"))  # incl. tab, line breaks

# English letters (per cent of letters) and the commonest letter pairs (per cent of pairs),
# rounded from Peter Norvig's counts over Google Books; any rough figures keep the bound
# (it holds for every proper distribution), better ones only catch more passphrases
_LETTERS: Final = dict(
    zip(
        "etaoinsrhldcumfpgwybvkxjqz",
        (
            *(12.49, 9.28, 8.04, 7.64, 7.57, 7.23, 6.51, 6.28, 5.05, 4.07, 3.82, 3.34, 2.73),
            *(2.51, 2.40, 2.14, 1.87, 1.68, 1.66, 1.48, 1.05, 0.54, 0.23, 0.16, 0.12, 0.09),
        ),
        strict=True,
    )
)
_PAIRS: Final = {
    pair[:2]: float(pair[3:])
    for pair in (  # noqa: SIM905 - fifty pairs read better as one table
        "th:3.56 he:3.07 in:2.43 er:2.05 an:1.99 re:1.85 on:1.76 at:1.49 en:1.45 nd:1.35 "
        "ti:1.34 es:1.34 or:1.28 te:1.20 of:1.17 ed:1.17 is:1.13 it:1.12 al:1.09 ar:1.07 "
        "st:1.05 to:1.04 nt:1.04 ng:0.95 se:0.93 ha:0.93 as:0.87 ou:0.87 io:0.83 le:0.83 "
        "ve:0.83 co:0.79 me:0.79 de:0.76 hi:0.76 ri:0.73 ro:0.73 ic:0.70 ne:0.69 ea:0.69 "
        "ra:0.69 ce:0.65 li:0.62 ch:0.60 ll:0.58 be:0.58 ma:0.57 si:0.55 om:0.55 ur:0.54"
    ).split()
}
# character classes: lower, upper, digit, symbol; P(class | previous class) of lower-case
# text with capitals starting words (an all-capitals text is the same with the two swapped)
_LOWER, _UPPER, _DIGIT, _SYMBOL = range(4)
_START: Final = (0.60, 0.35, 0.04, 0.01)
_NEXT: Final = (
    (0.86, 0.10, 0.03, 0.01),
    (0.90, 0.06, 0.03, 0.01),
    (0.10, 0.10, 0.78, 0.02),
    (0.45, 0.45, 0.08, 0.02),
)


def weakness(key: bytes, text: str, encoding: str) -> str | None:
    """What shows that ``key`` (decoded from ``text``, written in ``encoding``: "hex" or
    "base64") was not drawn at random, or None. Never quotes the key."""
    if all(b in _TEXT_BYTES for b in key):
        return "it decodes to printable text, as a passphrase does"
    reason = _byte_pattern(key)
    if reason is None and encoding == "hex":
        reason = _hex_pattern([int(c, 16) for c in text])
    if reason is None and encoding == "base64":
        reason = _text_pattern(text.rstrip("="))
    return reason


def _byte_pattern(key: bytes) -> str | None:
    steps = _steps(key, 256)
    if len(set(key)) < _MIN_DISTINCT_BYTES:
        return f"too few different byte values: {len(set(key))} of {len(key)}"
    if len(set(steps)) < _MIN_DISTINCT_STEPS:
        return "its bytes follow a few fixed steps"
    if _has_period(key) or _has_period(steps):
        return "its bytes repeat a short pattern"
    if _longest_run(steps) >= _REFUSED_STEP_RUN:
        return "it has a run of bytes that stay equal or count up or down"
    if _longest_monotone(key) >= _REFUSED_MONOTONE:
        return "it has a long run of bytes that only go up or only go down"
    return None


def _hex_pattern(digits: Sequence[int]) -> str | None:
    steps = _steps(digits, 16)
    if len(set(digits)) < _MIN_DISTINCT_HEX:
        return f"too few different hex digits: {len(set(digits))} of 16"
    if _has_period(digits) or _longest_run(steps) >= _REFUSED_HEX_STEP_RUN:
        return "its hex digits follow a pattern"
    return None


def _text_pattern(text: str) -> str | None:
    if _has_period([ord(c) for c in text]):
        return "its text repeats a short pattern"
    if words_score(text) >= _WORDS_NATS:
        return "it reads like words, as a passphrase does"
    return None


def _steps(values: Sequence[int], modulus: int) -> list[int]:
    return [(b - a) % modulus for a, b in itertools.pairwise(values)]


def _has_period(values: Sequence[int]) -> bool:
    """True when ``values`` repeats itself with a period of at most half its length."""
    seq = tuple(values)
    return any(seq[p:] == seq[:-p] for p in range(1, len(seq) // 2 + 1))


def _longest_run(values: Sequence[int]) -> int:
    longest = current = 0
    for i, value in enumerate(values):
        current = current + 1 if i and value == values[i - 1] else 1
        longest = max(longest, current)
    return longest


def _longest_monotone(values: Sequence[int]) -> int:
    """The longest stretch that strictly increases or strictly decreases."""
    longest = up = down = 1
    for a, b in itertools.pairwise(values):
        up, down = (up + 1 if b > a else 1), (down + 1 if b < a else 1)
        longest = max(longest, up, down)
    return longest


def _class(char: str) -> int:
    if char in string.ascii_lowercase:
        return _LOWER
    if char in string.ascii_uppercase:
        return _UPPER
    return _DIGIT if char in string.digits else _SYMBOL


def _letter_table() -> dict[str | None, dict[str, float]]:
    """P(letter | previous letter, or None at a word's start): the common pairs as counted,
    the other letters sharing what is left in proportion to their frequency, so that each
    row is a proper distribution (which the Markov bound needs)."""
    total = sum(_LETTERS.values())
    table: dict[str | None, dict[str, float]] = {None: {b: f / total for b, f in _LETTERS.items()}}
    for a, frequency in _LETTERS.items():
        listed = {b: _PAIRS[a + b] / frequency for b in _LETTERS if a + b in _PAIRS}
        counted = sum(listed.values())
        scale = min(1.0, 0.9 / counted) if counted else 0.0
        rest = sum(f for b, f in _LETTERS.items() if b not in listed)
        left = 1.0 - counted * scale
        table[a] = {
            b: listed[b] * scale if b in listed else left * f / rest for b, f in _LETTERS.items()
        }
    return table


_LETTER_GIVEN: Final = _letter_table()


def _log_likelihood_ratio(text: str, capitals_first: bool) -> float:
    """ln(P(text | English model) / P(text | random base64))."""
    swap = (1, 0, 2, 3) if capitals_first else (0, 1, 2, 3)
    start = [_START[swap[k]] for k in range(4)]
    table = [[_NEXT[swap[i]][swap[k]] for k in range(4)] for i in range(4)]
    score, previous, letter = 0.0, -1, None
    for char in text:
        kind = _class(char)
        if kind in (_LOWER, _UPPER):
            word_start = (kind == _UPPER) != capitals_first and previous != kind
            p = _LETTER_GIVEN[None if word_start else letter][char.lower()]
            letter = char.lower()
        else:
            p, letter = (0.1 if kind == _DIGIT else 0.5), None
        score += math.log(64 * (start if previous < 0 else table[previous])[kind] * p)
        previous = kind
    return score


def words_score(text: str) -> float:
    """How much likelier ``text`` is as English run together than as random base64, in
    nats (a mixture of the lower-case and the all-capitals model, each weighing half)."""
    a = _log_likelihood_ratio(text, capitals_first=False)
    b = _log_likelihood_ratio(text, capitals_first=True)
    top = max(a, b)
    return top + math.log(0.5 * math.exp(a - top) + 0.5 * math.exp(b - top))
