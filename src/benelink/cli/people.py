"""`benelink history` and `benelink lookup`: one beneficiary's months."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from benelink.cli.app import ConfigOption, app, guarded, out
from benelink.cli.text import markup, plain
from benelink.config.load import load_config
from benelink.io.keys import load_key


@app.command(rich_help_panel="Beneficiaries")
def history(
    beneficiary: Annotated[str, typer.Option(help="The beneficiary id, B-...")],
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """Show one beneficiary's months: sources present and employment status."""
    from benelink.pipelines.history import beneficiary_history

    frame = guarded(lambda: beneficiary_history(load_config(config).out_dir, beneficiary))
    render_history(beneficiary, frame)


def render_history(beneficiary: str, frame: pd.DataFrame) -> None:
    """One beneficiary's months as a table; the values are shown as written, never as markup."""
    table = Table(title=plain(f"History of {beneficiary}"), title_justify="left")
    for column in (
        "month",
        "NAF",
        "UNHCR",
        "job seeker",
        "employment status",
        "officer",
        "governorate",
    ):
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(
            plain(row.month),
            "yes" if row.in_naf else "",
            "yes" if row.in_unhcr else "",
            "yes" if row.in_jobseekers else "",
            *(
                plain("" if pd.isna(value) else value)
                for value in (row.employment_status, row.officer, row.governorate)
            ),
        )
    out.print(table)


@app.command(rich_help_panel="Beneficiaries")
def lookup(
    source: Annotated[str, typer.Option(help="The source's name in the configuration (e.g. naf).")],
    record_id: Annotated[str, typer.Option("--id", help="The partner's own record id.")],
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """For an authorised officer holding the key: a partner record's beneficiary id and months."""
    from benelink.pipelines.lookup import lookup_record

    def action() -> Any:
        cfg = load_config(config)
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        return lookup_record(cfg, source, record_id, key)

    result = guarded(action)
    out.print(markup("beneficiary id: [bold]{id}[/]", id=result.beneficiary_id))
    render_history(result.beneficiary_id, result.history)
