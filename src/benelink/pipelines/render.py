"""The reports as self-contained HTML pages: the month's, each officer's, a period's.

The pages are sent on by e-mail and opened on machines without network
access, and on phones, and printed: they carry their own styles (one sheet,
``templates/_style.css.j2``, with a print sheet) and their charts as inline
SVG (``pipelines.charts``); no script, font or image is fetched. Each is
rendered from its JSON figures alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from benelink import __version__
from benelink.pipelines.charts import bar_chart, grouped_bars, hbar_chart, line_chart
from benelink.pipelines.validate import KEPT_REASONS
from benelink.pipelines.weaker import LABELS as WITHOUT_LABELS
from benelink.schemas.documents import OfficerRow, Report

FLOW_STEPS = (
    ("entered", "entered"),
    ("left", "left"),
    ("moved_into_training", "moved into training"),
    ("moved_into_work", "moved into work"),
    ("moved_out_of_work", "moved out of work"),
    ("left_while_in_work", "left while in work"),
)
DIMENSION_NAMES = {
    "sex": "Sex",
    "age_band": "Age band",
    "governorate": "Governorate",
    "nationality": "Nationality",
}


def count(value: int | float | None) -> str:
    """A count as the reports write it: 1,234; a withheld cell as "<k" is said elsewhere."""
    return "–" if value is None else f"{value:,.0f}"


def share(value: float | None) -> str:
    """A rate (0..1) as a percentage; "–" when it cannot be given."""
    return "–" if value is None else f"{100 * value:.1f}%"


def signed(value: int | None) -> str:
    return "" if value is None else f"{value:+,}"


def officer_slug(name: str) -> str:
    """A file-name-safe form of an officer's name ("Suha Haddad" -> "suha-haddad")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-")[:60].strip("-")  # a file name's length
    return slug or "officer"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("benelink", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(count=count, share=share, signed=signed)
    env.globals.update(flow_steps=FLOW_STEPS, dimension_names=DIMENSION_NAMES, version=__version__)
    return env


def trend_charts(trend: list[Mapping[str, Any]]) -> dict[str, str]:
    """People over the months so far, and movements into work per month."""
    months = [str(p["month"]) for p in trend]
    people = line_chart(
        months,
        {
            "NAF": [p["naf"] for p in trend],
            "UNHCR": [p["unhcr"] for p in trend],
            "job seekers": [p["job_seekers"] for p in trend],
            "on aid, in work": [p["in_work"] for p in trend],
        },
        label="beneficiaries over the months",
    )
    work = line_chart(
        months,
        {
            "moved into work": [p["moved_into_work"] for p in trend],
            "left while in work": [p["left_while_in_work"] for p in trend],
        },
        label="movements into work over the months",
    )
    return {"trend_people": people, "trend_work": work}


def flows_chart(flows: Mapping[str, Any], programmes: tuple[str, ...] = ("naf", "unhcr")) -> str:
    return grouped_bars(
        [text for _, text in FLOW_STEPS],
        {kind.upper(): [flows[kind][step] for step, _ in FLOW_STEPS] for kind in programmes},
        label="flows between last month and this month",
    )


def breakdown_charts(breakdowns: Mapping[str, Any]) -> dict[str, str]:
    return {
        dimension: hbar_chart(
            list(b["categories"]),
            list(b["counts"]["beneficiaries"]),
            label=f"beneficiaries by {DIMENSION_NAMES.get(dimension, dimension)}",
        )
        for dimension, b in breakdowns.items()
    }


def render_report(report: Report) -> str:
    """report.json's figures as a self-contained HTML page: the manager's view first, the
    model's internals in a technical appendix."""
    linkage = report["linkage"]
    histogram = linkage["probability_histogram"]
    edges = histogram["edges"]
    probability_chart = bar_chart(
        [f"{edges[i]:.2f}" for i in range(len(edges) - 1)],
        histogram["counts"],
        band=(linkage["review_threshold"], linkage["match_threshold"], "review band"),
        markers=[(linkage["match_threshold"], f"match ≥ {linkage['match_threshold']}")],
        log=True,
        label="match probability of scored pairs",
    )
    overlap = report["beneficiaries"]["by_sources"]
    charts = {
        "probability": probability_chart,
        "overlap": hbar_chart(list(overlap), list(overlap.values()), label="source overlap"),
        **trend_charts(list(report["trend"])),
    }
    if "flows" in report:
        charts["flows"] = flows_chart(report["flows"])
    officers = report["officers"]
    if officers:
        compared = "flows" in report
        charts["officers"] = hbar_chart(
            [o["officer"] for o in officers],
            [o["moved_into_work"] if compared else o["in_work"] for o in officers],
            label="moved into work, per officer" if compared else "in work, per officer",
        )
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            kept_reasons=KEPT_REASONS,
            without_labels=WITHOUT_LABELS,
            charts=charts,
            breakdown_charts=breakdown_charts(report["breakdowns"]),
            officer_files=officer_files(report),
        )
    )


def officer_files(report: Report) -> dict[str, str]:
    """Officer name -> the file name of their page (``officer-<slug>.html``), unique."""
    files: dict[str, str] = {}
    for row in report["officers"]:
        slug, n = officer_slug(row["officer"]), 2
        name = f"officer-{slug}.html"
        while name in files.values():
            name, n = f"officer-{slug}-{n}.html", n + 1
        files[row["officer"]] = name
    return files


def officer_pages(report: Report) -> dict[str, str]:
    """Every published officer's page for the month, by file name (beside report.html)."""
    files = officer_files(report)
    return {files[row["officer"]]: render_officer_report(report, row) for row in report["officers"]}


def render_officer_report(report: Report, row: OfficerRow) -> str:
    """One officer's page for the month: their caseload beside the centre's."""
    centre = report["centre"]
    shares: tuple[tuple[str, str], ...] = (("in_training", "in training"), ("in_work", "in work"))
    if row["moved_into_work"] is not None:
        shares += (("moved_into_work", "moved into work"), ("new_this_month", "new this month"))

    def percent(of: OfficerRow, key: str) -> float | None:
        value = of.get(key)
        if not isinstance(value, int) or not of["job_seekers"]:
            return None
        return round(100 * value / of["job_seekers"], 1)

    chart = grouped_bars(
        [text for _, text in shares],
        {
            "your caseload": [percent(row, key) for key, _ in shares],
            "centre": [percent(centre, key) for key, _ in shares],
        },
        label="your caseload beside the centre, % of job seekers",
        unit="%",
    )
    return (
        environment()
        .get_template("officer.html.j2")
        .render(report=report, row=row, centre=centre, comparison_chart=chart)
    )


def render_period_report(report: Mapping[str, Any]) -> str:
    """A period report (``pipelines.period``) as a self-contained HTML page."""
    flows = report["flows"]
    months = [str(p["month"]) for p in report["by_month"]]
    charts = {
        "flows": grouped_bars(
            [text for _, text in FLOW_STEPS],
            {
                kind.upper(): [flows[kind][step] for step, _ in FLOW_STEPS]
                for kind in ("naf", "unhcr")
            },
            label="flows over the period",
        ),
        "trend": line_chart(
            months,
            {
                "NAF": [p["naf"] for p in report["by_month"]],
                "UNHCR": [p["unhcr"] for p in report["by_month"]],
                "job seekers": [p["job_seekers"] for p in report["by_month"]],
            },
            label="people per month",
        ),
    }
    return (
        environment()
        .get_template("period.html.j2")
        .render(
            report=report, charts=charts, breakdown_charts=breakdown_charts(report["breakdowns"])
        )
    )
