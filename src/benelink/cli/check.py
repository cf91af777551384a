"""`benelink validate` and `benelink evaluate`: checking inputs and measuring outputs."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from benelink.cli.app import ConfigOption, MonthOption, app, err, guarded, out, resolve_month
from benelink.cli.text import markup, plain
from benelink.config.load import load_config
from benelink.config.model import BenelinkConfig
from benelink.io.keys import load_key
from benelink.io.layout import OutputLayout
from benelink.pipelines.evaluate import evaluate_month
from benelink.pipelines.validate import KEPT_REASONS


@app.command(rich_help_panel="Monthly merge")
def validate(
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
) -> None:
    """Check a month's partner files without writing anything; exit 3 if one is not usable.

    Encoded files (format = "encoded") are checked as the run reads them: readable,
    of this release's encoding version, for this source name and month, and made
    under the run's key when the key is set (BENELINK_KEY or [run] key_file); without
    a key their key is not checked, and the table says so. Exit 2 when a file needs a
    change in the configuration or another key, 3 when a file is not usable.
    """
    from benelink.anonymize.keys import key_fingerprint
    from benelink.pipelines.check import check_month

    def action() -> tuple[BenelinkConfig, Any]:
        cfg = load_config(config)
        resolved = resolve_month(month, datetime.now(UTC).date())
        encoded = any(s.file_format == "encoded" for s in cfg.sources.values())
        fingerprint = None
        if encoded and _key_is_set(cfg):  # the key is only needed for encoded files
            fingerprint = key_fingerprint(load_key(cfg.run, os.environ, cfg.path.parent))
        return cfg, check_month(cfg, resolved, fingerprint)

    cfg, checks = guarded(action)
    # five narrow columns, so the table reads at 80 columns; the reason codes are listed
    # under it in full, never cut by a column's width
    table = Table(title="Partner files", title_justify="left")
    for column in ("source / file", "rows", "rejected rows", "dropped values", "verdict"):
        table.add_column(
            column,
            justify="left" if column in ("source / file", "verdict") else "right",
            overflow="fold",  # a narrow terminal wraps a file name, never cuts it off
        )
    for c in checks:
        verdict = (
            plain("unreadable", "red")
            if c.error
            else plain("ok" if c.note is None else f"ok ({c.note})", "green")
            if c.ok
            else plain(f"{c.reject_rate:.1%} rejected > limit {c.max_reject_rate:.0%}", "red")
        )
        table.add_row(
            Text.assemble(plain(c.source), "\n", plain(c.file, "dim")),
            f"{c.rows:,}",
            f"{c.rejected_rows:,}",
            f"{c.dropped_values:,}",
            verdict,
        )
    out.print(table)
    for c in checks:
        if c.reasons:
            reasons = ", ".join(
                f"{k} {v:,}" + (" (kept)" if k in KEPT_REASONS else "")
                for k, v in list(c.reasons.items())[:3]
            )
            out.print(plain(f"{c.source}: {reasons}"))
    if any(c.reasons for c in checks):
        rejects = OutputLayout(cfg.out_dir).rejects(resolve_month(month, datetime.now(UTC).date()))
        out.print(
            plain(
                "(kept): the row stays, the value is dropped and counted; `benelink run` "
                f"lists every row and reason in {rejects}"
            )
        )
    unchecked = [c.file for c in checks if c.ok and c.note is not None]
    if unchecked:
        where = f"environment variable {cfg.run.key_env}" if cfg.run.key_env else "[run] key_file"
        out.print(
            plain(
                f"the key of {', '.join(unchecked)} was not checked: set {where} to check "
                "that it was encoded under the run's key"
            )
        )
    for c in checks:
        if not c.ok:
            err.print(
                markup("[bold red]error:[/] {problem}", problem=c.problem or ""), soft_wrap=True
            )
    if not all(c.ok for c in checks):
        raise typer.Exit(2 if any(c.error and c.exit_code == 2 for c in checks) else 3)


def _key_is_set(cfg: BenelinkConfig) -> bool:
    """Whether the configuration's key is at hand (not whether it is any good)."""
    if cfg.run.key_env is not None and cfg.run.key_env in os.environ:
        return True
    return cfg.run.key_file is not None


@app.command(rich_help_panel="Monthly merge")
def evaluate(
    truth: Annotated[Path, typer.Option(help="Truth CSV: source, source_record_id, person_id.")],
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures as JSON here.")
    ] = None,
) -> None:
    """Pairwise precision, recall and F1 of a month's snapshot against a truth file.

    Scored over every record of the month the truth names: a record whose row
    validation rejected is a person linked to no one (its true pairs are missed).
    The figures over the kept records only are shown beside them.
    """
    import json

    def action() -> dict[str, Any]:
        cfg = load_config(config)
        resolved = resolve_month(month, datetime.now(UTC).date())
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        return evaluate_month(cfg, resolved, truth, key).to_dict()

    figures = guarded(action)
    kept = figures["kept_only"]
    table = Table(
        title="Linkage quality (pairwise, over every record of the month)",
        title_justify="left",
        caption="P precision, R recall; kept only: over the records validation kept",
        caption_justify="left",
    )
    for column in ("records", "P", "R", "F1", "F1 kept only", "true pairs", "linked pairs"):
        left = column == "records"
        table.add_column(column, justify="left" if left else "right", no_wrap=left)
    rows = [("all", figures, kept)] + [
        (name, f, kept["by_source_pair"].get(name, f))
        for name, f in sorted(figures["by_source_pair"].items())
    ]
    for name, f, k in rows:
        table.add_row(
            plain(name),
            f"{f['precision']:.4f}",
            f"{f['recall']:.4f}",
            f"{f['f1']:.4f}",
            f"{k['f1']:.4f}",
            f"{f['truth_pairs']:,}",
            f"{f['predicted_pairs']:,}",
        )
    out.print(table)
    missing = figures["records_missing"]
    counted = ", ".join(
        f"{s} {missing.get(s, 0):,} of {n:,}" for s, n in figures["records"].items()
    )
    out.print(
        plain(
            f"records of the truth not in the snapshot (rejected, scored as linked to no "
            f"one): {counted or 'none'}"
        )
    )
    whole = [s for s, scope in figures["truth_scope"].items() if scope == "truth_file"]
    if whole:
        out.print(
            plain(
                f"the month's file of {', '.join(whole)} could not be read: every record the "
                "truth names for it was scored as a record of the month"
            )
        )
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
