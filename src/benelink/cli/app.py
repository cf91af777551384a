"""The Typer app, its consoles, and what every command shares.

No logic lives in the CLI. Every ``BenelinkError`` becomes one line on stderr
and its exit code (see ``benelink.errors``); anything else is an internal
error, reported by type only, because its message could quote a record.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, Final, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup
from typer.exceptions import Abort

from benelink.cli.text import clean
from benelink.errors import BenelinkError, UsageError

# Typer checks some values with pydantic, whose phrases mean nothing to an officer
_PYDANTIC: Final = re.compile(
    r"\b(?:Value|Assertion) error, |\s*\[type=[^\]]*\]|\s*For further information visit \S+"
)


class OneLineErrors(TyperGroup):
    """The command group, with Typer's own errors (an unknown option, a bad value) as one
    line on stderr, like benelink's: ``error: <what> (see `benelink run --help`)``, exit 2.

    Help is plain text (``rich_markup_mode=None``): no console markup eats a ``[spark]``
    in an install hint, no ``<bool>`` beside a flag, and it reads at 80 columns.
    """

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> object:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            command = exc.ctx.command_path if getattr(exc, "ctx", None) else "benelink"  # type: ignore[attr-defined]
            message = _PYDANTIC.sub("", clean(exc.format_message()))
            line = f"error: {message} (see `{command} --help`)"
            err.print(Text(line, style="bold red"), soft_wrap=True)
            sys.exit(exc.exit_code)
        except Abort:
            err.print("aborted: nothing was written", soft_wrap=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _version(show: bool) -> None:
    if show:
        from benelink import __version__

        typer.echo(f"benelink {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="benelink",
    help="Validate, pseudonymise, link and merge monthly beneficiary extracts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=OneLineErrors,
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Validate, pseudonymise, link and merge monthly beneficiary extracts."""


out = Console()
err = Console(stderr=True)
T = TypeVar("T")

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The benelink.toml configuration file.")
]
MonthOption = Annotated[
    str, typer.Option("--month", "-m", help="Month to process, YYYY-MM, or 'previous'.")
]


def resolve_month(text: str, today: date) -> str:
    """'previous' is the calendar month before ``today``; otherwise YYYY-MM as given."""
    if text == "previous":
        first = today.replace(day=1)
        year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
        return f"{year:04d}-{month:02d}"
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise UsageError(
            f"--month {text!r} is not a month: use YYYY-MM (e.g. 2026-11) or 'previous'"
        )
    return text


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cron timeout, a shutdown): stopped like Ctrl-C, staged files removed."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def failure_line(exc: BaseException) -> tuple[str, int]:
    """The one line a failure prints (and the run log records) and its exit code.

    An unexpected error is named by its type only: its message could quote a record.
    """
    if isinstance(exc, BenelinkError):
        return f"error: {clean(str(exc))}", exc.exit_code
    if isinstance(exc, Terminated):
        return "stopped by SIGTERM: nothing was written; run the command again", 143
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted: nothing was written; run the command again", 130
    return f"internal error ({type(exc).__name__}): nothing was written; please report it", 1


def guarded(action: Callable[[], T]) -> T:
    """Run a command's action; any failure becomes its one line on stderr and its exit code.

    SIGTERM is turned into an interrupt while the action runs, so a stopped run
    cleans up exactly as after Ctrl-C.
    """
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return action()
    except (Exception, KeyboardInterrupt) as exc:
        line, code = failure_line(exc)
        err.print(Text(line, style="bold red" if code else ""), soft_wrap=True)
        raise typer.Exit(code) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
