from __future__ import annotations

from pathlib import Path

import pytest

from benelink.anonymize.keys import generate_key, key_fingerprint, load_key, parse_key
from benelink.config.model import RunSettings
from benelink.errors import KeyError_


def test_generated_key_parses_to_32_bytes() -> None:
    assert len(parse_key(generate_key(), "test")) == 32


@pytest.mark.parametrize("text", ["", "   ", "secret", "00" * 32, "ab" * 10, "password123"])
def test_weak_or_empty_keys_are_refused(text: str) -> None:
    with pytest.raises(KeyError_) as info:
        parse_key(text, "environment variable BENELINK_KEY")
    assert "BENELINK_KEY" in str(info.value)
    assert "keygen" in str(info.value)


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(KeyError_, match="BENELINK_KEY"):
        load_key(RunSettings(incoming="x"), {}, Path("."))


def test_key_from_file(tmp_path: Path) -> None:
    key = generate_key()
    (tmp_path / "k").write_text(key + "\n")
    settings = RunSettings(incoming="x", key_env=None, key_file=Path("k"))
    assert load_key(settings, {}, tmp_path) == bytes.fromhex(key)


def test_message_never_echoes_the_key() -> None:
    weak = "Zm9vYmFy"  # base64 of a 6-byte value
    with pytest.raises(KeyError_) as info:
        parse_key(weak, "environment variable BENELINK_KEY")
    assert weak not in str(info.value)


def test_fingerprint_is_stable_and_differs_by_key() -> None:
    a, b = parse_key(generate_key(), "a"), parse_key(generate_key(), "b")
    assert key_fingerprint(a) == key_fingerprint(a)
    assert key_fingerprint(a) != key_fingerprint(b)
    assert len(key_fingerprint(a)) == 16
