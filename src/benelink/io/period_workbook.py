"""A period report as an .xlsx workbook a donor can open, filter and copy from.

One sheet per table (summary, flows, months, officers, breakdowns,
definitions); counts are numbers, a withheld cell is the text "–", and every
text cell is defused so that a spreadsheet never evaluates it as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benelink.io.cells import defuse

WITHHELD = "–"
FLOW_ROWS = (
    ("entered", "entered"),
    ("left", "left"),
    ("moved_into_training", "moved into training"),
    ("moved_into_work", "moved into work"),
    ("moved_into_employment", "  of whom into wage employment"),
    ("moved_into_self_employment", "  of whom into self-employment"),
    ("moved_out_of_work", "moved out of work"),
    ("left_while_in_work", "left while in work"),
    ("into_work_rate", "into-work rate"),
    ("exit_rate", "exit rate"),
    ("left_while_in_work_share", "share of leavers in work"),
)
GROUPS = (("naf", "NAF"), ("unhcr", "UNHCR"), ("cash_assistance", "either (each person once)"))


def _cell(value: Any) -> Any:
    if value is None:
        return WITHHELD
    return defuse(value) if isinstance(value, str) else value


def _table(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    sheet.append([_cell(h) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = bold, fill
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.append([])


def _widths(sheet: Worksheet) -> None:
    for i, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max((len(str(v)) for v in column if v is not None), default=8)
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 70)


def period_workbook(report: Mapping[str, Any], dimension_names: Mapping[str, str]) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([f"Period report {report['period']}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(
        [f"Months {report['from']} to {report['to']}; snapshots: {', '.join(report['months'])}"]
    )
    if report["months_missing"]:
        summary.append([f"No snapshot for: {', '.join(report['months_missing'])}"])
    summary.append(
        [
            f"{WITHHELD} = withheld: fewer than {report['k']} people, or a count that would reveal one."
        ]
    )
    summary.append([])
    served = report["people_served"]
    _table(
        summary,
        ["people served in the period (each once)", "people"],
        [
            ("all sources", served["all"]),
            ("on NAF", served["naf"]),
            ("with UNHCR", served["unhcr"]),
            ("on NAF or UNHCR", served["cash_assistance"]),
            ("registered job seekers", served["job_seekers"]),
            ("job seekers in work in at least one month", served["in_work_at_some_point"]),
        ],
    )
    moved = report["people_moved_into_work"]
    _table(
        summary,
        ["people who moved into work (each once)", "people"],
        [(text, moved[key]) for key, text in GROUPS],
    )
    _widths(summary)

    flows = book.create_sheet("Flows")
    counted = ", ".join(report["flow_months"]) or "no month"
    flows.append([f"Each month's flows against the snapshot before it, added up over: {counted}"])
    _table(
        flows,
        ["flow", *(text for _, text in GROUPS)],
        [(text, *(report["flows"][g][key] for g, _ in GROUPS)) for key, text in FLOW_ROWS],
    )
    _widths(flows)

    months = book.create_sheet("By month")
    _table(
        months,
        ["month", "beneficiaries", "NAF", "UNHCR", "job seekers", "moved into work"],
        [
            (
                p["month"],
                p["beneficiaries"],
                p["naf"],
                p["unhcr"],
                p["job_seekers"],
                p["moved_into_work"],
            )
            for p in report["by_month"]
        ],
    )
    _widths(months)

    officers = book.create_sheet("Officers")
    _table(
        officers,
        ["officer", "job seekers served", "moved into work"],
        [(o["officer"], o["job_seekers_served"], o["moved_into_work"]) for o in report["officers"]],
    )
    _widths(officers)

    who = book.create_sheet("Breakdowns")
    for dimension, b in report["breakdowns"].items():
        name = dimension_names.get(dimension, dimension)
        who.append([name])
        who[f"A{who.max_row}"].font = Font(bold=True)
        counts = b["counts"]
        _table(
            who,
            [name.lower(), "people served", "NAF", "UNHCR", "job seekers", "in work"],
            [
                (
                    c,
                    *(
                        counts[m][i]
                        for m in ("beneficiaries", "naf", "unhcr", "job_seekers", "in_work")
                    ),
                )
                for i, c in enumerate(b["categories"])
            ],
        )
    _widths(who)

    definitions = book.create_sheet("Definitions")
    _table(definitions, ["figure", "definition"], list(report["definitions"].items()))
    _widths(definitions)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
