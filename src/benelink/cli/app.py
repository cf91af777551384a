"""The Typer app, its consoles, and what every command shares.

No logic lives in the CLI. Every ``BenelinkError`` becomes one line on stderr
and its exit code (see ``benelink.errors``); anything else is an internal
error, reported by type only, because its message could quote a record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from benelink.errors import BenelinkError, UsageError

app = typer.Typer(
    name="benelink",
    help="Validate, pseudonymise, link and merge monthly beneficiary extracts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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


def guarded(action: Callable[[], T]) -> T:
    try:
        return action()
    except BenelinkError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted: nothing was written for this month")
        raise typer.Exit(130) from None
    except Exception as exc:
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__} — please report it; "
            "no snapshot was written for this month",
            highlight=False,
        )
        raise typer.Exit(1) from None
