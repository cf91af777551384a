"""Reading ``benelink.toml`` into a validated ``BenelinkConfig``.

This is the only place the configuration touches the disk. Every problem is
turned into one ``ConfigError`` line that names the file and the key, because
the person fixing it is a data officer with a text editor, not a developer
with a traceback.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

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
        parts.append(f"{location}: {message}")
    return "; ".join(parts)
