"""What the report documents show, as rows for their templates, and their CSV rows.

Pure functions of a report, shared by the report pages and the report archive (no request,
no route, no markup: ``reports/templates/*.html`` lays them out), so the archive service
needs no page module.
"""

from __future__ import annotations

from typing import Any

from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.reports.charts import bar_chart
from kiosk.backoffice.reports.labels import department_label, method_label
from kiosk.backoffice.returns.labels import reason_label


def day_tables(r: reports.DayReport) -> dict[str, Any]:
    """The tables Today and the daily report share (``reports/day_tables.html``)."""
    return {
        "hour_chart": bar_chart([(f"{h}", t) for h, _, t in r.by_hour], title="sales by hour"),
        "by_hour": [(f"{h}:00", n, t) for h, n, t in r.by_hour],
        "by_kiosk": r.by_kiosk,
        "by_payment": [(method_label(m, r.tenders.get(m)), n, a) for m, n, a in r.by_payment],
        "by_tax": [(f"{reports.RATE_PERCENT[c]}%", g, t) for c, g, t in r.by_tax],
    }


def daily_context(r: reports.DayReport) -> dict[str, Any]:
    """The day report without the page's date picker (``reports/daily_body.html``, shared
    with the report archive)."""
    return {
        "report": r,
        **day_tables(r),
        "by_department": [(department_label(d), q, a) for d, q, a in r.by_department],
        "return_lines": [(*line[:4], reason_label(line[4]), *line[5:]) for line in r.return_lines],
        # a plugin's sections are data (kiosk.domain.report_section, checked by the plugin
        # host): the template lays them out, escaped
        "sections": r.sections,
    }


DAILY_CSV_COLUMNS = ("section", "key", "count", "amount")


def daily_csv_rows(r: reports.DayReport) -> list[tuple[str, str, int | str, int]]:
    rows: list[tuple[str, str, int | str, int]] = [("total", "", r.sales, r.total)]
    rows += [("hour", f"{h:02d}", n, t) for h, n, t in r.by_hour]
    rows += [("kiosk", k, n, t) for k, n, t in r.by_kiosk]
    rows += [("payment", m, n, a) for m, n, a in r.by_payment]
    rows += [("tax", f"{reports.RATE_PERCENT[c]}%", g, t) for c, g, t in r.by_tax]
    rows += [("department", dep, q, a) for dep, q, a in r.by_department]
    return rows


MONTHLY_CSV_COLUMNS = ("day", *reports.MONTH_COLUMNS)


def monthly_context(r: reports.MonthReport) -> dict[str, Any]:
    """The month report without the page's month picker (``reports/monthly_body.html``,
    shared with the report archive)."""
    return {
        "report": r,
        "day_chart": bar_chart([(d["day"][-2:], d["total"]) for d in r.days], title="sales by day"),
        "days": [[d[c] for c in MONTHLY_CSV_COLUMNS] for d in r.days],
    }


def monthly_csv_text(r: reports.MonthReport) -> str:
    return exports.to_csv(
        MONTHLY_CSV_COLUMNS, ([d[c] for c in MONTHLY_CSV_COLUMNS] for d in r.days)
    )
