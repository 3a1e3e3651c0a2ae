"""Small inline SVG bar charts for the reports (no JavaScript, prints well)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 180, title: str = ""
) -> str:
    """Vertical bars with labels under them and the value on hover (``<title>``)."""
    if not points:
        return '<p class="empty">No data</p>'
    top = max(max(v for _, v in points), 1)
    gap, label_h = 4, 18
    bar_w = max(2, (width - gap * len(points)) // len(points))
    plot_h = height - label_h - 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(points):
        h = round(plot_h * value / top)
        x = i * (bar_w + gap)
        parts.append(
            f'<rect x="{x}" y="{plot_h - h}" width="{bar_w}" height="{h}" fill="#2f6fb0">'
            f"<title>{escape(label)}: {value:,}</title></rect>"
        )
        if len(points) <= 31:
            parts.append(
                f'<text x="{x + bar_w / 2}" y="{height - 4}" font-size="10" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
