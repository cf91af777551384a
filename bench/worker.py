"""One tool on one prepared dataset, in its own process (started by ``bench.run``).

Writes ``<result>.parquet`` (the clusters or pairs) and ``<result>.json``
(kind, candidate pairs, seconds in the tool, resident memory before the
tool started, notes). Scoring happens in the parent, outside this process.

A tool in ``FROM_PARTNER_FILES`` is given the month's partner files and the
configuration (``--files``, ``--config``) instead of the shared records, and
its reading and preparation of them are timed as its own work.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path
from typing import Any

from bench.datasets import load_dataset
from bench.measure import peak_rss_mb

TOOLS: dict[str, str] = {
    "benelink": "bench.tools.benelink_tool",
    "splink": "bench.tools.splink_tool",
    "splink-refined": "bench.tools.splink_refined_tool",
    "recordlinkage": "bench.tools.recordlinkage_tool",
    "splink-tuned": "bench.tools.splink_tuned_tool",
}
# tools that start from the partner files themselves (``run_files(month_dir, config)``)
FROM_PARTNER_FILES = frozenset({"splink-tuned"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool", choices=sorted(TOOLS), required=True)
    parser.add_argument("--data", type=Path, help="a dataset folder (bench.datasets)")
    parser.add_argument("--files", type=Path, help="a month's partner files (partner tools)")
    parser.add_argument("--config", type=Path, help="the configuration mapping their columns")
    parser.add_argument("--result", type=Path, required=True, help="path without suffix")
    args = parser.parse_args(argv)

    tool: Any = importlib.import_module(TOOLS[args.tool])
    if args.tool in FROM_PARTNER_FILES:
        if args.files is None or args.config is None:
            parser.error(f"--tool {args.tool} reads partner files: give --files and --config")
        before_mb = peak_rss_mb()
        started = time.perf_counter()
        output = tool.run_files(args.files, args.config)
    else:
        if args.data is None:
            parser.error(f"--tool {args.tool} needs --data")
        dataset = load_dataset(args.data)
        before_mb = peak_rss_mb()
        started = time.perf_counter()
        output = tool.run(dataset.records, dataset.task)
    seconds = time.perf_counter() - started - float(output.notes.get("untimed_seconds", 0.0))
    output.frame.to_parquet(args.result.with_suffix(".parquet"), index=False)
    summary = {
        "kind": output.kind,
        "candidate_pairs": output.candidate_pairs,
        "tool_seconds": seconds,
        "rss_before_tool_mb": before_mb,
        "peak_rss_mb": peak_rss_mb(),
        "notes": output.notes,
    }
    args.result.with_suffix(".json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
