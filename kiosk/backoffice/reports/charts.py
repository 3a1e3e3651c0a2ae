"""Small bar charts for the reports: the geometry here, the SVG in the ``chart`` macro
(``core/templates/macros.html``: inline, no JavaScript, prints well)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    height: int


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    width: int
    height: int
    bar_width: int
    bars: tuple[Bar, ...]
    #: labels under the bars only while they fit (a month's days do, a year's do not)
    labelled: bool


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 180, title: str = ""
) -> BarChart:
    """Vertical bars scaled to the largest value, with the labels under them."""
    if not points:
        return BarChart(title, width, height, 0, (), False)
    top = max(max(v for _, v in points), 1)
    gap, label_h = 4, 18
    bar_w = max(2, (width - gap * len(points)) // len(points))
    plot_h = height - label_h - 4
    bars = []
    for i, (label, value) in enumerate(points):
        h = round(plot_h * value / top)
        bars.append(Bar(label, value, i * (bar_w + gap), plot_h - h, h))
    return BarChart(title, width, height, bar_w, tuple(bars), len(points) <= 31)
