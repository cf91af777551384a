"""The merge report as one self-contained HTML page.

The page is sent on by e-mail and opened on machines without network access,
so it carries its own styles and its charts as inline SVG; no script, font or
image is fetched. It is rendered from report.json's figures alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from benelink import __version__
from benelink.pipelines.validate import KEPT_REASONS
from benelink.pipelines.weaker import LABELS as WITHOUT_LABELS
from benelink.schemas.documents import Report


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int = 640,
    height: int = 220,
    markers: Sequence[tuple[float, str]] = (),
) -> str:
    """A vertical bar chart as an SVG string; ``markers`` are vertical lines at x in [0, 1]."""
    pad_left, pad_bottom, pad_top = 48, 36, 12
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    top = max(values, default=0) or 1
    n = max(len(values), 1)
    slot = plot_w / n
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">',
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{pad_left + plot_w}" '
        f'y2="{pad_top + plot_h}" stroke="#555"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 10}" text-anchor="end" font-size="11">{top:,.0f}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (raw_label, value) in enumerate(zip(labels, values, strict=True)):
        label = html.escape(raw_label)
        h = plot_h * value / top
        x = pad_left + i * slot + slot * 0.1
        parts.append(
            f'<rect x="{x:.1f}" y="{pad_top + plot_h - h:.1f}" width="{slot * 0.8:.1f}" '
            f'height="{h:.1f}" fill="#2f6f9f"><title>{label}: {value:,.0f}</title></rect>'
        )
        if n <= 12 or i % max(n // 10, 1) == 0:
            parts.append(
                f'<text x="{x + slot * 0.4:.1f}" y="{height - pad_bottom + 14}" '
                f'text-anchor="middle" font-size="10">{label}</text>'
            )
    for position, raw_caption in markers:
        caption = html.escape(raw_caption)
        x = pad_left + plot_w * position
        parts.append(
            f'<line x1="{x:.1f}" y1="{pad_top}" x2="{x:.1f}" y2="{pad_top + plot_h}" '
            f'stroke="#c0392b" stroke-dasharray="4 3"/>'
            f'<text x="{x - 3:.1f}" y="{pad_top + 10}" text-anchor="end" font-size="10" '
            f'fill="#c0392b">{caption}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(labels: Sequence[str], values: Sequence[float], *, width: int = 640) -> str:
    """A horizontal bar chart as an SVG string, for categories with long names."""
    row, label_w, pad = 22, 200, 8
    height = row * max(len(values), 1) + pad * 2
    top = max(values, default=0) or 1
    plot_w = width - label_w - 70
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for i, (raw_label, value) in enumerate(zip(labels, values, strict=True)):
        label = html.escape(raw_label)
        y = pad + i * row
        w = plot_w * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{label}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#2f6f9f">'
            f"<title>{label}: {value:,.0f}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">{value:,.0f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_report(report: Report) -> str:
    """report.json's figures as a self-contained HTML page."""
    env = Environment(
        loader=PackageLoader("benelink", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    linkage = report["linkage"]
    histogram = linkage["probability_histogram"]
    edges = histogram["edges"]
    probability_chart = bar_chart(
        [f"{edges[i]:.2f}" for i in range(len(edges) - 1)],
        histogram["counts"],
        markers=[
            (linkage["review_threshold"], f"review {linkage['review_threshold']}"),
            (linkage["match_threshold"], f"match {linkage['match_threshold']}"),
        ],
    )
    overlap = report["beneficiaries"]["by_sources"]
    overlap_chart = hbar_chart(list(overlap), list(overlap.values()))
    flow = report["graduation"]
    flow_labels, flow_values = [], []
    for kind in ("naf", "unhcr"):
        for step in ("beneficiaries", "job_seekers", "in_training", "employed"):
            flow_labels.append(f"{kind.upper()} {step.replace('_', ' ')}")
            flow_values.append(flow[kind][step])
    flow_chart = hbar_chart(flow_labels, flow_values)
    template = env.get_template("report.html.j2")
    return template.render(
        report=report,
        kept_reasons=KEPT_REASONS,
        without_labels=WITHOUT_LABELS,
        version=__version__,
        probability_chart=probability_chart,
        overlap_chart=overlap_chart,
        flow_chart=flow_chart,
    )
