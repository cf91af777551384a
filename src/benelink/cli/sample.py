"""`benelink sample` and `benelink version`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from benelink import __version__
from benelink.cli.app import app, guarded, out, resolve_month
from benelink.cli.text import plain
from benelink.errors import UsageError


@app.command(rich_help_panel="Other")
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the sample into.")] = Path(
        "data/sample"
    ),
    people: Annotated[int, typer.Option(min=10, help="Number of people in the population.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    months: Annotated[
        str,
        typer.Option(help="Comma-separated months, YYYY-MM, or a range: 2026-01..2026-08."),
    ] = "2026-10,2026-11",
    mess: Annotated[
        str,
        typer.Option(
            help="How messy the files are: a preset (partner-like), name=rate pairs "
            "(naf_without_nn=0.05,dates_unhcr=0.1), both, or a TOML file; see docs/sample.md. "
            "Default none: the tidy sample.",
        ),
    ] = "none",
    churn: Annotated[
        str,
        typer.Option(
            help="How the lists move from month to month: a preset (realistic) or name=rate "
            "pairs (reregistered=0.02,moves=0.01); writes truth/<month>.csv; see docs/sample.md. "
            "Default none.",
        ),
    ] = "none",
) -> None:
    """Generate synthetic NAF, UNHCR and job-seeker extracts with a truth file."""
    from benelink.sample import generate_sample, parse_churn, parse_mess

    def action() -> Any:
        today = datetime.now(UTC).date()
        chosen = [m for part in months.split(",") for m in _expand(part.strip(), today)]
        return generate_sample(out_dir, people, seed, chosen, parse_mess(mess), parse_churn(churn))

    summary = guarded(action)
    out.print(summary)


def _expand(part: str, today: date) -> list[str]:
    """One month, or every month of ``first..last`` (both included)."""
    first, sep, last = part.partition("..")
    start = resolve_month(first.strip(), today)
    if not sep:
        return [start]
    end = resolve_month(last.strip(), today)
    year, month = int(start[:4]), int(start[5:])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    if not out:
        raise UsageError(f"--months {part}: the first month comes after the last")
    return out


@app.command(rich_help_panel="Other")
def version() -> None:
    """Print the benelink version."""
    out.print(plain(__version__))
