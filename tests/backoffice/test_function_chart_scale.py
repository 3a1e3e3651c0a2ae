"""Report charts stay readable when one bar is far above the rest.

GIVEN the sample store's month: ordinary days of about ¥12,000 and one day with a ¥1.2M
watch sold tax-free (and a day of returns only)
WHEN its chart is drawn
THEN the ordinary days are drawn on a scale that shows them (not flattened to a line), the
watch's day is drawn to the top, cut with a break mark and its amount written under the
chart; a month without such a day is drawn on its largest value, nothing cut.
"""

from __future__ import annotations

from kiosk.backoffice.core.templates import environment
from kiosk.backoffice.reports.charts import bar_chart, scale_top

MONTH = [("01", 12360), ("02", 12652), ("03", 7490), ("04", 1216050), ("05", -238), ("06", 0),
         ("07", 12114)]  # fmt: skip


def drawn(chart) -> str:
    macro = environment().from_string('{% from "core/macros.html" import chart %}{{ chart(c) }}')
    return macro.render(c=chart)


def test_one_huge_day_is_cut_and_the_ordinary_days_stay_readable():
    chart = bar_chart(MONTH)
    plot_h = chart.height - 22
    by_day = {b.label: b for b in chart.bars}
    assert [b.label for b in chart.clipped] == ["04"]
    assert by_day["04"].height == plot_h and by_day["04"].y == 0
    assert scale_top([v for _, v in MONTH]) == round(12652 * 1.2)
    # the ordinary days fill most of the height, in proportion to each other
    assert by_day["02"].height == round(plot_h / 1.2)
    assert by_day["01"].height > by_day["07"].height > by_day["03"].height > plot_h / 3
    assert by_day["05"].height == 0 and by_day["06"].height == 0  # returns only: no bar

    svg = drawn(chart)
    assert svg.count('class="clipped"') == 1 and svg.count("<path") == 1  # the break mark
    assert "Off the scale 目盛り外" in svg and "04: 1,216,050" in svg
    assert "<title>04: 1,216,050</title>" in svg


def test_days_close_to_each_other_are_drawn_on_the_largest_nothing_cut():
    chart = bar_chart([("01", 12000), ("02", 30000), ("03", 9000)])
    assert chart.clipped == () and max(b.height for b in chart.bars) == chart.height - 22
    assert "Off the scale" not in drawn(chart) and "<path" not in drawn(chart)


def test_two_big_days_in_a_long_month_are_both_cut():
    """Up to a quarter of the bars may be cut: two big days among twenty ordinary ones."""
    days = [(f"{d:02d}", 10000 + d * 100) for d in range(1, 21)] + [("21", 900000), ("22", 1e6)]
    chart = bar_chart([(label, int(v)) for label, v in days])
    assert [b.label for b in chart.clipped] == ["21", "22"]
    assert min(b.height for b in chart.bars if not b.clipped) > (chart.height - 22) / 2
