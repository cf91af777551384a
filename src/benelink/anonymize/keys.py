"""The secret key: where it comes from, what makes it acceptable, its fingerprint.

The key turns every identifier into a token. Losing it means tokens can no
longer be recomputed; leaking it means tokens can be reversed by guessing. So
it is read only at the edge (the CLI hands in the environment), it is never
written by a run, and only a one-way fingerprint of it goes into manifests so
that a run can tell that the key changed between months.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from pathlib import Path

from benelink.config.model import RunSettings
from benelink.errors import KeyError_

KEY_BYTES = 32
_FINGERPRINT_LABEL = b"benelink/v1/key-fingerprint"


def generate_key() -> str:
    """A new key as 64 hexadecimal characters (256 bits from the OS's CSPRNG)."""
    return secrets.token_hex(KEY_BYTES)


def parse_key(text: str, origin: str) -> bytes:
    """Decode a key written as hex or base64; refuse anything weaker than 256 bits.

    ``origin`` names where the key came from ("environment variable BENELINK_KEY")
    so the message can say what to fix without ever echoing the key itself.
    """
    cleaned = text.strip()
    if not cleaned:
        raise KeyError_(f"{origin} is empty: create a key with `benelink keygen` and set it there")
    key = _decode(cleaned)
    if key is None or len(key) < KEY_BYTES:
        raise KeyError_(
            f"{origin} does not hold a strong key (need 64 hex characters or base64 of 32+ bytes): "
            "create one with `benelink keygen`"
        )
    if len(set(key)) < 8:
        raise KeyError_(
            f"{origin} holds a key with almost no variety: create one with `benelink keygen`"
        )
    return key


def load_key(settings: RunSettings, environ: Mapping[str, str], base_dir: Path) -> bytes:
    """Read the key from the configured environment variable, else the key file."""
    if settings.key_env is not None and settings.key_env in environ:
        return parse_key(environ[settings.key_env], f"environment variable {settings.key_env}")
    if settings.key_file is not None:
        path = (
            settings.key_file if settings.key_file.is_absolute() else base_dir / settings.key_file
        )
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyError_(
                f"key file {path} cannot be read ({type(exc).__name__}): "
                "check the path in [run] key_file or create one with `benelink keygen`"
            ) from None
        return parse_key(text, f"key file {path}")
    where = f"environment variable {settings.key_env}" if settings.key_env else "[run] key_file"
    raise KeyError_(
        f"no secret key: set {where} (create a key with `benelink keygen`); "
        "the run needs it to pseudonymise identifiers"
    )


def key_fingerprint(key: bytes) -> str:
    """A short one-way identifier of the key, safe to publish in manifests."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def _decode(text: str) -> bytes | None:
    if len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text)
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        return None
