"""`benelink validate` and `benelink evaluate`: checking inputs and measuring outputs."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from benelink.anonymize.keys import load_key
from benelink.cli.app import ConfigOption, MonthOption, app, err, guarded, out, resolve_month
from benelink.config.load import load_config
from benelink.pipelines.evaluate import evaluate_month


@app.command(rich_help_panel="Monthly merge")
def validate(
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
) -> None:
    """Check a month's partner files without writing anything; exit 3 if one is not usable."""
    from benelink.pipelines.check import check_month

    def action() -> Any:
        cfg = load_config(config)
        return check_month(cfg, resolve_month(month, datetime.now(UTC).date()))

    checks = guarded(action)
    table = Table(title="Partner files", title_justify="left")
    for column in (
        "source",
        "file",
        "rows",
        "rejected rows",
        "dropped values",
        "main reasons",
        "verdict",
    ):
        table.add_column(
            column,
            justify="right" if column in ("rows", "rejected rows", "dropped values") else "left",
        )
    for c in checks:
        reasons = "\n".join(f"{k} {v:,}" for k, v in list(c.reasons.items())[:3])
        verdict = (
            "[red]unreadable[/]"
            if c.error
            else "[green]ok[/]"
            if c.ok
            else f"[red]{c.reject_rate:.1%} rejected > limit {c.max_reject_rate:.0%}[/]"
        )
        table.add_row(
            c.source,
            c.file,
            f"{c.rows:,}",
            f"{c.rejected_rows:,}",
            f"{c.dropped_values:,}",
            reasons,
            verdict,
        )
    out.print(table)
    for c in checks:
        if not c.ok:
            err.print(
                f"[bold red]error:[/] {escape(c.problem or '')}", highlight=False, soft_wrap=True
            )
    if not all(c.ok for c in checks):
        raise typer.Exit(3)


@app.command(rich_help_panel="Monthly merge")
def evaluate(
    truth: Annotated[Path, typer.Option(help="Truth CSV: source, source_record_id, person_id.")],
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures as JSON here.")
    ] = None,
) -> None:
    """Pairwise precision, recall and F1 of a month's snapshot against a truth file."""
    import json

    def action() -> dict[str, Any]:
        cfg = load_config(config)
        resolved = resolve_month(month, datetime.now(UTC).date())
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        return evaluate_month(cfg, resolved, truth, key).to_dict()

    figures = guarded(action)
    table = Table(title="Linkage quality (pairwise)", title_justify="left")
    for column in ("records", "precision", "recall", "F1", "true pairs", "predicted pairs"):
        table.add_column(column, justify="left" if column == "records" else "right")
    rows = [("all", figures), *sorted(figures["by_source_pair"].items())]
    for name, f in rows:
        table.add_row(
            name,
            f"{f['precision']:.4f}",
            f"{f['recall']:.4f}",
            f"{f['f1']:.4f}",
            f"{f['truth_pairs']:,}",
            f"{f['predicted_pairs']:,}",
        )
    out.print(table)
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
