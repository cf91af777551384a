from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benelink.anonymize.keys import generate_key, key_fingerprint, parse_key
from benelink.config.model import RunSettings
from benelink.errors import KeyError_
from benelink.io.keys import load_key


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


def _key_file(tmp_path: Path, mode: int = 0o600, text: str | None = None) -> Path:
    path = tmp_path / "k"
    path.write_text((text or generate_key()) + "\n")
    path.chmod(mode)
    return path


FROM_FILE = RunSettings(incoming="x", key_env=None, key_file=Path("k"))


def test_key_from_file(tmp_path: Path) -> None:
    path = _key_file(tmp_path)
    assert load_key(FROM_FILE, {}, tmp_path) == bytes.fromhex(path.read_text().strip())


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o601, 0o660])
def test_a_key_file_others_may_use_is_refused_as_ssh_does(tmp_path: Path, mode: int) -> None:
    path = _key_file(tmp_path, mode)
    with pytest.raises(KeyError_) as info:
        load_key(FROM_FILE, {}, tmp_path)
    message = str(info.value)
    assert f"chmod 600 {path}" in message and f"{mode:04o}" in message
    assert path.read_text().strip() not in message and "\n" not in message


def test_the_mode_judged_is_that_of_the_file_a_symlink_points_to(tmp_path: Path) -> None:
    target = _key_file(tmp_path, 0o644)
    (tmp_path / "link").symlink_to(target)
    settings = RunSettings(incoming="x", key_env=None, key_file=Path("link"))
    with pytest.raises(KeyError_, match="mode 0644"):
        load_key(settings, {}, tmp_path)
    target.chmod(0o600)
    assert len(load_key(settings, {}, tmp_path)) == 32


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(mode=0o700), "not a regular file"),
        (lambda p: (p.write_bytes(b"0" * 5000), p.chmod(0o600)), "too large"),
        (lambda p: (p.write_bytes("مفتاح".encode()), p.chmod(0o600)), "not ASCII"),
        (lambda p: None, "cannot be read"),
    ],
)
def test_a_key_file_that_is_no_key_file_is_one_line(
    tmp_path: Path, make: Callable[[Path], object], words: str
) -> None:
    make(tmp_path / "k")
    with pytest.raises(KeyError_, match=words) as info:
        load_key(FROM_FILE, {}, tmp_path)
    assert "\n" not in str(info.value) and "keygen" in str(info.value)


def test_a_weak_key_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = _key_file(tmp_path, text="ab" * 32)
    with pytest.raises(KeyError_, match=f"key file {path} does not hold a random key"):
        load_key(FROM_FILE, {}, tmp_path)


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
