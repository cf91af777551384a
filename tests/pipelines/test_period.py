"""Period reports: the period named, people once across months, small cells withheld."""

from __future__ import annotations

import pandas as pd
import pytest

from benelink.errors import UsageError
from benelink.pipelines.period import MonthPeople, Period, parse_period, period_report


def test_periods_are_named_one_way_only() -> None:
    assert parse_period("2026-Q4", None, None, None) == Period("2026-Q4", "2026-10", "2026-12")
    assert parse_period(None, "2026", None, None).months()[-1] == "2026-12"
    assert parse_period(None, None, "2026-10", "2026-11").name == "2026-10_to_2026-11"
    for args in [
        (None, None, None, None),
        ("2026-Q4", "2026", None, None),
        ("2026-Q5", None, None, None),
        (None, "26", None, None),
        (None, None, "2026-10", None),
        (None, None, "2026-12", "2026-10"),
    ]:
        with pytest.raises(UsageError):
            parse_period(*args)


def _month(month: str, rows: list[tuple[str, bool, str | None]]) -> MonthPeople:
    """(id, on NAF, status or None when not a job seeker)."""
    n = len(rows)
    people = pd.DataFrame(
        {
            "beneficiary_id": [r[0] for r in rows],
            "in_naf": [r[1] for r in rows],
            "in_unhcr": [not r[1] for r in rows],
            "in_jobseekers": [r[2] is not None for r in rows],
            "employment_status": [r[2] for r in rows],
            "officer": ["Suha Haddad" if r[2] else None for r in rows],
            "sex": ["F"] * n,
            "age": [30] * n,
            "birth_year_band": ["1995-1999"] * n,
            "governorate": ["Amman"] * (n - 1) + ["Tafilah"],
            "nationality": ["JOR"] * n,
        }
    )
    return MonthPeople(month, people, ())


def test_people_served_once_and_small_cells_withheld() -> None:
    october = _month("2026-10", [(f"B-{i}", True, "unemployed") for i in range(30)])
    # 3 of them move into work in November; 2 new people; 1 leaves
    november = _month(
        "2026-11",
        [(f"B-{i}", True, "employed" if i < 3 else "unemployed") for i in range(1, 30)]
        + [("B-N1", True, None), ("B-N2", False, None)],
    )
    report = period_report(Period("2026-Q4", "2026-10", "2026-12"), [october, november], None, 5)
    assert report["people_served"]["all"] == 32  # 30 + 2 new, each once
    assert report["months_missing"] == ["2026-12"] and report["flow_months"] == ["2026-11"]
    naf = report["flows"]["naf"]
    assert naf["moved_into_work"] is None  # 2 (B-1, B-2): fewer than k
    assert naf["left"] is None and naf["into_work_rate"] is None
    governorate = report["breakdowns"]["governorate"]
    counts = dict(
        zip(governorate["categories"], governorate["counts"]["beneficiaries"], strict=True)
    )
    assert counts["Tafilah"] is None  # one person

    def cells(value: object) -> list[object]:
        if isinstance(value, dict):
            return [c for v in value.values() for c in cells(v)]
        if isinstance(value, list):
            return [c for v in value for c in cells(v)]
        return [value]

    numbers = [
        c
        for key in ("people_served", "people_moved_into_work", "flows", "by_month", "officers")
        for c in cells(report[key])
        if isinstance(c, int) and not isinstance(c, bool)
    ]
    assert numbers and all(c == 0 or c >= 5 for c in numbers)


def test_a_period_without_snapshots_is_refused() -> None:
    with pytest.raises(UsageError, match="no monthly snapshot"):
        period_report(Period("2025", "2025-01", "2025-12"), [], None, 5)


def test_docs_reports_md_defines_every_figure() -> None:
    """Regenerate the table with benelink.pipelines.period.definitions_markdown()."""
    from benelink.pipelines.period import definitions_markdown
    from tests.helpers import REPO

    assert definitions_markdown() in (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
