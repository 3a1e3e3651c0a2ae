"""Small inline SVG bar charts for the reports (no JavaScript, prints well)."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.backoffice.html import Html, fmt, join


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 180, title: str = ""
) -> Html:
    """Vertical bars with labels under them and the value on hover (``<title>``)."""
    if not points:
        return fmt('<p class="empty">No data</p>')
    top = max(max(v for _, v in points), 1)
    gap, label_h = 4, 18
    bar_w = max(2, (width - gap * len(points)) // len(points))
    plot_h = height - label_h - 4
    parts = []
    for i, (label, value) in enumerate(points):
        h = round(plot_h * value / top)
        x = i * (bar_w + gap)
        parts.append(
            fmt(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6fb0">'
                "<title>{}: {:,}</title></rect>",
                x,
                plot_h - h,
                bar_w,
                h,
                label,
                value,
            )
        )
        if len(points) <= 31:
            parts.append(
                fmt(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                    x + bar_w / 2,
                    height - 4,
                    label,
                )
            )
    return fmt(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        title,
        width,
        height,
        width,
        height,
        join(parts),
    )
