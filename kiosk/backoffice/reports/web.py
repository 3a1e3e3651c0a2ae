"""Managers' web pages: sign-in, live today, reports, search and exports.

Server-rendered from ``reports/templates/`` (Jinja2, autoescaped), one
small static script for the live page (``static/live.js``: an EventSource on ``/live/events``,
which sends the day's figures as sales are ingested).
Operations pages are in :mod:`web_ops`.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from kiosk.backoffice.core import sse
from kiosk.backoffice.core.deps import (
    Attendant,
    Manager,
    bo,
    parse_month,
)
from kiosk.backoffice.core.pages import csv_response, template_page
from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.reports.labels import department_label, method_label
from kiosk.backoffice.reports.views import (
    DAILY_CSV_COLUMNS,
    daily_context,
    daily_csv_rows,
    day_tables,
    monthly_context,
    monthly_csv_text,
)

router = APIRouter()


# --- sign in --------------------------------------------------------------------------------


# --- live today -----------------------------------------------------------------------------


@router.get("/")
def today(request: Request, staff: Attendant) -> HTMLResponse:
    with bo(request).db.reading() as session:
        r = reports.day_report(session, bo(request).today(), departments=False)
    return template_page(
        "reports/today.html", f"Today 本日 {r.day}", staff, scripts=("live.js",), report=r,
        **day_tables(r),
    )  # fmt: skip


@router.get("/live/events")
async def live_events(request: Request, _: Attendant) -> StreamingResponse:
    """Server-Sent Events: today's figures, sent again after every ingest that applied sales."""
    backoffice = bo(request)

    def day() -> dict:
        with backoffice.db.reading() as session:
            report = reports.day_report(session, backoffice.today(), departments=False)
        day = report.to_json()
        for row in day["by_payment"]:  # the page shows labels; the JSON API keeps the ids
            row["label"] = method_label(row["method"], report.tenders.get(row["method"]))
        return day

    return sse.stream(request, backoffice.sales, "day", day, backoffice.live_refresh_s)


# --- reports --------------------------------------------------------------------------------


@router.get("/reports/daily")
def daily(request: Request, staff: Manager, day: str | None = None) -> HTMLResponse:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        r = reports.day_report(session, d)
    r.sections = bo(request).plugin_results("kiosk_report_sections", report=r)
    return template_page(
        "reports/daily.html",
        f"Daily report 日報 {d}",
        staff,
        day=d,
        prev=d - timedelta(days=1),
        next=d + timedelta(days=1),
        **daily_context(r),
    )


@router.get("/reports/daily.csv")
def daily_csv(request: Request, _: Manager, day: str | None = None) -> Response:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        r = reports.day_report(session, d)
    return csv_response(f"daily-{d}.csv", exports.to_csv(DAILY_CSV_COLUMNS, daily_csv_rows(r)))


def _month(request: Request, month: str | None) -> tuple[int, int]:
    if month:
        return parse_month(month)
    today_ = bo(request).today()
    return today_.year, today_.month


@router.get("/reports/monthly")
def monthly(request: Request, staff: Manager, month: str | None = None) -> HTMLResponse:
    year, mon = _month(request, month)
    with bo(request).db.reading() as session:
        r = reports.month_report(session, year, mon, bo(request).today())
    label = f"{year}-{mon:02d}"
    return template_page(
        "reports/monthly.html",
        f"Monthly report 月報 {label}",
        staff,
        month=label,
        **monthly_context(r),
    )


@router.get("/reports/monthly.csv")
def monthly_csv(request: Request, _: Manager, month: str | None = None) -> Response:
    year, mon = _month(request, month)
    with bo(request).db.reading() as session:
        r = reports.month_report(session, year, mon, bo(request).today())
    return csv_response(f"monthly-{year}-{mon:02d}.csv", monthly_csv_text(r))


@router.get("/reports/pl")
def profit_loss(request: Request, staff: Manager, month: str | None = None) -> HTMLResponse:
    year, mon = _month(request, month)
    first, last = reports.month_bounds(year, mon)
    with bo(request).db.reading() as session:
        lines = reports.profit_and_loss(session, first, last)
    rows = [
        (
            department_label(x.department),
            x.revenue,
            x.tax,
            x.net,
            x.cost_of_sales,
            x.shrinkage,
            x.gross_profit,
        )
        for x in lines
    ]
    total = [sum(r[i] for r in rows) for i in range(1, 7)]
    label = f"{year}-{mon:02d}"
    return template_page(
        "reports/pl.html",
        f"P&L by department 部門別損益 {label}",
        staff,
        month=label,
        rows=[*rows, ("Total 合計", *total)],
    )


# --- 電帳法 search and exports ----------------------------------------------------------------
