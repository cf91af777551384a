"""The JSON-lines logs in ``<out>/logs/``: each run's stages, and the audit trail.

A cron job has no screen; a run's log (``run-<month>-<time>.jsonl``) is what an
operator reads afterwards. It holds stage names, seconds and counts only —
never a value from a record.

The audit trail (``lookups.jsonl``) records every question that only a holder
of the key can ask about one person: a ``benelink lookup`` and a ``benelink
evaluate`` against a truth file. Being evidence, it is written so that it
cannot be pointed elsewhere or read by others: the logs folder and the file are
opened without following symbolic links (a link is refused, exit 2), only a
regular file with one name is appended to, the file is made readable by its
owner only (0600, whatever the umask), and each line names the operating-system
account that ran the command, not what ``$USER`` or ``$LOGNAME`` claim.
"""

from __future__ import annotations

import errno
import json
import os
import pwd
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TextIO

from benelink.errors import OutputError
from benelink.io.layout import OutputLayout
from benelink.io.staging import SHARED_DIR, check_output_folder, make_dirs
from benelink.progress import StageEvent

_APPEND: Final = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
_FIX: Final = "remove it (benelink writes its logs itself), then run the command again"
RUN_LOG_MODE: Final = 0o640  # counts and stage names only: the operators' group may read
AUDIT_MODE: Final = 0o600


class RunLog:
    """Appends JSON objects, one per line, to ``<out>/logs/run-<month>-<time>.jsonl``
    (or to ``filename`` in the same folder, for the audit trail: see ``audit``)."""

    def __init__(
        self,
        out_dir: Path,
        month: str,
        now: datetime | None = None,
        filename: str | None = None,
        *,
        private: bool = False,
    ) -> None:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        folder = OutputLayout(out_dir).logs
        self.path = folder / (filename or f"run-{month}-{stamp}.jsonl")
        self._handle: TextIO = _open_append(folder, self.path.name, private=private)

    def write(self, event: str, **fields: Any) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
        record.update(fields)
        self._handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    # --- RunObserver: one line per finished stage, with its timing and counts ---
    def stage_started(self, stage: str, total: int | None, unit: str) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_sized(self, stage: str, total: int, unit: str) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_advanced(self, stage: str, amount: int) -> None:
        """Progress is for screens; the log records finished stages only."""

    def stage_finished(self, event: StageEvent) -> None:
        self.write("stage", stage=event.stage, seconds=round(event.seconds, 3), **event.counts)


def audit(out_dir: Path, event: str, **fields: Any) -> Path:
    """Append one line to the audit trail ``<out>/logs/lookups.jsonl``: the time, the
    event, the operating-system user, and ``fields`` (tokens and counts, never a raw
    value). Returns the file's path."""
    log = RunLog(out_dir, "audit", filename=OutputLayout(out_dir).audit.name, private=True)
    try:
        log.write(event, user=os_user(), uid=os.getuid(), **fields)
    finally:
        log.close()
    return log.path


def os_user() -> str:
    """The name of the account this process runs as, from the password database.

    ``getpass.getuser()`` believes ``$LOGNAME`` and ``$USER``, which anyone can
    set to someone else's name; the real user id cannot be set that way.
    """
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # an account without a passwd entry (some containers)
        return f"uid {uid}"


def _open_append(folder: Path, name: str, *, private: bool) -> TextIO:
    """``folder/name`` opened for appending, never through a symbolic link at the end.

    ``private`` (the audit trail): the folder must not be a link either, the file
    must be a regular file with a single name, and it is made owner-only (0600).
    """
    if private and folder.is_symlink():
        raise OutputError(_linked(folder, "folder"))
    try:
        make_dirs(folder, SHARED_DIR)  # made here: not writable by others, whatever the umask
    except OSError as exc:
        check_output_folder(folder.parent)  # names a file standing where a folder belongs
        raise OutputError(
            f"{exc.filename or folder}: the log cannot be written "
            f"({exc.strerror or type(exc).__name__}); check that [run] out names a folder "
            "on a writable volume with free space, then run again"
        ) from None
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | (os.O_NOFOLLOW if private else 0)
    try:
        folder_fd = os.open(folder, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or folder.is_symlink():  # replaced by a link meanwhile
            raise OutputError(_linked(folder, "folder")) from None
        if exc.errno == errno.ENOTDIR:
            raise OutputError(f"{folder} is a file, not a folder: {_FIX}") from None
        raise OutputError(f"{folder} cannot be opened ({exc.strerror})") from None
    path = folder / name
    try:
        mode = AUDIT_MODE if private else RUN_LOG_MODE
        fd = os.open(name, _APPEND | os.O_NONBLOCK, mode, dir_fd=folder_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(_linked(path, "file")) from None
        if exc.errno == errno.ENXIO:  # a pipe nobody reads
            raise OutputError(_not_regular(path)) from None
        raise OutputError(
            f"{path} cannot be opened for appending ({exc.strerror}): check its permissions"
        ) from None
    finally:
        os.close(folder_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (private and info.st_nlink != 1):
            raise OutputError(_not_regular(path))
        if stat.S_IMODE(info.st_mode) != mode:
            os.fchmod(fd, mode)  # the umask took bits away, or made by an older release
        os.set_blocking(fd, True)
        return os.fdopen(fd, "a", encoding="utf-8")
    except BaseException as exc:
        os.close(fd)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path} cannot be made readable by its owner only ({exc.strerror}): "
                "it belongs to another account; ask its owner or an administrator"
            ) from None
        raise


def _not_regular(path: Path) -> str:
    return f"{path} is not a regular file with a single name (a device, pipe or hard link): {_FIX}"


def _linked(path: Path, what: str) -> str:
    return (
        f"{path} is a symbolic link: benelink writes its logs only to a real {what} there, "
        f"never through a link; {_FIX}"
    )
