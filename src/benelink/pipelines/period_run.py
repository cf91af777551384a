"""`benelink report`: a period's report built from the monthly snapshots, wired in one place.

Read the snapshots of the period (``io.period``) → the figures, small cells
withheld (``pipelines.period``) → the HTML page, the workbook and the JSON →
written together into ``reports/<period>/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benelink.config.model import BenelinkConfig
from benelink.io.period import read_period, write_period_report
from benelink.io.period_workbook import period_workbook
from benelink.pipelines.period import Period, period_report
from benelink.pipelines.render import DIMENSION_NAMES, render_period_report


@dataclass(frozen=True)
class PeriodResult:
    folder: Path
    report: dict[str, Any]


def run_period_report(cfg: BenelinkConfig, period: Period) -> PeriodResult:
    """Build and write ``period``'s report; reads snapshots, never the partner files."""
    months, before = read_period(cfg.out_dir, period)
    report = period_report(period, months, before, cfg.disclosure.k)
    folder = write_period_report(
        cfg.out_dir,
        period.name,
        {
            "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
            "report.html": render_period_report(report),
            "report.xlsx": period_workbook(report, DIMENSION_NAMES),
        },
    )
    return PeriodResult(folder, report)
