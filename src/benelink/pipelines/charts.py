"""Charts as inline SVG strings, for pages that must open offline and print.

Each chart scales to the width of its container (``viewBox`` with a width of
100%), so it fits a phone's screen and a printed page; labels are escaped,
and every bar or point carries its figure as a tooltip (``<title>``) and, where
there is room, as text. No script, font or image is needed.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Final

PALETTE: Final = ("#2f6f9f", "#d9822b", "#3a8f5c", "#8e5ea2", "#b03a2e", "#6b7b8c")


def _open(width: int, height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{html.escape(label)}" '
        f'style="width:100%;max-width:{width}px;height:auto">'
    )


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _figure(value: float) -> str:
    """A count as 1,234; a share with its decimal (12.5)."""
    return _number(value) if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int = 640,
    height: int = 220,
    band: tuple[float, float, str] | None = None,
    markers: Sequence[tuple[float, str]] = (),
    log: bool = False,
    label: str = "bar chart",
) -> str:
    """Vertical bars; ``band`` shades x in [a, b] (0..1), ``markers`` are lines at x in 0..1.

    ``log`` draws heights on a log scale, so that a few hundred pairs in the
    review band stay visible beside a hundred thousand non-matches.
    """
    pad_left, pad_bottom, pad_top = 52, 36, 14
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top

    def scale(v: float) -> float:
        return math.log10(1 + v) if log else v

    top = max((scale(v) for v in values), default=0) or 1
    n = max(len(values), 1)
    slot = plot_w / n
    base = pad_top + plot_h
    parts = [_open(width, height, label)]
    if band is not None:
        a, b, caption = band
        x0, x1 = pad_left + plot_w * a, pad_left + plot_w * b
        parts.append(
            f'<rect x="{x0:.1f}" y="{pad_top}" width="{x1 - x0:.1f}" height="{plot_h}" '
            f'fill="#f6e3b4"><title>{html.escape(caption)}</title></rect>'
            f'<text x="{(x0 + x1) / 2:.1f}" y="{pad_top + 10}" text-anchor="middle" '
            f'font-size="12" fill="#7a5a00">{html.escape(caption)}</text>'
        )
    top_label = _number(max(values, default=0))
    parts += [
        f'<line x1="{pad_left}" y1="{base}" x2="{pad_left + plot_w}" y2="{base}" stroke="#555"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 10}" text-anchor="end" font-size="12">'
        f"{top_label}</text>",
        f'<text x="{pad_left - 6}" y="{base}" text-anchor="end" font-size="12">0</text>',
    ]
    if log:
        parts.append(
            # from the left edge: right-aligned on the axis it ran off the picture
            f'<text x="2" y="{pad_top + 24}" text-anchor="start" font-size="11" '
            f'fill="#666">log scale</text>'
        )
    for i, (raw, value) in enumerate(zip(labels, values, strict=True)):
        text = html.escape(raw)
        h = plot_h * scale(value) / top
        x = pad_left + i * slot + slot * 0.1
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{text}: {_number(value)}</title></rect>'
        )
        if n <= 12 or i % max(n // 10, 1) == 0:
            parts.append(
                f'<text x="{x + slot * 0.4:.1f}" y="{height - pad_bottom + 14}" '
                f'text-anchor="middle" font-size="12">{text}</text>'
            )
    for position, raw in markers:
        x = pad_left + plot_w * position
        parts.append(
            f'<line x1="{x:.1f}" y1="{pad_top}" x2="{x:.1f}" y2="{base}" stroke="#c0392b" '
            f'stroke-dasharray="4 3"/><text x="{x - 3:.1f}" y="{base + 28}" text-anchor="end" '
            f'font-size="12" fill="#c0392b">{html.escape(raw)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    width: int = 520,
    label: str = "bar chart",
    withheld: str = "withheld",
) -> str:
    """Horizontal bars for categories with long names; a None value is written, not drawn."""
    row, label_w, pad = 24, 160, 8
    height = row * max(len(values), 1) + pad * 2
    top = max((v for v in values if v is not None), default=0) or 1
    plot_w = width - label_w - 80
    parts = [_open(width, height, label)]
    for i, (raw, value) in enumerate(zip(labels, values, strict=True)):
        text = html.escape(raw)
        y = pad + i * row
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{text}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 15}" font-size="12" fill="#666">{withheld}</text>'
            )
            continue
        w = plot_w * value / top
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"><title>{text}: {_number(value)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    months: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    width: int = 520,
    height: int = 260,
    label: str = "trend",
) -> str:
    """One line per series over the months (a gap where a value is None), with a legend.

    With a single month each series is a dot: the chart still says where things stand.
    """
    pad_left, pad_right, pad_top, pad_bottom = 56, 12, 14, 56
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    found = [v for values in series.values() for v in values if v is not None]
    top = max(found, default=0) or 1
    n = max(len(months), 1)
    base = pad_top + plot_h

    def x_at(i: int) -> float:
        return pad_left + (plot_w * (i + 0.5) / n)

    def y_at(v: float) -> float:
        return base - plot_h * v / top

    parts = [_open(width, height, label)]
    for fraction in (0.0, 0.5, 1.0):
        y = base - plot_h * fraction
        parts.append(
            f'<line x1="{pad_left}" y1="{y:.1f}" x2="{pad_left + plot_w}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="12">{_number(top * fraction)}</text>'
        )
    step = max(n // 8, 1)
    for i, month in enumerate(months):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{base + 16}" text-anchor="middle" '
                f'font-size="12">{html.escape(month)}</text>'
            )
    for s, (name, values) in enumerate(series.items()):
        colour = PALETTE[s % len(PALETTE)]
        points = [(x_at(i), y_at(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for x, y, v in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{html.escape(name)}: {_number(v)}</title></circle>"
            )
        lx = pad_left + (s % 2) * (plot_w / 2)
        ly = height - 26 + (s // 2) * 15
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="11" fill="{colour}"/>'
            f'<text x="{lx + 16:.1f}" y="{ly}" font-size="13">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    width: int = 480,
    label: str = "bar chart",
    unit: str = "",
) -> str:
    """Horizontal bars in groups (one group per figure, one bar per series), with a legend;
    ``unit`` follows each figure ("%")."""
    bar, gap, label_w, pad = 16, 10, 150, 8
    n_series = max(len(series), 1)
    height = pad * 2 + len(groups) * (n_series * bar + gap) + 20
    found = [v for values in series.values() for v in values if v is not None]
    top = max(found, default=0) or 1
    plot_w = width - label_w - 56
    parts = [_open(width, height, label)]
    for g, group in enumerate(groups):
        y0 = pad + g * (n_series * bar + gap)
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + n_series * bar / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12">{html.escape(group)}</text>'
        )
        for s, (name, values) in enumerate(series.items()):
            value = values[g]
            y = y0 + s * bar
            if value is None:
                continue
            w = plot_w * value / top
            parts.append(
                f'<rect x="{label_w}" y="{y + 1}" width="{w:.1f}" height="{bar - 2}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{html.escape(name)}, '
                f"{html.escape(group)}: {_figure(value)}{unit}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 3}" font-size="12">'
                f"{_figure(value)}{unit}</text>"
            )
    for s, name in enumerate(series):
        lx = label_w + s * 120
        parts.append(
            f'<rect x="{lx}" y="{height - 18}" width="12" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/><text x="{lx + 16}" y="{height - 9}" '
            f'font-size="12">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
