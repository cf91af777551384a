"""`benelink review apply`: the reviewer's decisions back into the state."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from benelink.cli.app import ConfigOption, app, guarded, out
from benelink.config.load import load_config

review_app = typer.Typer(
    help="The clerical review loop for doubtful matches.", no_args_is_help=True
)
app.add_typer(review_app, name="review", rich_help_panel="Review")


@review_app.command("apply")
def review_apply(
    file: Annotated[Path, typer.Argument(help="The returned review.xlsx or review.csv.")],
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """Record a reviewer's accept/reject decisions; later runs follow them."""
    from benelink.io.review import read_decisions, read_review_file, write_decisions
    from benelink.pipelines.review import merge_decisions, parse_decisions

    def action() -> tuple[int, int, Path]:
        cfg = load_config(config)
        found = re.search(r"month=(\d{4}-\d{2})", str(file.resolve()))
        month = found.group(1) if found else "unknown"
        decisions = parse_decisions(read_review_file(file), month, str(file))
        merged = merge_decisions(read_decisions(cfg.out_dir), decisions)
        path = write_decisions(cfg.out_dir, merged)
        accepted = int((decisions["decision"] == "accept").sum())
        return accepted, len(decisions) - accepted, path

    accepted, rejected, path = guarded(action)
    out.print(
        f"recorded {accepted} accepted and {rejected} rejected pair(s) in {path}; "
        "the next run keeps accepted pairs together and rejected pairs apart"
    )
