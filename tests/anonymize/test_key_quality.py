"""Weak keys are refused and random keys are not: the false-refusal figures of
``benelink.anonymize.key_quality`` recomputed, 20,000 seeded random keys per form,
and properties over patterned keys and passphrases."""

from __future__ import annotations

import base64
import math
import string
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize import key_quality
from benelink.anonymize.key_quality import words_score
from benelink.anonymize.keys import generate_key, parse_key
from benelink.errors import KeyError_

ORIGIN = "environment variable BENELINK_KEY"
STANDARD = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
URLSAFE = STANDARD[:62] + "-_"


def _forms(key: bytes) -> list[str]:
    """The ways a random key may be written: hex (keygen), base64, base64url unpadded."""
    return [
        key.hex(),
        base64.b64encode(key).decode(),
        base64.urlsafe_b64encode(key).decode().rstrip("="),
    ]


def _refused(text: str) -> str:
    with pytest.raises(KeyError_) as info:
        parse_key(text, ORIGIN)
    message = str(info.value)
    assert "\n" not in message and "benelink keygen" in message and ORIGIN in message
    assert text.strip() not in message
    return message


def test_twenty_thousand_random_keys_are_all_accepted_as_hex_and_as_base64() -> None:
    rng = np.random.default_rng(20261114)
    refused = []
    for i in range(20_000):
        key = rng.bytes(32)
        for text in (_forms(key)[0], _forms(key)[1 + i % 2]):
            try:
                assert parse_key(text, ORIGIN) == key
            except KeyError_ as exc:
                refused.append(str(exc))
    assert refused == []


@given(st.integers(min_value=0, max_value=2**63), st.sampled_from([32, 33, 48, 64]))
def test_any_random_key_is_accepted_in_every_form(seed: int, size: int) -> None:
    key = np.random.default_rng(seed).bytes(size)
    texts = _forms(key) if size == 32 else _forms(key)[1:]  # hex is 64 digits only
    for text in texts:
        assert parse_key(text, ORIGIN) == key


def _distinct_below(draws: int, symbols: int, limit: int) -> float:
    """P(fewer than ``limit`` distinct values among ``draws`` uniform draws), exactly."""
    p = [Fraction(1)] + [Fraction(0)] * draws
    for _ in range(draws):
        q = [Fraction(0)] * (draws + 1)
        for k, v in enumerate(p):
            if v:
                q[k] += v * Fraction(k, symbols)
                if k < draws:
                    q[k + 1] += v * Fraction(symbols - k, symbols)
        p = q
    return float(sum(p[:limit]))


def test_the_false_refusal_figures_of_the_docstring_hold() -> None:
    """Each rule's chance of refusing a random 32-byte key, as the module's table says."""
    figures = {
        "bytes printable": (100 / 256) ** 32,
        "distinct bytes": _distinct_below(32, 256, key_quality._MIN_DISTINCT_BYTES),
        "distinct steps": _distinct_below(31, 256, key_quality._MIN_DISTINCT_STEPS),
        # a run of r equal steps can start at 31 - r + 1 places, each 256**-(r - 1)
        "step run": (32 - key_quality._REFUSED_STEP_RUN)
        * 256.0 ** -(key_quality._REFUSED_STEP_RUN - 1),
        "monotone": 2
        * (33 - key_quality._REFUSED_MONOTONE)
        / math.factorial(key_quality._REFUSED_MONOTONE),
        "hex distinct": _distinct_below(64, 16, key_quality._MIN_DISTINCT_HEX),
        "hex step run": (64 - key_quality._REFUSED_HEX_STEP_RUN)
        * 16.0 ** -(key_quality._REFUSED_HEX_STEP_RUN - 1),
        "words": math.exp(-key_quality._WORDS_NATS),
    }
    assert figures["bytes printable"] < 9e-14
    assert figures["distinct bytes"] < 1.5e-10
    assert figures["distinct steps"] < 1.4e-12
    assert figures["step run"] < 2.5e-11
    assert figures["monotone"] < 2e-12
    assert figures["hex distinct"] < 1.3e-19
    assert figures["hex step run"] < 5e-11
    assert figures["words"] <= 1e-10 * 1.0001
    assert sum(figures.values()) < 1e-9  # "fewer than one random key in a billion"


@given(st.text(alphabet=STANDARD[:64], max_size=40), st.booleans(), st.booleans())
def test_the_words_model_is_a_probability_distribution(
    prefix: str, capitals_first: bool, urlsafe: bool
) -> None:
    """Markov's bound needs E[likelihood ratio] = 1 under random text: after any prefix,
    the model's next-character probabilities sum to one over the 64 characters."""
    alphabet = URLSAFE if urlsafe else STANDARD
    prefix = prefix.translate(str.maketrans("+/", alphabet[62:]))
    llr = key_quality._log_likelihood_ratio
    before = llr(prefix, capitals_first)
    total = sum(math.exp(llr(prefix + c, capitals_first) - before) for c in alphabet) / 64
    assert total == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(
    "sentence",
    [
        "thequickbrownfoxjumpsoverthelazydogagainandagain",
        "weshareoneverysecretpassphrasewithourpartnersnow",
        "TheNationalAidFundAndUnhcrShareThisSecretKeyNow1",
        "BENELINKKEYFORTHEAMMANOFFICEINNOVEMBER2026ABCDEF",
    ],
)
def test_sentences_that_are_valid_base64_read_like_words(sentence: str) -> None:
    assert len(base64.b64decode(sentence + "=" * (-len(sentence) % 4))) >= 32
    assert "reads like words" in _refused(sentence)


@given(st.binary(min_size=1, max_size=16), st.sampled_from([32, 48]))
def test_a_repeated_block_is_refused(block: bytes, size: int) -> None:
    key = (block * size)[:size]
    for text in _forms(key) if size == 32 else _forms(key)[1:]:
        _refused(text)


@given(st.integers(0, 255), st.integers(0, 255), st.binary(min_size=25, max_size=25))
def test_seven_bytes_counting_by_one_step_are_refused(start: int, step: int, rest: bytes) -> None:
    counted = bytes((start + i * step) % 256 for i in range(7))
    _refused((rest[:10] + counted + rest[10:]).hex())


@given(st.text(alphabet=string.printable, min_size=32, max_size=64))
def test_base64_or_hex_of_text_is_refused(text: str) -> None:
    data = text.encode("ascii")
    if len(data) == 32:
        _refused(data.hex())
    _refused(base64.b64encode(data).decode())


@given(st.text(max_size=100))
def test_any_text_is_a_key_or_one_line_without_it(text: str) -> None:
    try:
        key = parse_key(text, ORIGIN)
    except KeyError_ as exc:
        message = str(exc)
        assert "\n" not in message
        assert len(text.strip()) < 12 or text.strip() not in message
    else:
        assert len(key) >= 32


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("00" * 32, "too few different byte values"),
        ("ab" * 32, "too few different byte values"),
        ("0123456789abcdef" * 4, "too few different byte values"),
        (bytes(range(32)).hex(), "fixed steps"),
        ("3f" * 8 + "a1b2c3d4e5f60718293a4b5c6d7e8f90" + "0123456789abcdef", "fixed steps"),
        ("password123password123password123password123", "repeats a short pattern"),
        ("aa" * 16, "hex digits where a key has 64"),
        ("correct horse battery staple correct horse battery", "does not hold a key"),
        (base64.b64encode(bytes(range(16)) * 1).decode(), "fewer than 256"),
    ],
)
def test_patterned_keys_say_why(text: str, words: str) -> None:
    assert words in _refused(text)


def test_keygen_never_writes_a_key_the_run_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """A weak draw (fewer than one in a billion) is drawn again."""
    draws = iter(["00" * 32, "3d4e7826a252bbd4414941a73100675ce879b3161fb9e6b3fdbb1c59abbe30dc"])
    monkeypatch.setattr("benelink.anonymize.keys.secrets.token_hex", lambda n: next(draws))
    assert generate_key().startswith("3d4e")


def test_words_score_separates_sentences_from_random_text() -> None:
    rng = np.random.default_rng(7)
    random_scores = [words_score(base64.b64encode(rng.bytes(32)).decode()) for _ in range(2000)]
    assert max(random_scores) < 0 < key_quality._WORDS_NATS
    assert words_score("ThisIsMySecretPassphraseForTheBenelinkProject") > key_quality._WORDS_NATS
