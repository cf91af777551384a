"""Reading ``benelink.toml`` into a validated ``BenelinkConfig``.

This is the only place the configuration touches the disk. Every problem is
turned into one ``ConfigError`` line that names the file and the key, because
the person fixing it is a data officer with a text editor, not a developer
with a traceback.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from benelink.config.model import BenelinkConfig
from benelink.errors import ConfigError


def load_config(path: Path) -> BenelinkConfig:
    """Read, parse and validate the configuration file at ``path``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} not found: pass --config PATH") from None
    except OSError as exc:
        raise ConfigError(f"configuration file {path} cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return BenelinkConfig.model_validate(
            {**data, "path": path.resolve(), "sha256": hashlib.sha256(raw).hexdigest()}
        )
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from None


# pydantic's phrasing, said the way the rest of benelink speaks to an officer
_PHRASES: Final = (
    (re.compile(r"^Input should be "), "must be "),
    (re.compile(r", unable to parse string as an? \w+$"), ""),
    (re.compile(r"^Input is "), "is "),
    (re.compile(r"\s*\[type=[^\]]*\]"), ""),
)


def plain_words(message: str, value: object = None) -> str:
    """pydantic's message without its own jargon ("Input should be" -> "must be")."""
    for pattern, words in _PHRASES:
        message = pattern.sub(words, message)
    if isinstance(value, str | int | float | bool) and len(str(value)) <= 40:
        message = f"{message} (found {value!r})"
    return message


def describe(exc: ValidationError) -> str:
    """Pydantic's errors as 'key.path: problem' pairs, on one line."""
    parts = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error["loc"]) or "(top level)"
        message = error["msg"]
        if error["type"] == "value_error":  # a validator's own sentence, as the TOML says it
            message = str(error.get("ctx", {}).get("error", message))
            loc = error["loc"]
            if len(loc) == 3 and loc[0] == "sources":
                location = f"[sources.{loc[1]}] {loc[2]}"
        elif error["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = plain_words(message, error.get("input"))
        parts.append(f"{location}: {message}")
    return "; ".join(parts)
