"""`benelink review apply`: the reviewer's decisions back into the state."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from benelink.cli.app import ConfigOption, app, guarded, out
from benelink.cli.text import plain
from benelink.config.load import load_config
from benelink.errors import UsageError
from benelink.io.layout import OutputLayout

review_app = typer.Typer(
    help="The clerical review loop for doubtful matches.", no_args_is_help=True
)
app.add_typer(review_app, name="review", rich_help_panel="Review")


@review_app.command("apply")
def review_apply(
    file: Annotated[Path, typer.Argument(help="The returned review.xlsx or review.csv.")],
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """Record a reviewer's decisions; later runs follow them.

    In the decision column choose accept or reject (in Arabic قبول or رفض), or not
    sure (غير متأكد), or leave it empty: those pairs stay in the queue. The file is
    refused, and nothing is recorded, when a decision is a formula, another word,
    or on record tokens that no run of this output folder wrote, or when a reviewer
    or date is not one. Each decision is recorded with its reviewer (else the
    account applying it), its date (else today), the time and account of applying,
    and a copy of the file, kept under restricted/applied/. Waits for no run: exit 4
    while one holds the output folder's lock.
    """
    from benelink.io.lock import run_lock
    from benelink.io.review import (
        keep_reviewed_file,
        known_tokens,
        read_decisions,
        read_review_bytes,
        read_review_file,
        write_decisions,
    )
    from benelink.io.runlog import os_user
    from benelink.pipelines.review import (
        DecisionCounts,
        decision_counts,
        merge_decisions,
        parse_decisions,
        stamped,
    )

    def action() -> tuple[pd.DataFrame, DecisionCounts, Path | None]:
        cfg = load_config(config)
        found = re.search(r"month=(\d{4}-\d{2})", str(file.resolve()))
        month = found.group(1) if found else "unknown"
        layout = OutputLayout(cfg.out_dir)
        if not layout.state.is_dir():
            raise UsageError(
                f"no run has written to {cfg.out_dir} yet, so it has no pairs to decide: "
                f"check [run] out in {cfg.path.name}"
            )
        data = read_review_bytes(file)  # read once: what is recorded is what is kept
        filled = read_review_file(file, data)
        named = [filled[c] for c in ("left_token", "right_token") if c in filled.columns]
        tokens = {str(t).strip() for column in named for t in column.dropna()} - {""}
        # under the run lock: the state is read and replaced while no run reads or writes it
        with run_lock(cfg.out_dir, month):
            decisions = parse_decisions(filled, month, str(file), known_tokens(cfg.out_dir, tokens))
            counts = decision_counts(filled)
            if decisions.empty:
                return decisions, counts, None
            now = datetime.now(UTC)
            kept = keep_reviewed_file(cfg.out_dir, month, data, file.name, now)
            decisions = stamped(
                decisions,
                applied_at=now.isoformat(timespec="seconds"),
                applied_by=os_user(),
                file=layout.shown(kept),
                file_sha256=hashlib.sha256(data).hexdigest(),
            )
            merged = merge_decisions(read_decisions(cfg.out_dir), decisions)
            return decisions, counts, write_decisions(cfg.out_dir, merged)

    decisions, counts, path = guarded(action)
    accepted = int((decisions["decision"] == "accept").sum())
    where = (
        "nothing was recorded"
        if path is None
        else f"recorded in {path} with the reviewer, date and a kept copy of the file; the "
        "next run keeps accepted pairs together and rejected pairs apart"
    )
    out.print(
        plain(
            f"decided {len(decisions):,} pair(s): {accepted:,} accepted and "
            f"{len(decisions) - accepted:,} rejected; {counts.not_sure:,} not sure and "
            f"{counts.undecided:,} left undecided (they stay in the queue); {where}"
        )
    )
