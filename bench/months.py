"""Entry point: ``python -m bench.months --out bench/MONTHS.md`` (``make bench-months``).

How stable benelink's beneficiary ids are over a year's worth of churn. This

1. generates an eight-month series (5,000 people by default) with the ``realistic``
   churn of ``benelink.sample.churn`` -- re-registrations under new record ids,
   gaps, moves, phone changes, re-typed names, household splits -- and a truth per
   month (``truth/<month>.csv``), and writes it as partners send it;
2. runs the whole monthly merge month by month, in order, into one output folder,
   with the public API (``benelink.run_month``), timing each month;
3. measures each month against its truth (``bench.months_metrics``): F1 over every
   record (a rejected record is a missed one), the people present last month too
   who keep all their ids, fragmentation (one person, several ids), false
   continuity (an earlier id now held by someone who never held it), decision
   flips between records byte-identical to last month, re-registrations kept, and
   new / continuing / returning / exited as report.json gives them against the truth.

The issue #17 targets are checked at the end; ``--workdir`` keeps the samples and
the snapshots.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import benelink
from bench import months_metrics as mm
from bench.months_render import render
from bench.report import machine_lines
from bench.scale import write_config
from benelink.anonymize.keys import parse_key
from benelink.io.layout import OutputLayout
from benelink.pipelines.evaluate import score_against_truth
from benelink.sample import (
    CHURN_PRESETS,
    Sample,
    build_sample,
    parse_churn,
    parse_mess,
    write_sample,
)

ROOT = Path(__file__).resolve().parent.parent
MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 9))
FLOWS = ("new", "continuing", "returning", "exited")


class MonthTracker:
    """What the months so far left behind: each month's ids per person and holdings."""

    def __init__(self, sample: Sample, key: bytes) -> None:
        self.sample, self.key = sample, key
        self.ids: list[pd.Series] = []
        self.people: list[set[str]] = []
        self.held: list[pd.DataFrame] = []
        self.links: pd.DataFrame | None = None
        self.earlier_holders = pd.DataFrame({"beneficiary_id": [], "person_id": []})
        # each record's id when last seen: a re-registration back from a gap replaces a
        # record of an earlier month than the last
        self.last_seen = pd.DataFrame({"source": [], "source_record_id": [], "beneficiary_id": []})

    def measure(self, k: int, layout: OutputLayout, report: dict[str, Any]) -> dict[str, Any]:
        """Month ``k``'s figures from its snapshot tables and report."""
        month = self.sample.months[k]
        truth = self.sample.month_truth[month]
        records = pd.read_parquet(layout.table("records", month))
        links = pd.read_parquet(layout.table("links", month))
        h = mm.holdings(truth, records, self.key)
        ids = mm.person_ids(h)
        quality = score_against_truth(records, truth[[*mm.KEY_COLUMNS, "person_id"]], self.key)
        row: dict[str, Any] = {
            "month": month,
            "records": len(truth),
            "people": int(truth["person_id"].nunique()),
            "kept_records": int(h["beneficiary_id"].notna().sum()),
            "precision": quality.precision,
            "recall": quality.recall,
            "f1": quality.f1,
            "fragmented": mm.fragmented(ids).__dict__,
            "reported": {f: int(report["beneficiaries"][f]) for f in FLOWS},
        }
        self.people.append(set(truth["person_id"].astype(str)))
        row["truth"] = mm.true_flows(self.people)
        now_holders = mm.holders(h)
        if k:
            row["retention"] = mm.retention(self.ids[-1], ids).__dict__
            row["retention_from_first"] = mm.retention(self.ids[0], ids).__dict__
            continuity = mm.false_continuity(self.earlier_holders, now_holders)
            row["false_continuity"] = continuity.__dict__
            row["reregistrations"] = mm.reregistrations_kept(self.last_seen, h).__dict__
            row.update(self._flips(k, h, links))
        self.earlier_holders = pd.concat([self.earlier_holders, now_holders]).drop_duplicates()
        seen = pd.concat([self.last_seen, h[[*mm.KEY_COLUMNS, "beneficiary_id"]]])
        self.last_seen = seen.drop_duplicates(mm.KEY_COLUMNS, keep="last")
        self.ids.append(ids)
        self.held.append(h)
        self.links = links
        return row

    def _flips(self, k: int, h: pd.DataFrame, links: pd.DataFrame) -> dict[str, int]:
        """Decision flips among the records byte-identical to last month's."""
        before_x, now_x = (
            self.sample.extracts[self.sample.months[k - 1]],
            self.sample.extracts[self.sample.months[k]],
        )
        unchanged: set[str] = set()
        before, now = self.held[-1], h
        for source, frame in now_x.items():
            same = mm.unchanged_rows(before_x[source], frame, str(frame.columns[0]))
            mine = now[(now["source"] == source) & now["source_record_id"].isin(same)]
            unchanged |= set(mine["record_token"])
        b = before[before["record_token"].isin(unchanged)].set_index("record_token")
        a = now[now["record_token"].isin(unchanged)].set_index("record_token")
        assert self.links is not None
        return {
            "unchanged_records": len(unchanged),
            "cluster_flips": mm.cluster_flips(b["beneficiary_id"], a["beneficiary_id"]),
            "link_flips": mm.link_flips(self.links, links, unchanged),
        }


def run_series(
    people: int,
    seed: int,
    months: tuple[str, ...],
    churn: str,
    workdir: Path,
    mess: str = "none",
) -> list[dict[str, Any]]:
    """Generate the series, run it month by month into one folder, measure each month.

    ``mess`` (a ``benelink sample --mess`` value) writes every month's files the way
    partners' arrive: ids in the wrong column, dates with month names, missing numbers.
    """
    started = time.perf_counter()
    sample = build_sample(people, seed, months, mess=parse_mess(mess), churn=parse_churn(churn))
    write_sample(sample, workdir / "incoming")
    print(f"generated {people:,} people in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cfg = benelink.load_config(
        write_config(ROOT / "config" / "benelink.toml", workdir, sample=sample)
    )
    key = parse_key((workdir / "benelink.key").read_text(encoding="ascii"), "the bench's key file")
    tracker = MonthTracker(sample, key)
    rows: list[dict[str, Any]] = []
    for k, month in enumerate(months):
        started = time.perf_counter()
        result = benelink.run_month(cfg, month, key)
        seconds = time.perf_counter() - started
        layout = OutputLayout(cfg.out_dir)
        report = json.loads((layout.documents(month) / "report.json").read_text(encoding="utf-8"))
        row = tracker.measure(k, layout, report)
        row["seconds"] = seconds
        row["model"] = report["linkage"].get("model")  # kept, fitted or refitted, and why
        rows.append(row)
        assert result.month == month
        kept = row.get("retention", {}).get("hits", 0) / max(
            row.get("retention", {}).get("total", 1), 1
        )
        print(f"{month}: F1 {row['f1']:.4f}, ids kept {kept:.2%}, {seconds:.1f} s", file=sys.stderr)
    return rows


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.months", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "MONTHS.md")
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--months", default=",".join(MONTHS), help="comma-separated, in order")
    parser.add_argument(
        "--churn",
        default="realistic",
        help=f"one of {', '.join(CHURN_PRESETS)}, or name=rate pairs",
    )
    parser.add_argument(
        "--mess", default="none", help="how messy the files are, as `benelink sample --mess`"
    )
    parser.add_argument("--workdir", type=Path, help="keep the series and snapshots here")
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
    months = tuple(m.strip() for m in args.months.split(",") if m.strip())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="benelink-months-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        rows = run_series(args.people, args.seed, months, args.churn, workdir, args.mess)
    figures = {
        "command": ("python -m bench.months " + shlex.join(argv)).strip(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "people": args.people,
        "seed": args.seed,
        "churn": parse_churn(args.churn).describe(),
        "rates": parse_churn(args.churn).rates(),
        "mess": parse_mess(args.mess).describe(),
        "minutes": (time.perf_counter() - started) / 60,
        "machine": [line for line in machine_lines() if not line.startswith("- Date")],
        "months": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    args.out.write_text(render(figures), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
