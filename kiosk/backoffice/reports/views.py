"""Report documents as escaped HTML and CSV rows.

Pure functions of a report, shared by the report pages and the report archive (no request,
no route), so the archive service needs no page module.
"""

from __future__ import annotations

from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.html import Html, fmt, join, table, yen
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.reports.charts import bar_chart
from kiosk.backoffice.reports.labels import method_label
from kiosk.backoffice.returns.labels import reason_label
from kiosk.domain.report_section import ReportSection


def report_section(section: ReportSection) -> Html:
    """A plugin's section (``kiosk_report_sections``) as a titled table: its text escaped,
    its integers grouped (the plugin gives data, never markup)."""
    note = fmt("<p>{}</p>", section.note) if section.note else Html()
    return fmt(
        "<section><h2>{}</h2>{}{}</section>",
        section.title,
        table(section.columns, section.rows),
        note,
    )


def _day_tables(r: reports.DayReport) -> Html:
    return (
        fmt("<h2>By hour 時間帯別</h2>")
        + bar_chart([(f"{h}", t) for h, _, t in r.by_hour], title="sales by hour")
        + table(
            ("Hour 時間", "Sales 件数", "Total ¥ 合計"),
            [(f"{h}:00", n, t) for h, n, t in r.by_hour],
            id_="by-hour",
        )
        + fmt("<h2>By kiosk 端末別</h2>")
        + table(("Kiosk 端末", "Sales 件数", "Total ¥ 合計"), r.by_kiosk, id_="by-kiosk")
        + fmt("<h2>By payment method 支払方法別</h2>")
        + table(
            ("Method 支払方法", "Count 件数", "Amount ¥ 金額"),
            [(method_label(m), n, a) for m, n, a in r.by_payment],
            id_="by-payment",
        )
        + fmt("<h2>By tax rate 税率別</h2>")
        + table(
            ("Rate 税率", "Gross (tax incl.) ¥ 税込", "Tax ¥ 消費税"),
            [(f"{reports.RATE_PERCENT[c]}%", g, t) for c, g, t in r.by_tax],
            id_="by-tax",
        )
    )


def daily_body(r: reports.DayReport) -> Html:
    """The day report without the page's date picker (shared with the report archive)."""
    return (
        fmt(
            '<div class="card">Sales<b>{:,}</b></div><div class="card">Total<b>{}</b></div>'
            '<div class="card">Tax<b>{}</b></div>',
            r.sales,
            yen(r.total),
            yen(r.tax_total),
        )
        + _day_tables(r)
        + fmt("<h2>By department 部門別</h2>")
        + table(("Department", "Qty", "Amount ¥"), r.by_department)
        + fmt("<h2>Discounts 値引</h2>")
        + (
            table(("Discount 値引", "Count 件数", "Amount ¥ 金額"), r.discounts, id_="discounts")
            if r.discounts
            else fmt("<p>None なし</p>")
        )
        + fmt("<h2>Returns 返品</h2>")
        + (
            table(
                (
                    "Time 時刻",
                    "Kiosk 端末",
                    "Return 返品番号",
                    "Sale 元取引",
                    "Reason 理由",
                    "Refund ¥ 返金",
                ),
                [(*line[:4], reason_label(line[4]), *line[5:]) for line in r.return_lines],
                id_="return-lines",
            )
            if r.return_lines
            else fmt("<p>None なし</p>")
        )
        + join(report_section(s) for s in r.sections)
    )


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


def monthly_body(r: reports.MonthReport) -> Html:
    """The month report without the page's month picker (shared with the report archive)."""
    rows = [[d[c] for c in MONTHLY_CSV_COLUMNS] for d in r.days]
    return (
        fmt(
            '<div class="card">Sales<b>{:,}</b></div><div class="card">Total<b>{}</b></div>',
            r.sales,
            yen(r.total),
        )
        + bar_chart([(d["day"][-2:], d["total"]) for d in r.days], title="sales by day")
        + table(("Day", "Sales", "Total ¥", "10% gross", "10% tax", "8% gross", "8% tax"), rows)
    )


def monthly_csv_text(r: reports.MonthReport) -> str:
    return exports.to_csv(
        MONTHLY_CSV_COLUMNS, ([d[c] for c in MONTHLY_CSV_COLUMNS] for d in r.days)
    )
