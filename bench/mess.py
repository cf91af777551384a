"""Entry point: ``python -m bench.mess --out bench/MESS.md`` (``make bench-mess``).

How benelink's linkage holds up as partner-file mess grows. For each kind of
mess (``benelink.sample.mess.GROUPS``) at each rate (default 0, 5 %, 20 %), one
at a time, and then for the ``partner-like`` preset, this

1. generates a one-month sample (10k people by default) with that mess and
   writes it as partners send it (``benelink.sample``);
2. builds the records the way a monthly run does, with benelink's public API:
   ``prepare_month`` (ingest -> validate -> standardise -> pseudonymise) on a copy of
   ``config/benelink.toml`` pointed at the sample, then ``link_records`` with the
   configuration's linkage settings;
3. scores the clusters over EVERY record of the truth file: a record validation
   rejected is a missed one (a singleton), so losing rows costs recall. The
   figure over the kept records only is shown beside it.

Runs with equal rates are measured once (the rate-0 rows of most kinds are the
tidy sample). Everything runs in this process; ``--workdir`` keeps the samples.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import benelink
from bench.mess_render import render
from bench.report import machine_lines
from bench.scale import write_config
from benelink.anonymize.tokens import record_tokens
from benelink.sample import GROUPS, PRESETS, Mess, build_sample, group_mess, write_sample

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RATES = (0.0, 0.05, 0.2)
PRESET = "partner-like"
# a fixed key: tokens are only the join key between the records and the truth here
KEY = hashlib.sha256(b"benelink bench.mess").digest()
# What standardisation kept, as shares of the kept records: a mess that linkage shrugs off
# still shows here when benelink drops the values it touches.
FIELDS: dict[str, tuple[str, ...]] = {
    "phone": ("phone",),
    "full birth date": ("birth_year", "birth_month", "birth_day"),
    "national number": ("national_number",),
    "UNHCR individual id": ("unhcr_individual_id",),
    "UNHCR case": ("unhcr_case_id",),
}


@dataclass(frozen=True)
class Point:
    """One row of the sweep: a kind of mess at a rate (or the preset, ``rate`` None)."""

    kind: str
    rate: float | None
    mess: Mess


@dataclass
class Measured:
    """What one sample gave: records, rejects, quality over all records and kept ones."""

    mess: str
    status: str = "ok"
    records: int = 0
    kept: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # sources over their reject limit
    rows: dict[str, int] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    kept_quality: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, float] = field(default_factory=dict)  # FIELDS: share of kept records
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""


def sweep(kinds: tuple[str, ...], rates: tuple[float, ...], preset: bool = True) -> list[Point]:
    """Each kind at each rate, then the preset."""
    points = [Point(k, r, group_mess(k, r)) for k in kinds for r in rates]
    if preset:
        points.append(Point(PRESET, None, PRESETS[PRESET]))
    return points


def score(records: pd.DataFrame, cluster: Any, truth: pd.DataFrame) -> tuple[Any, Any]:
    """(quality over every truth record, quality over the kept records only): a truth
    record with no kept record is its own cluster, so every true pair it is part of is
    missed (``benelink.pairwise_quality``)."""
    predicted = pd.DataFrame(
        {
            "source": records["source"].astype(str).to_numpy(),
            "record_key": records["record_token"].astype(str).to_numpy(),
            "cluster": pd.Series(cluster).astype(str).to_numpy(),
        }
    )
    expected = pd.DataFrame(
        {
            "source": truth["source"].astype(str).to_numpy(),
            "record_key": record_tokens(truth["source"], truth["source_record_id"], KEY)
            .astype(str)
            .to_numpy(),
            "person_id": truth["person_id"].astype(str).to_numpy(),
        }
    )
    every = benelink.pairwise_quality(predicted, expected)
    return every, every.kept_only


def held(records: pd.DataFrame) -> dict[str, float]:
    """Share of ``records`` holding each of ``FIELDS`` once standardised."""
    out: dict[str, float] = {}
    for label, columns in FIELDS.items():
        if all(c in records.columns for c in columns) and len(records):
            out[label] = float(records[list(columns)].notna().all(axis=1).mean())
    return out


def measure(
    mess: Mess, people: int, seed: int, month: str, folder: Path, template: Path
) -> Measured:
    """One sample with ``mess``, from generation to scores (see the module's docstring)."""
    row = Measured(mess.describe())
    started = time.perf_counter()
    sample = build_sample(people, seed, [month], mess)
    write_sample(sample, folder / "incoming")
    row.rows = {s: len(f) for s, f in sample.extracts[month].items()}
    row.seconds["generate"] = time.perf_counter() - started
    cfg = benelink.load_config(write_config(template, folder, sample=sample))
    try:
        started = time.perf_counter()
        prepared = benelink.prepare_month(cfg, month, KEY)
        row.seconds["prepare"] = time.perf_counter() - started
        started = time.perf_counter()
        linked = benelink.link_records(
            prepared.records,
            cfg.linkage,
            max_block_size=cfg.linkage.max_block_size,
            threads=cfg.run.threads,
        )
        row.seconds["link"] = time.perf_counter() - started
    except benelink.BenelinkError as exc:  # one line, no personal value (errors.py)
        row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:300]
        return row
    row.records = len(sample.truth)
    row.kept = len(prepared.records)
    row.rejected = {i.source: i.rejected_rows for i in prepared.inputs}
    row.refused = [  # a monthly run would stop on these (exit 3); prepare_month goes on
        i.source
        for i in prepared.inputs
        if i.rows and i.rejected_rows / i.rows > cfg.sources[i.source].max_reject_rate
    ]
    row.fields = held(prepared.records)
    every, kept = score(prepared.records, linked.cluster, sample.truth)
    row.quality, row.kept_quality = every.to_dict(), kept.to_dict()
    return row


def run_sweep(
    points: list[Point],
    workdir: Path,
    *,
    people: int,
    seed: int,
    month: str,
    template: Path = ROOT / "config" / "benelink.toml",
) -> dict[Mess, Measured]:
    """Every distinct mess among ``points`` measured once, in order."""
    done: dict[Mess, Measured] = {}
    for point in points:
        if point.mess in done:
            continue
        folder = workdir / f"mess-{len(done):02d}"
        folder.mkdir(parents=True, exist_ok=True)
        done[point.mess] = measure(point.mess, people, seed, month, folder, template)
        _log(point, done[point.mess])
    return done


def _log(point: Point, row: Measured) -> None:
    f1 = row.quality.get("f1")
    shown = f"F1 {f1:.3f}" if isinstance(f1, float) else row.status
    rate = "preset" if point.rate is None else f"{point.rate:.0%}"
    print(
        f"{point.kind:>16} {rate:>6} {shown:<10} {sum(row.seconds.values()):6.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _rates(text: str) -> tuple[float, ...]:
    try:
        rates = tuple(float(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise SystemExit(f"--rates: {text!r} is not a list of shares like 0,0.05,0.2") from None
    if not rates or any(not 0 <= r <= 1 for r in rates):
        raise SystemExit("--rates: give shares between 0 and 1, like 0,0.05,0.2")
    return rates


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.mess", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "MESS.md")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rates", default=",".join(f"{r:g}" for r in DEFAULT_RATES))
    parser.add_argument("--kinds", default=",".join(GROUPS), help="comma-separated")
    parser.add_argument("--no-preset", action="store_true", help=f"skip the {PRESET} preset")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--workdir", type=Path, help="keep the samples here (default: temp)")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite --out from its .json, measuring nothing"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    if args.render_only:
        figures = json.loads(args.out.with_suffix(".json").read_text(encoding="utf-8"))
        args.out.write_text(render(figures), encoding="utf-8")
        return
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = [k for k in kinds if k not in GROUPS]
    if unknown:
        raise SystemExit(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    points = sweep(kinds, _rates(args.rates), preset=not args.no_preset)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="benelink-mess-") as tmp:
        workdir = args.workdir or Path(tmp)
        done = run_sweep(points, workdir, people=args.people, seed=args.seed, month=args.month)
    figures = {
        "command": ("python -m bench.mess " + shlex.join(argv)).strip(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "people": args.people,
        "seed": args.seed,
        "month": args.month,
        "minutes": (time.perf_counter() - started) / 60,
        "machine": [line for line in machine_lines() if not line.startswith("- Date")],
        "points": [
            {"kind": p.kind, "rate": p.rate, "rates": p.mess.rates(), **asdict(done[p.mess])}
            for p in points
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    args.out.write_text(render(figures), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
