"""Entry point: ``python -m bench.scale --out bench/SCALE.md`` (``make bench-scale``).

A full ``benelink run`` (ingest to report) at 10k, 100k and 1M people, side by
side with Splink 5 (DuckDB) on the same records, each in its own subprocess on
the same machine, measured the same way (wall time; peak memory as the
process's ``VmHWM``, see ``bench.measure``).

Per size: the sample is generated once into ``<workdir>/people-<N>/incoming``
(kept and reused when ``--workdir`` is given); then, one subprocess at a time,

1. ``benelink run --quiet`` on a copy of ``config/benelink.toml`` pointed at
   that folder (per-stage seconds from the run's JSON-lines log), then
   ``benelink evaluate`` against the sample's truth for F1;
2. the shared preparation (benelink's ingest -> validate -> standardise,
   ``bench.scale prepare``), which writes the records Splink is given;
3. Splink through ``bench.worker --tool splink-refined``
   (``bench/tools/splink_refined_tool.py``: the bench's Splink with refined blocking rules),
   scored here with ``bench.quality.cluster_quality``.

Splink's own time covers training, prediction and clustering on records that
benelink's standardisation produced, so the like-for-like comparisons are
benelink's link stage vs Splink's linkage, and benelink's whole run vs Splink
plus the shared preparation.
"""

from __future__ import annotations

import argparse
import atexit
import json
import re
import secrets
import shlex
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from bench.measure import ChildRun, peak_rss_mb, run_child
from bench.quality import cluster_quality, month_truth
from bench.scale_render import Measured, render
from benelink.io.layout import OutputLayout
from benelink.progress import StageEvent
from benelink.sample import Sample
from benelink.sample.jobseekers import UNHCR_NO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_TOOLS = ("benelink", "splink")
# Splink's plain rules (bench/RESULTS.md) exhaust 23 GB and a 37 GB spill at 1M people
SPLINK_TOOL = "splink-refined"
_SIZE = re.compile(r"^(\d+)([kKmM]?)$")
_RUN_KEYS = {"incoming": '"incoming/{month}"', "out": '"out"'}
# [linkage] settings changed from config/benelink.toml: none. The shipped pair budget lowers
# the block cap where the data needs it (400 up to 100k people, 50 at 1M; docs/linkage.md).
LINKAGE_KEYS: dict[str, str] = {}


def parse_sizes(text: str) -> tuple[int, ...]:
    """``10k,100k,1M`` or plain numbers of people."""
    sizes = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        match = _SIZE.match(part)
        if match is None:
            raise SystemExit(f"--sizes: {part!r} is not a number like 10000, 10k or 1M")
        scale = {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()]
        sizes.append(int(match[1]) * scale)
    return tuple(sizes)


def write_config(
    template: Path,
    folder: Path,
    linkage: dict[str, str] | None = None,
    sample: Sample | None = None,
) -> Path:
    """The sample config with its [run] section pointed at ``folder`` and a key file there,
    and ``linkage`` (default ``LINKAGE_KEYS``) set in its [linkage] section. With the
    ``sample`` the files come from, the columns its mess added are mapped as a data officer
    would map them (the job seekers' "UNHCR No")."""
    linkage = LINKAGE_KEYS if linkage is None else linkage
    added = _added_columns(sample) if sample is not None else {}
    lines = []
    section = ""
    for line in template.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        name = stripped.split("=", 1)[0].strip()
        if section == "[run]" and name in _RUN_KEYS:
            line = f"{name} = {_RUN_KEYS[name]}"
        elif section == "[run]" and name in ("key_env", "key_file"):
            line = 'key_file = "benelink.key"'
        elif section == "[linkage]" and name in linkage:
            continue
        elif (
            mapped := re.fullmatch(r"\[sources\.(\w+)\.columns\]", section)
        ) and name in added.get(mapped[1], {}):
            continue  # the template maps it already: mapped once, as the sample has it
        lines.append(line)
        if stripped == "[linkage]":
            lines += [f"{k} = {v}" for k, v in linkage.items()]
        source = re.fullmatch(r"\[sources\.(\w+)\.columns\]", stripped)
        if source:
            lines += [f'{c} = "{header}"' for c, header in added.get(source[1], {}).items()]
    key = folder / "benelink.key"
    if not key.exists():
        key.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        key.chmod(0o600)
    path = folder / "benelink.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# columns a mess adds to a partner file, and the canonical column each is mapped to
ADDED_COLUMNS: dict[str, dict[str, str]] = {"jobseekers": {"unhcr_individual_id": UNHCR_NO}}


def _added_columns(sample: Sample) -> dict[str, dict[str, str]]:
    """Of ``ADDED_COLUMNS``, those some month of the sample's files has."""
    present: dict[str, set[str]] = {}
    for extracts in sample.extracts.values():
        for name, frame in extracts.items():
            present.setdefault(name, set()).update(map(str, frame.columns))
    return {
        name: {c: h for c, h in added.items() if h in present.get(name, set())}
        for name, added in ADDED_COLUMNS.items()
    }


def _benelink(*args: str, peak_file: Path) -> list[str]:
    """A benelink command run through ``bench.scale exec``, which records its own VmHWM."""
    return [sys.executable, "-m", "bench.scale", "exec", "--peak-file", str(peak_file), *args]


def _child(args: list[str], folder: Path, label: str, timeout_minutes: float) -> ChildRun:
    return run_child(args, timeout_minutes * 60, ROOT, folder / f"stderr-{label}.txt")


def _failure(child: ChildRun, timeout_minutes: float) -> str:
    if child.timed_out:
        return f"did not finish in {timeout_minutes:g} min"
    lines = [ln for ln in child.stderr_tail.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln]  # the cause, not a hint printed after it
    return (errors or lines)[-1][:300] if lines else f"exit code {child.returncode}"


def _peak(child: ChildRun, peak_file: Path) -> float:
    """The child's own final VmHWM when it wrote one, else what polling saw."""
    own = float(peak_file.read_text(encoding="ascii")) if peak_file.is_file() else 0.0
    return max(own, child.peak_rss_mb)


def ensure_sample(folder: Path, people: int, seed: int, month: str, timeout: float) -> float:
    """Generate the sample unless the same one is already there; returns the seconds spent."""
    marker = folder / "sample.json"
    wanted = {"people": people, "seed": seed, "month": month}
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return 0.0
    shutil.rmtree(folder / "incoming", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    args = ["sample", "--out", str(folder / "incoming"), "--people", str(people)]
    args += ["--seed", str(seed), "--months", month]
    child = _child(_benelink(*args, peak_file=folder / "peak-sample"), folder, "sample", timeout)
    if child.returncode != 0:
        raise SystemExit(f"benelink sample --people {people}: {_failure(child, timeout)}")
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return child.wall_seconds


def stage_seconds(logs: Path) -> dict[str, float]:
    """Seconds per stage from the run's JSON-lines log (the manifest is written before ``write`` ends)."""
    seconds: dict[str, float] = {}
    for path in sorted(logs.glob("run-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if event.get("event") == "stage":
                seconds[str(event["stage"])] = float(event["seconds"])
    return seconds


def measure_benelink(folder: Path, people: int, month: str, timeout: float) -> Measured:
    """``benelink run`` end to end, then ``benelink evaluate`` for its F1."""
    config = folder / "benelink.toml"
    shutil.rmtree(folder / "out", ignore_errors=True)
    peak_file = folder / "peak-run"
    peak_file.unlink(missing_ok=True)
    args = _benelink(
        "run", "--config", str(config), "--month", month, "--quiet", peak_file=peak_file
    )
    child = _child(args, folder, "run", timeout)
    row = Measured(
        people, "benelink run", seconds=child.wall_seconds, peak_mb=_peak(child, peak_file)
    )
    if child.timed_out or child.returncode != 0:
        row.status, row.error = "failed", _failure(child, timeout)
        return row
    snap = OutputLayout(folder / "out").documents(month)
    manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    report = json.loads((snap / "report.json").read_text(encoding="utf-8"))
    row.stage_seconds = stage_seconds(folder / "out" / "logs")
    row.records = sum(int(i["rows"]) - int(i["rejected_rows"]) for i in manifest["inputs"])
    row.candidate_pairs = int(report["linkage"]["candidate_pairs"])
    quality_path = folder / "quality-benelink.json"
    args = ["evaluate", "--config", str(config), "--month", month]
    args += ["--truth", str(folder / "incoming" / "truth.csv"), "--json", str(quality_path)]
    scored = _child(_benelink(*args, peak_file=folder / "peak-eval"), folder, "evaluate", timeout)
    if scored.returncode != 0:
        row.status, row.error = "unscored", _failure(scored, timeout)
        return row
    row.quality = json.loads(quality_path.read_text(encoding="utf-8"))
    return row


def measure_preparation(folder: Path, people: int, month: str, timeout: float) -> Measured:
    """ingest -> validate -> standardise in its own process: what Splink's input costs."""
    peak_file = folder / "peak-prepare"
    peak_file.unlink(missing_ok=True)
    args = [sys.executable, "-m", "bench.scale", "prepare", "--config"]
    args += [str(folder / "benelink.toml"), "--month", month, "--data", str(folder / "shared")]
    args += ["--peak-file", str(peak_file)]
    child = _child(args, folder, "prepare", timeout)
    row = Measured(people, "shared preparation", seconds=child.wall_seconds)
    row.peak_mb = _peak(child, peak_file)
    if child.timed_out or child.returncode != 0:
        row.status, row.error = "failed", _failure(child, timeout)
        return row
    meta = json.loads((folder / "shared" / "timing.json").read_text(encoding="utf-8"))
    row.stage_seconds = meta["stage_seconds"]
    row.records = int(meta["records"])
    return row


def measure_splink(folder: Path, people: int, timeout: float) -> Measured:
    """Splink on the shared records through the existing bench worker; scored here."""
    result = folder / "result-splink"
    for suffix in (".json", ".parquet"):
        result.with_suffix(suffix).unlink(missing_ok=True)
    args = [sys.executable, "-m", "bench.worker", "--tool", SPLINK_TOOL]
    args += ["--data", str(folder / "shared"), "--result", str(result)]
    child = _child(args, folder, "splink", timeout)
    row = Measured(people, "splink", seconds=child.wall_seconds, peak_mb=child.peak_rss_mb)
    if child.timed_out or child.returncode != 0 or not result.with_suffix(".json").exists():
        row.status, row.error = "failed", _failure(child, timeout)
        return row
    summary = json.loads(result.with_suffix(".json").read_text(encoding="utf-8"))
    row.peak_mb = max(row.peak_mb, float(summary["peak_rss_mb"]))
    # the exact candidate count is taken after the linkage, for the table only: not Splink's time
    row.seconds -= float(summary["notes"].get("untimed_seconds", 0.0))
    row.tool_seconds = float(summary["tool_seconds"])
    row.candidate_pairs = int(summary["candidate_pairs"])
    shared = folder / "shared"
    records = pd.read_parquet(shared / "records.parquet", columns=["uid", "source", "record_key"])
    truth = pd.read_parquet(shared / "truth.parquet")
    clusters = pd.read_parquet(result.with_suffix(".parquet"))
    row.records = len(records)
    row.quality = cluster_quality(records, clusters, truth, None)
    return row


def run_scale(
    sizes: tuple[int, ...],
    tools: tuple[str, ...],
    workdir: Path,
    *,
    seed: int = 7,
    month: str = "2026-11",
    timeout_minutes: float = 40.0,
    template: Path = ROOT / "config" / "benelink.toml",
) -> tuple[list[Measured], dict[int, float]]:
    """Every size, every tool; returns the measured rows and the generation seconds per size."""
    rows: list[Measured] = []
    generated: dict[int, float] = {}
    for people in sizes:
        folder = workdir / f"people-{people}"
        generated[people] = ensure_sample(folder, people, seed, month, timeout_minutes)
        write_config(template, folder)
        if "benelink" in tools:
            rows.append(measure_benelink(folder, people, month, timeout_minutes))
            _log(rows[-1])
        if "splink" in tools:
            rows.append(measure_preparation(folder, people, month, timeout_minutes))
            _log(rows[-1])
            if rows[-1].status == "ok":
                rows.append(measure_splink(folder, people, timeout_minutes))
                _log(rows[-1])
    return rows, generated


def _log(row: Measured) -> None:
    f1 = row.quality.get("f1")
    shown = f"F1 {f1:.3f}" if isinstance(f1, float) else row.status
    print(
        f"{row.people:>9,} {row.tool:<20} {shown:<10} {row.seconds:8.1f} s {row.peak_mb:8.0f} MB",
        file=sys.stderr,
        flush=True,
    )


# --- the two subprocess entry points ---------------------------------------------------------


def _record_peak_at_exit(peak_file: Path) -> None:
    atexit.register(lambda: peak_file.write_text(f"{peak_rss_mb():.1f}", encoding="ascii"))


def _exec(argv: list[str]) -> None:
    """Run the benelink CLI in this process, so its exact VmHWM can be written on exit."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale exec")
    parser.add_argument("--peak-file", type=Path, required=True)
    args, rest = parser.parse_known_args(argv)
    _record_peak_at_exit(args.peak_file)
    from benelink.cli import app

    app(rest, prog_name="benelink")


def _prepare(argv: list[str]) -> None:
    """The shared preparation: the run's own ingest, validate and standardise functions."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale prepare")
    for option in ("--config", "--data", "--peak-file"):
        parser.add_argument(option, type=Path, required=True)
    parser.add_argument("--month", required=True)
    args = parser.parse_args(argv)
    _record_peak_at_exit(args.peak_file)
    import benelink
    from bench.datasets import Dataset, _finish

    cfg = benelink.load_config(args.config)
    folder = cfg.incoming_dir(args.month)
    timer = _StageTimer()
    # as in `benelink run` (the same stage functions, threads and worker processes), up
    # to standardised records: Splink is given them, and tokens are benelink's own work
    standard = benelink.prepare_month(cfg, args.month, None, observer=timer).records
    seconds = timer.seconds
    records = _finish(standard, standard["source_record_id"])
    truth = pd.read_csv(folder.parent / "truth.csv", dtype=str, keep_default_na=False)
    # every record of the month (the sample has one), those validation rejected too
    truth = month_truth(truth)
    description = f"benelink sample, month {args.month}"
    Dataset("scale", "dedupe", records, truth, None, description).save(args.data)
    timing = {"stage_seconds": seconds, "records": len(records)}
    (args.data / "timing.json").write_text(json.dumps(timing, indent=2), encoding="utf-8")


class _StageTimer:
    """Hears the preparation's stages finish (a ``benelink.progress.RunObserver``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def stage_started(self, stage: str, total: int | None, unit: str) -> None:
        """Only finished stages are timed."""

    def stage_sized(self, stage: str, total: int, unit: str) -> None:
        """Only finished stages are timed."""

    def stage_advanced(self, stage: str, amount: int) -> None:
        """Only finished stages are timed."""

    def stage_finished(self, event: StageEvent) -> None:
        self.seconds[event.stage] = event.seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "SCALE.md")
    parser.add_argument("--sizes", default="10k,100k,1M", help="people per size, comma-separated")
    parser.add_argument("--tools", default=",".join(DEFAULT_TOOLS), help="benelink,splink")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--timeout-min", type=float, default=40.0, help="per subprocess")
    parser.add_argument("--workdir", type=Path, help="keep samples and outputs here (reused)")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite --out from its .json, measuring nothing"
    )
    return parser


def _render_again(out: Path) -> None:
    """SCALE.md again from the figures of the last run (after editing the notes)."""
    figures = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    rows = [Measured(**r) for r in figures["rows"]]
    generated = {int(k): float(v) for k, v in figures["generated"].items()}
    text = render(rows, figures["command"], generated, figures["timeout_minutes"], LINKAGE_KEYS)
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["exec"]:
        return _exec(argv[1:])
    if argv[:1] == ["prepare"]:
        return _prepare(argv[1:])
    args = _parser().parse_args(argv)
    if args.render_only:
        return _render_again(args.out)
    tools = tuple(t.strip() for t in args.tools.split(",") if t.strip())
    unknown = sorted(set(tools) - set(DEFAULT_TOOLS))
    if unknown:
        raise SystemExit(f"unknown tool(s) {', '.join(unknown)}; choose from benelink, splink")
    sizes = parse_sizes(args.sizes)
    with tempfile.TemporaryDirectory(prefix="benelink-scale-") as tmp:
        workdir = args.workdir or Path(tmp)
        rows, generated = run_scale(
            sizes,
            tools,
            workdir,
            seed=args.seed,
            month=args.month,
            timeout_minutes=args.timeout_min,
        )
    command = ("python -m bench.scale " + shlex.join(argv)).strip()
    text = render(rows, command, generated, args.timeout_min, LINKAGE_KEYS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    figures: dict[str, Any] = {
        "command": command,
        "generated": {str(k): v for k, v in generated.items()},
        "timeout_minutes": args.timeout_min,
        "rows": [asdict(r) for r in rows],
    }
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return None


if __name__ == "__main__":
    main()
