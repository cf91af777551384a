"""The secret key: where it comes from, what makes it acceptable, its fingerprint.

The key turns every identifier into a token. Losing it means tokens can no
longer be recomputed; leaking it means tokens can be reversed by guessing. So
it is read only at the edge (``benelink.io.keys``: the CLI hands in the
environment), it is never written by a run, and only a one-way fingerprint of
it goes into manifests so that a run can tell that the key changed between
months.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string

from benelink.anonymize.key_quality import weakness
from benelink.errors import KeyError_

KEY_BYTES = 32
_FINGERPRINT_LABEL = b"benelink/v1/key-fingerprint"


def generate_key() -> str:
    """A new key as 64 hexadecimal characters (256 bits from the OS's CSPRNG).

    A draw that :func:`parse_key` would refuse (fewer than one in a billion) is drawn
    again, so ``benelink keygen`` never writes a key a run then refuses."""
    while True:
        text = secrets.token_hex(KEY_BYTES)
        if weakness(bytes.fromhex(text), text, "hex") is None:
            return text


def parse_key(text: str, origin: str) -> bytes:
    """Decode a key written as ``benelink keygen`` writes it (64 hex digits) or as base64 of
    32 or more bytes, and refuse one that was not drawn at random.

    Only those two exact forms are read: decoding any other text as base64 (as a lenient
    decoder would) turns a long passphrase into "32 bytes". ``origin`` names where the key
    came from ("environment variable BENELINK_KEY") so the message can say what to fix
    without ever echoing the key itself.
    """
    cleaned = text.strip()
    if not cleaned:
        raise KeyError_(f"{origin} is empty: create a key with `benelink keygen` and set it there")
    if all(c in string.hexdigits for c in cleaned) and len(cleaned) != 2 * KEY_BYTES:
        raise KeyError_(
            f"{origin} holds {len(cleaned)} hex digits where a key has 64 (256 bits): "
            "create one with `benelink keygen`"
        )
    decoded = _decode(cleaned)
    if decoded is None:
        raise KeyError_(
            f"{origin} does not hold a key (need the 64 hex digits `benelink keygen` writes, "
            "or base64 of 32 or more random bytes): create one with `benelink keygen`"
        )
    key, encoding = decoded
    if len(key) < KEY_BYTES:
        raise KeyError_(
            f"{origin} holds a key of {len(key) * 8} bits, fewer than 256: "
            "create one with `benelink keygen`"
        )
    reason = weakness(key, cleaned, encoding)
    if reason is not None:
        raise KeyError_(
            f"{origin} does not hold a random key ({reason}): create one with `benelink keygen`"
        )
    return key


def key_fingerprint(key: bytes) -> str:
    """A short one-way identifier of the key, safe to publish in manifests."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def _decode(text: str) -> tuple[bytes, str] | None:
    """(bytes, "hex" | "base64") of a key in one of the two forms read, else None.

    Text of hex digits alone is read as hex (64 digits, or it is no key); anything else
    must be canonical base64 or base64url, padding optional: decoding and encoding again
    gives the same text, so no character was skipped and no stray bits were set.
    """
    if all(c in string.hexdigits for c in text):
        return (bytes.fromhex(text), "hex") if len(text) == 2 * KEY_BYTES else None
    body = text.rstrip("=")
    padding = len(text) - len(body)
    if padding > 2 or (padding and len(text) % 4) or len(body) % 4 == 1:
        return None
    plus, dash = bool(set(body) & set("+/")), bool(set(body) & set("-_"))
    if plus and dash:
        return None
    altchars = b"-_" if dash else b"+/"
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None
    again = base64.b64encode(key, altchars=altchars).decode("ascii").rstrip("=")
    return (key, "base64") if again == body else None
