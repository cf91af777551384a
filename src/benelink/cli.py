"""The benelink command line: parse arguments, call a pipeline, render the result.

No logic lives here. Every ``BenelinkError`` becomes one line on stderr and
its exit code (see ``benelink.errors``); anything else is an internal error,
reported by type only, because its message could quote a record.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from benelink import __version__
from benelink.anonymize.keys import generate_key, load_key
from benelink.config.load import load_config
from benelink.errors import BenelinkError, UsageError
from benelink.io.runlog import RunLog
from benelink.pipelines.evaluate import evaluate_month
from benelink.pipelines.monthly import MonthResult, run_month
from benelink.pipelines.progress import Observers, StageEvent

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


def _guarded(action: Callable[[], T]) -> T:
    try:
        return action()
    except BenelinkError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
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


@app.command()
def run(
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
    quiet: Annotated[bool, typer.Option(help="Print errors only (for cron).")] = False,
) -> None:
    """Run the monthly merge and write snapshots/month=YYYY-MM/."""

    def action() -> MonthResult:
        cfg = load_config(config)
        resolved = resolve_month(month, datetime.now(UTC).date())
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        log = RunLog(cfg.out_dir, resolved)
        log.write("run_started", month=resolved, version=__version__)
        try:
            if quiet:
                result = run_month(cfg, resolved, key, observer=log)
            else:
                out.print(f"[bold]benelink {__version__}[/] — monthly merge for {resolved}")
                with RichProgress(out) as bars:
                    result = run_month(cfg, resolved, key, observer=Observers([log, bars]))
            log.write(
                "run_finished",
                month=resolved,
                beneficiaries=result.report["beneficiaries"]["total"],
                exit_code=0,
            )
            return result
        except BaseException as exc:
            code = exc.exit_code if isinstance(exc, BenelinkError) else 1
            log.write("run_failed", error=type(exc).__name__, exit_code=code)
            raise
        finally:
            log.close()

    result = _guarded(action)
    if not quiet:
        render_summary(result)


class RichProgress:
    """Progress bars on the officer's screen, one per stage, with counts."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description:<13}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def stage_started(self, stage: str, total: int | None, unit: str) -> None:
        self.tasks[stage] = self.progress.add_task(stage, total=total, unit=unit if total else "")

    def stage_advanced(self, stage: str, amount: int) -> None:
        self.progress.advance(self.tasks[stage], amount)

    def stage_finished(self, event: StageEvent) -> None:
        task = self.tasks[event.stage]
        total = self.progress.tasks[task].total
        self.progress.update(task, total=total or 1, completed=total or 1)


def render_summary(result: MonthResult) -> None:
    """The officer's summary: inputs, rejects, links, beneficiaries, where things went."""
    report: dict[str, Any] = result.report
    inputs = Table(title="Inputs", title_justify="left")
    for column in ("source", "file", "rows", "rejected", "sha256"):
        inputs.add_column(column, justify="right" if column in ("rows", "rejected") else "left")
    for item in report["inputs"]:
        inputs.add_row(
            item["source"],
            item["file"],
            f"{item['rows']:,}",
            f"{item['rejected_rows']:,}",
            item["sha256"][:12],
        )
    out.print(inputs)
    linkage = report["linkage"]
    links = Table(title="Links", title_justify="left")
    links.add_column("measure")
    links.add_column("value", justify="right")
    links.add_row("candidate pairs compared", f"{linkage['candidate_pairs']:,}")
    links.add_row(f"matches (p ≥ {linkage['match_threshold']})", f"{linkage['matches']:,}")
    links.add_row(f"review band (p ≥ {linkage['review_threshold']})", f"{linkage['review_band']:,}")
    for pair, decisions in linkage["links_by_source_pair"].items():
        links.add_row(f"  {pair}", ", ".join(f"{k} {v:,}" for k, v in decisions.items()))
    out.print(links)
    people = report["beneficiaries"]
    table = Table(title="Beneficiaries", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("total", f"{people['total']:,}")
    for combo, n in people["by_sources"].items():
        table.add_row(f"  in {combo}", f"{n:,}")
    table.add_row(
        "new / continuing / exited",
        f"{people['new']:,} / {people['continuing']:,} / {people['exited']:,}",
    )
    table.add_row("merges / splits", f"{len(people['merges'])} / {len(people['splits'])}")
    table.add_row("with conflicting ids", f"{people['with_conflict']:,}")
    out.print(table)
    out.print(f"snapshot: [bold]{result.snapshot}[/]")


@app.command()
def validate(
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
) -> None:
    """Check a month's partner files without writing anything; exit 3 if one is not usable."""
    from benelink.pipelines.check import check_month

    def action() -> Any:
        cfg = load_config(config)
        return check_month(cfg, resolve_month(month, datetime.now(UTC).date()))

    checks = _guarded(action)
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
        if c.error:
            err.print(f"[bold red]error:[/] {c.error}", highlight=False, soft_wrap=True)
    if not all(c.ok for c in checks):
        raise typer.Exit(3)


@app.command()
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

    figures = _guarded(action)
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


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the sample into.")] = Path(
        "data/sample"
    ),
    people: Annotated[int, typer.Option(min=10, help="Number of people in the population.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    months: Annotated[
        str, typer.Option(help="Comma-separated months, YYYY-MM.")
    ] = "2026-10,2026-11",
) -> None:
    """Generate synthetic NAF, UNHCR and job-seeker extracts with a truth file."""
    from benelink.sample import generate_sample

    def action() -> Any:
        chosen = [resolve_month(m.strip(), datetime.now(UTC).date()) for m in months.split(",")]
        return generate_sample(out_dir, people, seed, chosen)

    summary = _guarded(action)
    out.print(summary)


@app.command()
def history(
    beneficiary: Annotated[str, typer.Option(help="The beneficiary id, B-...")],
    config: ConfigOption = Path("config/benelink.toml"),
) -> None:
    """Show one beneficiary's months: sources present and employment status."""
    from benelink.pipelines.history import beneficiary_history

    frame = _guarded(lambda: beneficiary_history(load_config(config).out_dir, beneficiary))
    render_history(beneficiary, frame)


def render_history(beneficiary: str, frame: pd.DataFrame) -> None:
    """One beneficiary's months as a table."""
    table = Table(title=f"History of {beneficiary}", title_justify="left")
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
            str(row.month),
            "yes" if row.in_naf else "",
            "yes" if row.in_unhcr else "",
            "yes" if row.in_jobseekers else "",
            "" if pd.isna(row.employment_status) else str(row.employment_status),
            "" if pd.isna(row.officer) else str(row.officer),
            "" if pd.isna(row.governorate) else str(row.governorate),
        )
    out.print(table)


review_app = typer.Typer(
    help="The clerical review loop for doubtful matches.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


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

    accepted, rejected, path = _guarded(action)
    out.print(
        f"recorded {accepted} accepted and {rejected} rejected pair(s) in {path}; "
        "the next run keeps accepted pairs together and rejected pairs apart"
    )


@app.command("rotate-key")
def rotate_key_command(
    months: Annotated[
        str, typer.Option(help="Comma-separated months whose partner files are still at hand.")
    ],
    config: ConfigOption = Path("config/benelink.toml"),
    new_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the new key.")
    ] = "BENELINK_NEW_KEY",
) -> None:
    """Change the secret key, re-keying the identity registry so ids carry on."""
    from benelink.anonymize.keys import parse_key
    from benelink.pipelines.rotate import rotate_key

    def action() -> Any:
        cfg = load_config(config)
        chosen = [resolve_month(m.strip(), datetime.now(UTC).date()) for m in months.split(",")]
        old_key = load_key(cfg.run, os.environ, cfg.path.parent)
        if new_key_env not in os.environ:
            raise UsageError(
                f"set {new_key_env} to the new key (create one with `benelink keygen`)"
            )
        new_key = parse_key(os.environ[new_key_env], f"environment variable {new_key_env}")
        return rotate_key(cfg, chosen, old_key, new_key)

    result = _guarded(action)
    out.print(
        f"registry re-keyed: {result.registry_files} file(s), key {result.old_fingerprint} → "
        f"{result.new_fingerprint}; newest registry: {result.rekeyed:,} records re-keyed, "
        f"{result.not_rekeyed:,} not found in the files of {months} (they will count as new "
        "if they return). From now on run with the new key."
    )


@app.command()
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

    result = _guarded(action)
    out.print(f"beneficiary id: [bold]{result.beneficiary_id}[/]")
    render_history(result.beneficiary_id, result.history)


@app.command()
def keygen(
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the new key file.")],
) -> None:
    """Write a new random 256-bit key to a file readable by its owner only (0600)."""

    def action() -> None:
        if out_path.exists():
            raise UsageError(
                f"{out_path} exists already: a key is never overwritten; choose another path"
            )
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(generate_key() + "\n")

    _guarded(action)
    out.print(
        f"key written to {out_path} (mode 0600). Keep it safe: without it tokens cannot be recomputed."
    )


@app.command()
def version() -> None:
    """Print the benelink version."""
    out.print(__version__)


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
