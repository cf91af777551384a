"""`benelink run`: the monthly merge, with progress bars and the officer's summary."""

from __future__ import annotations

import os
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
)
from rich.table import Table
from rich.text import Text

from benelink import __version__
from benelink.cli.app import (
    ConfigOption,
    MonthOption,
    app,
    failure_line,
    guarded,
    out,
    resolve_month,
)
from benelink.cli.text import clean, markup, plain
from benelink.config.load import load_config
from benelink.config.model import BenelinkConfig
from benelink.errors import BenelinkError
from benelink.io.keys import load_key
from benelink.io.runlog import RunLog
from benelink.pipelines.monthly import Engine, MonthResult, run_month
from benelink.progress import Observers, StageEvent
from benelink.schemas.documents import LinkageSection


@app.command(rich_help_panel="Monthly merge")
def run(
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
    quiet: Annotated[bool, typer.Option(help="Print errors only (for cron).")] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            help="Where the link stage runs: local, or spark (pip install 'benelink[spark]')."
        ),
    ] = "local",
    spark_master: Annotated[
        str,
        typer.Option(help="Spark master with --engine spark: local[N], spark://host:7077, yarn."),
    ] = "local[2]",
    refit_model: Annotated[
        bool,
        typer.Option(
            "--refit-model",
            help="Fit the link model again on this month's data instead of keeping the "
            "model of earlier months (docs/linkage.md).",
        ),
    ] = False,
) -> None:
    """Run the monthly merge: the month's tables in snapshots/, its report in reports/."""

    def action() -> MonthResult:
        cfg = load_config(config)  # before it, there is no output folder to log into
        if refit_model:
            linkage = cfg.linkage.model_copy(update={"refit_model": True})
            cfg = cfg.model_copy(update={"linkage": linkage})
        return _logged_run(cfg, month, quiet, engine, spark_master, rebuilding=False)

    result = guarded(action)
    if not quiet:
        render_summary(result)


@app.command(rich_help_panel="Monthly merge")
def rebuild(
    start: Annotated[
        str,
        typer.Option("--from", help="The first month to run again, YYYY-MM; later months follow."),
    ],
    config: ConfigOption = Path("config/benelink.toml"),
    quiet: Annotated[bool, typer.Option(help="Print errors only (for cron).")] = False,
) -> None:
    """Run a month and every later month again, in order (after a month was run out of
    order, or its files were replaced)."""
    from benelink.pipelines.order import rebuild as rebuild_months

    def action() -> list[tuple[str, object]]:
        cfg = load_config(config)
        first = resolve_month(start, datetime.now(UTC).date())
        return rebuild_months(
            cfg,
            first,
            lambda m: _logged_run(cfg, m, quiet, "local", "local[2]", rebuilding=True),
        )

    done = guarded(action)
    if not quiet:
        out.print(plain(f"rebuilt {len(done)} month(s): {', '.join(m for m, _ in done)}"))


def _model_line(linkage: LinkageSection) -> list[tuple[str, str]]:
    """The summary's line on the link model (kept from a month, or fitted now)."""
    model = linkage.get("model")
    if model is None:
        return []
    when = f"fitted in {model['fitted_month']}"
    return [(f"link model ({model['status']})", f"{when}: {model['reason']}")]


def _logged_run(
    cfg: BenelinkConfig,
    month: str,
    quiet: bool,
    engine: Engine,
    spark_master: str,
    *,
    rebuilding: bool,
) -> MonthResult:
    """One month's run with its JSON-lines log (opened first: a run that fails to start,
    on a month that is not one or a missing or weak key, logs too) and, unless quiet, its
    progress bars. ``month`` is as given (``previous`` or YYYY-MM)."""
    try:
        resolved = resolve_month(month, datetime.now(UTC).date())
    except BenelinkError:
        resolved = None
    log = RunLog(cfg.out_dir, resolved or "invalid-month")
    log.write(
        "run_started", month=resolved or clean(month)[:40], version=__version__, rebuild=rebuilding
    )
    try:
        month = resolve_month(month, datetime.now(UTC).date())
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        if not quiet:
            out.print(
                markup(
                    "[bold]benelink {version}[/] — monthly merge for {month}",
                    version=__version__,
                    month=month,
                )
            )
        with nullcontext(None) if quiet else RichProgress(out) as bars:
            observer = log if bars is None else Observers([log, bars])
            result = run_month(
                cfg,
                month,
                key,
                observer=observer,
                engine=engine,
                spark_master=spark_master,
                rebuilding=rebuilding,
            )
        log.write(
            "run_finished",
            month=month,
            beneficiaries=result.report["beneficiaries"]["total"],
            exit_code=0,
        )
        return result
    except BaseException as exc:
        line, code = failure_line(exc)
        log.write("run_failed", error=type(exc).__name__, message=line, exit_code=code)
        raise
    finally:
        log.close()


class StageTime(ProgressColumn):
    """A stage's time in tenths of a second: most stages of a small month take under one,
    which Rich's own clock shows as 0:00:00."""

    def render(self, task: Task) -> Text:
        # the stage's own time once it is over: a bar can fill before its stage ends (the
        # link stage scores and clusters after the last pair is compared)
        elapsed = task.fields.get("seconds") or task.elapsed
        if elapsed is None:
            return Text("–")
        if elapsed < 60:
            return Text(f"{elapsed:.1f} s")
        minutes, seconds = divmod(int(elapsed), 60)
        return Text(f"{minutes} min {seconds:02d} s")


class RichProgress:
    """Progress bars on the officer's screen, one per stage, with counts."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description:<13}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            StageTime(),
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
        self.tasks[stage] = self.progress.add_task(
            stage, total=total, unit=unit if total else "", seconds=None
        )

    def stage_sized(self, stage: str, total: int, unit: str) -> None:
        self.progress.update(self.tasks[stage], total=total, unit=unit)

    def stage_advanced(self, stage: str, amount: int) -> None:
        self.progress.advance(self.tasks[stage], amount)

    def stage_finished(self, event: StageEvent) -> None:
        task = self.tasks[event.stage]
        total = self.progress.tasks[task].total
        self.progress.update(task, total=total or 1, completed=total or 1, seconds=event.seconds)


def _measures(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for row in rows:  # source names come from the configuration: shown as written
        table.add_row(*(plain(cell) for cell in row))
    return table


def render_summary(result: MonthResult) -> None:
    """The officer's summary: inputs, rejects, links, beneficiaries, where things went.

    Source and file names come from the configuration, so every value is shown as
    plain text (``cli.text``): markup-like names print as written.
    """
    report = result.report
    inputs = Table(title="Inputs", title_justify="left")
    for column in ("source", "file", "rows", "rejected", "sha256"):
        inputs.add_column(
            column,
            justify="right" if column in ("rows", "rejected") else "left",
            overflow="fold",  # a narrow terminal wraps a file name, never cuts it off
        )
    for item in report["inputs"]:
        inputs.add_row(
            plain(item["source"]),
            plain(item["file"]),
            f"{item['rows']:,}",
            f"{item['rejected_rows']:,}",
            plain(item["sha256"][:12]),
        )
    out.print(inputs)
    linkage = report["linkage"]
    out.print(
        _measures(
            "Links",
            [
                ("candidate pairs compared", f"{linkage['candidate_pairs']:,}"),
                (f"matches (p ≥ {linkage['match_threshold']})", f"{linkage['matches']:,}"),
                (f"review band (p ≥ {linkage['review_threshold']})", f"{linkage['review_band']:,}"),
                *_model_line(linkage),
                *[
                    (f"  {pair}", ", ".join(f"{k} {v:,}" for k, v in decisions.items()))
                    for pair, decisions in linkage["links_by_source_pair"].items()
                ],
            ],
        )
    )
    people = report["beneficiaries"]
    changes = f"{people['new']:,} / {people['continuing']:,} / {people['returning']:,} / {people['exited']:,}"
    out.print(
        _measures(
            "Beneficiaries",
            [
                ("total", f"{people['total']:,}"),
                *[(f"  in {combo}", f"{n:,}") for combo, n in people["by_sources"].items()],
                ("new / continuing / returning / exited", changes),
                ("  re-registered (kept their id)", f"{people.get('re_registered', 0):,}"),
                ("merges / splits", f"{len(people['merges'])} / {len(people['splits'])}"),
                ("with conflicting ids", f"{people['with_conflict']:,}"),
            ],
        )
    )
    review = report["review"]
    out_dir = result.snapshot.parent.parent  # reports/month=YYYY-MM/ lies in the output folder
    out.print(
        markup(
            "review queue: {n} pairs in [bold]{file}[/] ({settle} decisions settle the month)",
            n=f"{review['queue']:,}",
            file=_shown(out_dir / review["queue_file"]),
            settle=f"{review['decisions_to_settle']:,}",
        )
    )
    out.print(
        markup(
            "tables: [bold]{tables}[/]; report to send on: [bold]{report}[/]",
            tables=_shown(out_dir / "snapshots"),
            report=_shown(result.snapshot / "report.html"),
        )
    )


def _shown(path: Path) -> str:
    """A path as the officer types it: relative to the current folder when under it, as
    the README spells them (out/restricted/review/...)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
