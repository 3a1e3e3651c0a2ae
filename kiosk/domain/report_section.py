"""A plugin's section of a back-office report (``kiosk_report_sections``).

A day or month report (日報・月報) shows the core's own tables; a plugin adds its figures —
points earned and used, coupons redeemed, tax-free sales — as one small table each. The
section is data, not markup: the back office lays it out (escaped, numbers grouped) on the
report page and in the archived copy, so a plugin can neither break the page nor inject into
it. The plugin host checks every section before the back office uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: what a cell may hold: text, or an integer (a count, or yen: the column header says which)
Cell = str | int


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One table a plugin adds to a back-office report: a title, its column headers and
    rows of exactly as many cells (text, or integers the page shows grouped: ``1,234``)."""

    title: str  # e.g. "Points ポイント"
    columns: tuple[str, ...]  # the headers, e.g. ("Kiosk 端末", "Earned 付与", "Used 利用")
    rows: tuple[tuple[Cell, ...], ...] = ()  # each as long as ``columns``
    note: str = ""  # one line under the table (what the figures leave out), or nothing


def section_problem(section: ReportSection) -> str | None:
    """Why ``section``'s rows do not fit its columns, or None."""
    width = len(section.columns)
    if not isinstance(section.rows, tuple | list):
        return f"rows is {type(section.rows).__name__}, not a tuple of rows"
    for index, row in enumerate(section.rows):
        if not isinstance(row, tuple | list) or len(row) != width:
            return f"rows[{index}] is not a row of {width} cells (one per column)"
        for position, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, str | int):
                return f"rows[{index}][{position}] is {type(value).__name__}, not str or int"
    return None
