"""Small bar charts for the reports: the geometry here, the SVG in the ``chart`` macro
(``core/templates/macros.html``: inline, no JavaScript, prints well)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: A bar more than this many times the next one below is off the scale (one ¥1.2M watch in a
#: month of ¥10,000 days): drawn cut, so the ordinary days stay readable.
OUTLIER_RATIO = 3
#: The scale ends this far above the highest bar it shows whole.
HEADROOM = 1.2


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    height: int
    #: taller than the scale: drawn to the top with a break mark, its value written out
    clipped: bool = False


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    width: int
    height: int
    bar_width: int
    bars: tuple[Bar, ...]
    #: labels under the bars only while they fit (a month's days do, a year's do not)
    labelled: bool

    @property
    def clipped(self) -> tuple[Bar, ...]:
        """The bars drawn cut (the page names them with their values under the chart)."""
        return tuple(b for b in self.bars if b.clipped)


def scale_top(values: Sequence[int]) -> int:
    """The value the chart's full height stands for.

    The largest value, unless the few largest (at most a quarter of the bars, and at least
    one) stand more than :data:`OUTLIER_RATIO` times above the next one: then the scale
    ends :data:`HEADROOM` above that next one and the larger bars are cut. A linear scale
    with the exceptions marked reads as amounts do; a log scale would not.
    """
    ordered = sorted((v for v in values if v > 0), reverse=True)
    if not ordered:
        return 1
    for i in range(min(len(ordered) - 1, max(1, len(ordered) // 4))):
        if ordered[i] > OUTLIER_RATIO * ordered[i + 1]:
            return max(1, round(ordered[i + 1] * HEADROOM))
    return ordered[0]


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 180, title: str = ""
) -> BarChart:
    """Vertical bars on one linear scale (:func:`scale_top`), with the labels under them; a
    bar below zero (a day of returns only) is drawn as none."""
    if not points:
        return BarChart(title, width, height, 0, (), False)
    top = scale_top([v for _, v in points])
    gap, label_h = 4, 18
    bar_w = max(2, (width - gap * len(points)) // len(points))
    plot_h = height - label_h - 4
    bars = []
    for i, (label, value) in enumerate(points):
        h = min(plot_h, max(0, round(plot_h * value / top)))
        bars.append(Bar(label, value, i * (bar_w + gap), plot_h - h, h, value > top))
    return BarChart(title, width, height, bar_w, tuple(bars), len(points) <= 31)
