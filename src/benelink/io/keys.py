"""The secret key from where the configuration says it is: an environment variable or a
key file that only its owner can read; and a new key file, written once.

``benelink.anonymize.keys`` judges the text (``parse_key``); this module is the
only one that opens a key file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from benelink.anonymize.keys import parse_key
from benelink.config.model import RunSettings
from benelink.errors import KeyError_, UsageError

_MAX_KEY_FILE_BYTES: Final = 4096


def load_key(settings: RunSettings, environ: Mapping[str, str], base_dir: Path) -> bytes:
    """Read the key from the configured environment variable, else the key file."""
    if settings.key_env is not None and settings.key_env in environ:
        return parse_key(environ[settings.key_env], f"environment variable {settings.key_env}")
    if settings.key_file is not None:
        path = (
            settings.key_file if settings.key_file.is_absolute() else base_dir / settings.key_file
        )
        return parse_key(read_key_file(path), f"key file {path}")
    where = f"environment variable {settings.key_env}" if settings.key_env else "[run] key_file"
    raise KeyError_(
        f"no secret key: set {where} (create a key with `benelink keygen`); "
        "the run needs it to pseudonymise identifiers"
    )


def read_key_file(path: Path) -> str:
    """The text of a key file that only its owner can read, as ssh demands of a private key.

    The mode checked is that of the file actually opened (``fstat`` of the open
    descriptor), so a symlink is judged by what it points to and the file cannot be
    swapped between the check and the read. A file others may read, write or run is
    refused: the key in it may already have been copied.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise KeyError_(
            f"key file {path} cannot be read ({exc.strerror or type(exc).__name__}): "
            "check the path in [run] key_file or create one with `benelink keygen`"
        ) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise KeyError_(
                f"key file {path} is not a regular file: point [run] key_file at the file "
                "`benelink keygen` wrote"
            )
        mode = stat.S_IMODE(status.st_mode)
        if os.name == "posix" and mode & 0o077:
            raise KeyError_(
                f"key file {path} is open to others (mode {mode:04o}): "
                f"run `chmod 600 {path}` so only its owner can read it"
            )
        data = os.read(fd, _MAX_KEY_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise KeyError_(
            f"key file {path} is too large to hold a key: point [run] key_file at the file "
            "`benelink keygen` wrote"
        )
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyError_(
            f"key file {path} is not a key (it is not ASCII text): "
            "create one with `benelink keygen`"
        ) from None


def write_key_file(path: Path, text: str) -> None:
    """A new key file readable by its owner only (0600); an existing file is never replaced."""
    if path.exists():
        raise UsageError(f"{path} exists already: a key is never overwritten; choose another path")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
