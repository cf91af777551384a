"""`benelink sample` and `benelink version`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from benelink import __version__
from benelink.cli.app import app, guarded, out, resolve_month
from benelink.cli.text import plain


@app.command(rich_help_panel="Other")
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the sample into.")] = Path(
        "data/sample"
    ),
    people: Annotated[int, typer.Option(min=10, help="Number of people in the population.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    months: Annotated[
        str, typer.Option(help="Comma-separated months, YYYY-MM.")
    ] = "2026-10,2026-11",
    mess: Annotated[
        str,
        typer.Option(
            help="How messy the files are: a preset (partner-like), name=rate pairs "
            "(naf_without_nn=0.05,dates_unhcr=0.1), both, or a TOML file; see docs/sample.md. "
            "Default none: the tidy sample.",
        ),
    ] = "none",
) -> None:
    """Generate synthetic NAF, UNHCR and job-seeker extracts with a truth file."""
    from benelink.sample import generate_sample, parse_mess

    def action() -> Any:
        chosen = [resolve_month(m.strip(), datetime.now(UTC).date()) for m in months.split(",")]
        return generate_sample(out_dir, people, seed, chosen, parse_mess(mess))

    summary = guarded(action)
    out.print(summary)


@app.command(rich_help_panel="Other")
def version() -> None:
    """Print the benelink version."""
    out.print(plain(__version__))
