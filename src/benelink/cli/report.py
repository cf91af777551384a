"""`benelink report`: the quarterly, annual or other period report, from the snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benelink.cli.app import ConfigOption, app, guarded, out
from benelink.cli.text import markup
from benelink.config.load import load_config


@app.command(rich_help_panel="Reports")
def report(
    quarter: Annotated[str | None, typer.Option(help="A quarter, YYYY-QN (e.g. 2026-Q4).")] = None,
    year: Annotated[str | None, typer.Option(help="A calendar year, YYYY.")] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="First month, YYYY-MM (with --to).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """Write a period's report (HTML page, .xlsx workbook, JSON) to <out>/reports/<period>/.

    People served are counted once across the period's months; each month's
    flows are added up; every count below the release's k is withheld.
    """
    from benelink.io.layout import OutputLayout
    from benelink.pipelines.period import parse_period
    from benelink.pipelines.period_run import PeriodResult, run_period_report

    def action() -> PeriodResult:
        cfg = load_config(config)
        return run_period_report(cfg, parse_period(quarter, year, first, last))

    result = guarded(action)
    figures = result.report
    shown = OutputLayout(load_config(config).out_dir).shown(result.folder)
    served = figures["people_served"]["all"]
    out.print(
        markup(
            "period {period}: {n} people served over {months} month(s); report in [bold]{where}[/]",
            period=figures["period"],
            n="fewer than k" if served is None else f"{served:,}",
            months=str(len(figures["months"])),
            where=shown,
        )
    )
