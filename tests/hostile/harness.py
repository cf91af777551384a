"""What every hostile case asserts, and the workspace it runs in.

A ``Workspace`` is a copy of October's output folder, a November folder cut to
``ROWS`` rows per partner file (``tests/fixtures/bad/cases.py``) and a
configuration pointing at both. A case breaks something — a file, the state,
the configuration, the disk — runs a command through the CLI and checks the
promises of the README:

* the exit code DESIGN.md gives the failure;
* on failure, exactly one line on stderr that still reads as one line at 80
  columns, no traceback, never "internal error";
* nothing written on failure: the snapshots, the identity state and
  ``restricted/`` are byte for byte what they were (the run log and the
  rejects file sent back to the partner are the only things a failed run may
  add);
* no planted personal value in stdout, stderr or any file outside
  ``restricted/``.

Each test module of this package lists its cases in ``CASES`` (names), so the
suite's size is counted (``test_suite_size.py``).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner, Result

from benelink.cli import app
from tests.fixtures.bad.cases import (
    ARABIC_NAME,
    MONTH,
    NAME,
    NATIONAL,
    PHONE,
    UNHCR_ID,
    month_folder,
)
from tests.helpers import SAMPLE, TEST_KEY, config_for

__all__ = [
    "ARABIC_NAME",
    "MONTH",
    "NAME",
    "NATIONAL",
    "PHONE",
    "SECRETS",
    "TEST_KEY",
    "UNHCR_ID",
    "Workspace",
    "assert_clean_failure",
    "assert_no_leak",
    "october_out",
]

# every planted value a case may hide in its files; finding one outside restricted/ is a leak
SECRETS: tuple[str, ...] = (NAME, ARABIC_NAME, NATIONAL, PHONE, UNHCR_ID)
# what a failed run must leave exactly as it was
GUARDED: tuple[str, ...] = ("snapshots", "state", "restricted")
WIDTH = 80


def october_out(root: Path) -> Path:
    """Run October of the committed sample into ``root/out`` and return that folder."""
    config = config_for(SAMPLE, root / "out", root / "benelink.toml")
    result = CliRunner().invoke(
        app, ["run", "--config", str(config), "--month", "2026-10"], env={"BENELINK_KEY": TEST_KEY}
    )
    assert result.exit_code == 0, result.output
    return root / "out"


def digest(folder: Path, parts: Sequence[str] = GUARDED) -> dict[str, str]:
    """sha256 of every file (and the name of every folder) under ``folder``'s ``parts``."""
    found: dict[str, str] = {}
    for part in parts:
        top = folder / part
        if top.is_file() or top.is_symlink():
            found[part] = _file_digest(top)
            continue
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            name = str(path.relative_to(folder))
            if path.is_symlink():
                found[name] = "symlink->" + str(path.readlink())
            elif path.is_dir():
                found[name] = "dir"
            elif path.name != "run.lock":  # the lock file's content names the last holder
                found[name] = _file_digest(path)
    return found


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


@dataclass
class Workspace:
    """One case's folders: ``root/incoming/<MONTH>``, ``root/out`` (October), the config."""

    root: Path
    folder: Path
    out: Path
    config: Path

    @classmethod
    def create(cls, root: Path, october: Path | None, *, month_files: bool = True) -> Workspace:
        """A fresh workspace; ``october=None`` starts from an empty output folder."""
        folder = month_folder(root) if month_files else root / "incoming" / MONTH
        folder.mkdir(parents=True, exist_ok=True)
        out = root / "out"
        if october is not None:
            shutil.copytree(october, out, symlinks=True)
        config = config_for(root / "incoming", out, root / "benelink.toml")
        return cls(root, folder, out, config)

    def edit_config(self, change: Callable[[str], str]) -> None:
        self.config.write_text(change(self.config.read_text(encoding="utf-8")), encoding="utf-8")

    def invoke(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        with_config: bool = True,
        key: str | None = TEST_KEY,
    ) -> Result:
        """``benelink <args> --config <config>`` in-process, with the test key unless told."""
        full = [*args, "--config", str(self.config)] if with_config else list(args)
        environment = {} if key is None else {"BENELINK_KEY": key}
        environment.update(env or {})
        return CliRunner().invoke(app, full, env=environment)

    def run(self, month: str = MONTH, **kwargs: object) -> Result:
        return self.invoke("run", "--month", month, **kwargs)  # type: ignore[arg-type]

    def guarded(self) -> dict[str, str]:
        """What a failed command must not change (see ``GUARDED``)."""
        return digest(self.out)


def one_line(result: Result) -> str:
    """The single non-blank stderr line of a refused command (asserted to be one)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    return lines[0]


def assert_clean_failure(
    result: Result,
    exit_code: int,
    words: Iterable[str] = (),
    *,
    before: dict[str, str] | None = None,
    workspace: Workspace | None = None,
) -> str:
    """A refusal as the README promises it; returns the line."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if exit_code != 1:  # only a case that provokes a bug on purpose may see "internal error"
        assert "internal error" not in output, output
    assert result.exit_code == exit_code, f"exit {result.exit_code} != {exit_code}: {output}"
    line = one_line(result)
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    if before is not None:
        assert workspace is not None
        assert workspace.guarded() == before, "a failed command changed the output folder"
    return line


def output_texts(out: Path) -> Iterable[tuple[str, str]]:
    """(path, text) of every file under ``out`` except ``restricted/`` (bytes decoded leniently).

    Parquet files are read as their decoded bytes too: zstd pages are compressed,
    so tables are also read column by column as text.
    """
    if not out.is_dir():
        return
    for path in sorted(out.rglob("*")):
        if not path.is_file() or "restricted" in path.relative_to(out).parts:
            continue
        data = path.read_bytes()
        yield str(path), data.decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            try:
                table = pq.read_table(path)
            except Exception:  # a damaged file a case planted: its bytes were scanned above
                continue
            for column in table.column_names:
                values = table.column(column).to_pylist()
                yield f"{path}:{column}", "\n".join(map(str, values))
            yield f"{path}:metadata", str(table.schema)


def assert_no_leak(
    result: Result | None, out: Path, secrets: Iterable[str] = SECRETS, *extra: str
) -> None:
    """No planted value in the command's output or in any file outside ``restricted/``."""
    texts = list(output_texts(out))
    if result is not None:
        texts.append(("stdout+stderr", result.stdout + result.stderr))
    texts += [("extra", e) for e in extra]
    for secret in secrets:
        for where, text in texts:
            assert secret not in text, f"a planted personal value leaked into {where}"
