"""Everything a run writes is staged beside its final place, then moved in together.

A month writes its identity registry (``state/``), its review queue
(``restricted/``) and its snapshot (``snapshots/``). Written one after the
other, a full disk or a read-only ``restricted/`` after the first would leave a
registry and a snapshot for a run that then reports failure. So each piece is
first written complete into a hidden sibling (``.incomplete-<name>-<random>``),
flushed to disk, and only when every piece is staged are they renamed into
place, in a fixed order; a rename that fails puts back what the earlier ones
replaced. A run killed at any moment leaves hidden leftovers only, which
``remove_leftovers`` clears (or restores) before the next run writes.

Modes are set explicitly, whatever the umask: what analysts read is readable
by all (folders 0755, files 0644), what holds tokens or names is its owner's
alone (0700 / 0600).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

from benelink.errors import OutputError
from benelink.io.layout import OutputLayout

STAGING_PREFIX: Final = ".incomplete-"
REPLACED_PREFIX: Final = ".replaced-"
SHARED_DIR: Final = 0o755
SHARED_FILE: Final = 0o644
PRIVATE_DIR: Final = 0o700
PRIVATE_FILE: Final = 0o600
_NESTED: Final = "~"  # joins the parts of a piece's path below its staging home


def make_dirs(folder: Path, mode: int, created: list[Path] | None = None) -> Path:
    """``folder`` and its missing parents, each new one with exactly ``mode``.

    Folders made here are appended to ``created`` (outermost first), so a
    failed run can take them away again.
    """
    missing: list[Path] = []
    at = folder
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=mode)
        except FileExistsError:
            if not path.is_dir():
                raise
            continue
        os.chmod(path, mode)
        if created is not None:
            created.append(path)
    if not folder.is_dir():
        raise NotADirectoryError(20, "not a folder", str(folder))
    return folder


def fsync_tree(folder: Path) -> None:
    """Flush every file of ``folder`` (one level) and the folder itself to disk."""
    for path in folder.iterdir():
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(parent: Path, name: str | None = None) -> None:
    """Clear what a killed run left in ``parent`` (for the piece called ``name`` only, if
    given): staged pieces are removed, a piece caught between its two renames is put back.

    A piece staged away from its own folder (``StagedWrites.folder(..., home=...)``)
    carries its path below ``home`` in its name, its parts joined by ``~``.
    """
    if not parent.is_dir():
        return
    for child in sorted(parent.iterdir()):
        for prefix in (STAGING_PREFIX, REPLACED_PREFIX):
            if not child.name.startswith(prefix):
                continue
            tag = child.name[len(prefix) :].rsplit("-", 1)[0]
            if name is not None and tag != name:
                continue
            original = parent.joinpath(*tag.split(_NESTED))
            if prefix == STAGING_PREFIX or original.exists() or original.is_symlink():
                _remove(child)
            else:
                make_dirs(original.parent, SHARED_DIR)
                child.rename(original)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass
class _Piece:
    order: int
    staged: Path
    final: Path
    home: Path  # where the piece is staged and set aside: beside it, or an ancestor
    tag: str  # its path below ``home``, as the staged and set-aside names carry it


class StagedWrites:
    """Pieces written beside their final place and moved in together by :meth:`commit`.

    Used as a context manager: leaving the block without a commit (an error, an
    interrupt) removes every staged piece and every folder made for them.
    Staging may happen on several threads at once.
    """

    def __init__(self) -> None:
        self._pieces: list[_Piece] = []
        self._created: list[Path] = []
        self._lock = threading.Lock()
        self._committed = False

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.discard()

    def folder(
        self, final: Path, *, order: int, mode: int = SHARED_DIR, home: Path | None = None
    ) -> Path:
        """A new hidden folder beside ``final`` to write the piece into; returns it.

        ``home``, an ancestor of ``final``, stages it there instead (and sets a
        replaced piece aside there): a month of a table is staged beside the
        tables, never inside the table's folder, where a reader's glob would meet it.
        """
        staged = self._place(final, order, mode, home)
        staged.mkdir(mode=mode)
        os.chmod(staged, mode)
        return staged

    def file(self, final: Path, *, order: int, mode: int = SHARED_FILE) -> Path:
        """A hidden path beside ``final`` to write the file into (the caller writes it and
        then calls ``seal``); returns it."""
        return self._place(final, order, mode)

    def _place(self, final: Path, order: int, mode: int, home: Path | None = None) -> Path:
        parent_mode = PRIVATE_DIR if mode in (PRIVATE_DIR, PRIVATE_FILE) else SHARED_DIR
        home = home or final.parent
        tag = _NESTED.join(final.relative_to(home).parts)
        with self._lock:
            make_dirs(final.parent, parent_mode, self._created)
        remove_leftovers(home, tag)
        staged = home / f"{STAGING_PREFIX}{tag}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._pieces.append(_Piece(order, staged, final, home, tag))
        return staged

    @staticmethod
    def seal(path: Path, mode: int) -> None:
        """Give a staged file its mode and flush it (a staged folder: every file in it)."""
        if path.is_dir():
            for child in path.iterdir():
                os.chmod(child, mode)
            fsync_tree(path)
        else:
            os.chmod(path, mode)
            with path.open("rb") as handle:
                os.fsync(handle.fileno())

    def commit(self) -> None:
        """Rename every staged piece into place, lowest ``order`` first (then by path:
        pieces staged on threads arrive in any order).

        A piece that already exists is first renamed aside and removed only
        when all pieces are in place; if a rename fails, the pieces already
        moved are taken back and what they replaced is restored.
        """
        done: list[tuple[_Piece, Path | None]] = []
        try:
            for piece in sorted(self._pieces, key=lambda p: (p.order, str(p.final))):
                aside: Path | None = None
                if piece.final.exists() or piece.final.is_symlink():
                    aside = piece.home / f"{REPLACED_PREFIX}{piece.tag}-{uuid.uuid4().hex[:8]}"
                    piece.final.rename(aside)
                try:
                    piece.staged.rename(piece.final)
                except BaseException:
                    if aside is not None:
                        aside.rename(piece.final)
                    raise
                done.append((piece, aside))
        except BaseException:
            for piece, aside in reversed(done):
                piece.final.rename(piece.staged)
                if aside is not None:
                    aside.rename(piece.final)
            raise
        self._committed = True
        for piece, aside in done:
            if aside is not None:
                _remove(aside)
            fsync_dir(piece.final.parent)
            if piece.home != piece.final.parent:
                fsync_dir(piece.home)

    def discard(self) -> None:
        """Remove every staged piece and the folders made for them (innermost first)."""
        for piece in self._pieces:
            _remove(piece.staged)
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):  # not empty: something else lives there now
                folder.rmdir()
        self._pieces.clear()
        self._created.clear()


_FIXES: Final[dict[int, str]] = {
    errno.ENOSPC: "free space on that volume (or point [run] out at another one)",
    errno.EDQUOT: "free space within your quota (or point [run] out at another volume)",
    errno.EFBIG: "free space or raise the file-size limit of the user running benelink",
    errno.EROFS: "the volume is read-only: make it writable (or point [run] out elsewhere)",
    errno.EACCES: "give the user running benelink write permission there",
    errno.EPERM: "give the user running benelink write permission there",
    errno.ENOTDIR: "a file stands where benelink needs a folder: move that file away",
    errno.EEXIST: "a file stands where benelink needs a folder: move that file away",
    errno.EISDIR: "a folder stands where benelink writes a file: move that folder away",
}


def check_output_folder(out_dir: Path) -> None:
    """Stop before any work when the output folder cannot take the month's files."""
    for path in OutputLayout(out_dir).folders():
        if (path.exists() or path.is_symlink()) and not path.is_dir():
            raise OutputError(
                f"{path} is a file, not a folder: move it away (benelink writes a folder "
                "there) or point [run] out elsewhere, then run again"
            )
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if os.statvfs(existing).f_flag & os.ST_RDONLY:
        raise OutputError(
            f"{existing} is on a read-only volume: make it writable or point [run] out at "
            "a writable folder, then run again"
        )


def cannot_write(exc: OSError, month: str) -> OutputError:
    """The one line for an output that could not be written; the month was not written."""
    where = exc.filename or "the output folder"
    reason = exc.strerror or type(exc).__name__
    fix = _FIXES.get(exc.errno or 0, "check the output folder and its volume")
    return OutputError(
        f"{where}: cannot be written ({reason}); {fix}, then run again - no snapshot was "
        f"written for {month}"
    )
