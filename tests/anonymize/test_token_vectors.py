"""The test vectors of docs/tokens.md, checked two ways: with the standard library
alone (as a partner would) and through benelink's own standardisation and hashing."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from benelink.anonymize.tokens import record_token, token
from benelink.standardize.identifiers import national_number, unhcr_id
from benelink.standardize.identifiers import record_id as record_id_standard
from benelink.standardize.phones import e164
from tests.helpers import REPO

KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
STANDARDISE = {
    "national_number": national_number,
    "phone": e164,
    "unhcr_individual_id": unhcr_id,
    "unhcr_case_id": unhcr_id,
}


def _vectors() -> list[tuple[str, str, str, str]]:
    text = (REPO / "docs" / "tokens.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| (.+?) \| (.+?) \| `([0-9a-f]{32})` \|$", text, flags=re.M)
    assert len(rows) >= 14
    return rows


@pytest.mark.parametrize(("field", "raw", "standard", "expected"), _vectors())
def test_vector(field: str, raw: str, standard: str, expected: str) -> None:
    if field == "record":
        given = re.fullmatch(r"source `(\w+)`, id `(.+)`(?: \(.+\))?", raw)
        hashed = re.fullmatch(r"`\w+` U\+001F `(.+)`", standard)
        assert given is not None and hashed is not None
        source, written = given.groups()
        # "\u200B" in the table stands for the character U+200B
        record_id = re.sub(r"\\u([0-9A-F]{4})", lambda m: chr(int(m[1], 16)), written)
        assert record_id_standard(record_id) == hashed.group(1)
        value = source + "\x1f" + hashed.group(1)
        assert record_token(KEY, source, record_id) == expected
    else:
        raw_value, value = raw.strip("`"), standard.strip("`")
        assert STANDARDISE[field](raw_value) == value
        assert token(KEY, field, value) == expected
    message = f"benelink/v1/{field}\x1f{value}".encode()
    assert hmac.new(KEY, message, hashlib.sha256).hexdigest()[:32] == expected


def test_the_record_vectors_cover_every_way_of_retyping_an_id() -> None:
    """Arabic-Indic and Persian digits, zero-width characters, soft hyphens, bidi marks."""
    ids = [raw for field, raw, _, _ in _vectors() if field == "record"]
    for needed in ("٠", "۰", "\\u200B", "\\u00AD", "\\u202B"):
        assert any(needed in raw for raw in ids), needed
