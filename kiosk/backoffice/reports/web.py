"""Managers' web pages: sign-in, live today, reports, search and exports.

Server-rendered HTML built with :mod:`kiosk.backoffice.html` (escaped by construction), one
small static script for the live page (``static/live.js``: an EventSource on ``/live/events``,
which sends the day's figures as sales are ingested).
Operations pages are in :mod:`web_ops`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from kiosk.backoffice import auth, exports, reports
from kiosk.backoffice.api import SESSION_COOKIE, Attendant, Manager, bo, parse_month, session_token
from kiosk.backoffice.audit import FAILURE, record
from kiosk.backoffice.bounds import INT32_MAX, INT64_MAX, whole_number
from kiosk.backoffice.charts import bar_chart
from kiosk.backoffice.errors import (
    BackofficeError,
    LoginFailed,
    TooManyLoginAttempts,
)
from kiosk.backoffice.html import Html, fmt, join, link, page, post_form, table, yen

router = APIRouter()
log = logging.getLogger(__name__)


async def form(request: Request) -> dict[str, str]:
    """The urlencoded form body (no python-multipart needed)."""
    body = (await request.body()).decode("utf-8")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def error_page(exc: BackofficeError) -> HTMLResponse:
    return page(
        "Problem",
        fmt('<p class="error">{}</p><p><a href="/">Back office</a></p>', str(exc)),
        None,
        status=exc.status,
    )


def csv_response(name: str, text: str) -> Response:
    # UTF-8 with BOM so Excel in Japan opens it correctly
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- sign in --------------------------------------------------------------------------------


@router.get("/login")
def login_page() -> HTMLResponse:
    fields = fmt("""
<label>User <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Sign in</button>""")
    return page("Sign in", post_form("/login", fields), None)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    data = await form(request)
    backoffice = bo(request)
    username = data.get("username", "")
    address = request.client.host if request.client else "?"
    now = backoffice.clock()
    # check → verify → count run without an await between them, so concurrent guesses are
    # counted one after another; moving auth.login to a thread would need a reservation here
    try:
        backoffice.logins.check(username, address, now)
    except TooManyLoginAttempts as exc:
        log.warning("sign-in refused for %r from %s: %s", username[:64], address, exc)
        raise
    try:
        with backoffice.db.transaction() as session:
            token = auth.login(session, username, data.get("password", ""), now)
    except LoginFailed:
        locks = backoffice.logins.failed(username, address, now)
        with backoffice.db.transaction() as session:
            actor, origin = username[:64] or "?", f"login:{address}"
            record(session, now, actor, "staff.login_failed", username[:200], origin=origin)
            for lock in locks:  # audited once per lock, not per refused attempt
                detail = {"key": lock.key, "failures": lock.failures, "seconds": lock.seconds}
                record(
                    session,
                    now,
                    actor,
                    "staff.login_locked",
                    username[:200],
                    detail,
                    result=FAILURE,
                    origin=origin,
                )
        raise
    backoffice.logins.succeeded(username, address)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.web_security.secure_cookies,
        max_age=auth.SESSION_HOURS * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = session_token(request)
    if token:
        with bo(request).db.transaction() as session:
            auth.logout(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        samesite="strict",
        secure=request.app.state.web_security.secure_cookies,
    )
    return response


# --- live today -----------------------------------------------------------------------------


# A stream also sends when nothing woke it for this long (a new business day); sales ingested
# by another worker wake it at once through the change feed on PostgreSQL. The default of
# Backoffice.live_refresh_s.
LIVE_REFRESH_S = 15.0


@router.get("/")
def today(request: Request, staff: Attendant) -> HTMLResponse:
    with bo(request).db.reading() as session:
        r = reports.day_report(session, bo(request).today(), departments=False)
    body = fmt(
        '<div class="card">Sales 件数<b id="sales">{:,}</b></div>'
        '<div class="card">Returns 返品<b id="returns">{:,}</b></div>'
        '<div class="card">Takings 売上<b id="total">{}</b></div>'
        '<p>Business day 営業日 <span id="title-day">{}</span>: updates as sales arrive '
        '(<span id="link">connecting 接続中…</span>, last <span id="updated">now</span>).</p>',
        r.sales,
        r.returns,
        yen(r.total),
        r.day,
    ) + _day_tables(r)
    return page(f"Today {r.day}", body, staff, scripts=("live.js",))


@router.get("/live/events")
async def live_events(request: Request, _: Attendant) -> StreamingResponse:
    """Server-Sent Events: today's figures, sent again after every ingest that applied sales."""
    backoffice = bo(request)

    def day_json() -> str:
        with backoffice.db.reading() as session:
            report = reports.day_report(session, backoffice.today(), departments=False)
        return json.dumps(report.to_json(), ensure_ascii=False)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        while not await request.is_disconnected():
            seen = backoffice.sales.version
            yield f"event: day\ndata: {await run_in_threadpool(day_json)}\n\n"
            await backoffice.sales.wait_async(seen, backoffice.live_refresh_s)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


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
        + table(("Method 支払方法", "Count 件数", "Amount ¥ 金額"), r.by_payment, id_="by-payment")
        + fmt("<h2>By tax rate 税率別</h2>")
        + table(
            ("Rate 税率", "Gross (tax incl.) ¥ 税込", "Tax ¥ 消費税"),
            [(f"{reports.RATE_PERCENT[c]}%", g, t) for c, g, t in r.by_tax],
            id_="by-tax",
        )
    )


# --- reports --------------------------------------------------------------------------------


@router.get("/reports/daily")
def daily(request: Request, staff: Manager, day: str | None = None) -> HTMLResponse:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        r = reports.day_report(session, d)
    r.sections = bo(request).plugin_results("kiosk_report_sections", report=r)
    nav = fmt(
        '<form><input type="date" name="day" value="{}"><button>Show</button> {} {} {}</form>',
        d,
        link(f"?day={d - timedelta(days=1)}", "← prev"),
        link(f"?day={d + timedelta(days=1)}", "next →"),
        link(f"/reports/daily.csv?day={d}", "CSV"),
    )
    return page(f"Daily report {d}", nav + daily_body(r), staff)


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
        # a plugin's section is text: str() and escaped, whatever object it returned
        + join(fmt("<section>{}</section>", str(s)) for s in r.sections)
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
        r = reports.month_report(session, year, mon)
    label = f"{year}-{mon:02d}"
    picker = fmt(
        '<form><input type="month" name="month" value="{}"><button>Show</button> {}</form>',
        label,
        link(f"/reports/monthly.csv?month={label}", "CSV"),
    )
    return page(f"Monthly report {label}", picker + monthly_body(r), staff)


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


@router.get("/reports/monthly.csv")
def monthly_csv(request: Request, _: Manager, month: str | None = None) -> Response:
    year, mon = _month(request, month)
    with bo(request).db.reading() as session:
        r = reports.month_report(session, year, mon)
    return csv_response(f"monthly-{year}-{mon:02d}.csv", monthly_csv_text(r))


@router.get("/reports/pl")
def profit_loss(request: Request, staff: Manager, month: str | None = None) -> HTMLResponse:
    year, mon = _month(request, month)
    first, last = reports.month_bounds(year, mon)
    with bo(request).db.reading() as session:
        lines = reports.profit_and_loss(session, first, last)
    rows = [
        (x.department, x.revenue, x.tax, x.net, x.cost_of_sales, x.shrinkage, x.gross_profit)
        for x in lines
    ]
    total = [sum(r[i] for r in rows) for i in range(1, 7)]
    body = (
        fmt(
            '<form><input type="month" name="month" value="{}"><button>Show</button></form>',
            f"{year}-{mon:02d}",
        )
        + table(
            (
                "Department",
                "Sales (incl. tax)",
                "Tax",
                "Net sales",
                "Cost of sales",
                "Shrinkage",
                "Gross profit",
            ),
            [*rows, ("Total", *total)],
        )
        + fmt(
            "<p>Tax is estimated per department from each line's rate; "
            "receipts round once per rate.</p>"
        )
    )
    return page(f"P&L by department {year}-{mon:02d}", body, staff)


# --- 電帳法 search and exports ----------------------------------------------------------------


def _search_query(params: dict[str, str], request: Request) -> exports.SearchQuery:
    def number(key: str) -> int | None:
        value = params.get(key, "").strip()
        # the yen columns are int32: a bound past them is refused, not sent to the database
        return whole_number(value, key, -INT32_MAX, INT32_MAX) if value else None

    return exports.SearchQuery(
        bo(request).day(params["date_from"]) if params.get("date_from") else None,
        bo(request).day(params["date_to"]) if params.get("date_to") else None,
        number("amount_min"),
        number("amount_max"),
        params.get("counterparty", "").strip() or None,
        limit=100,
        offset=whole_number(params.get("offset") or "0", "offset", 0, INT64_MAX),
    )


@router.get("/search")
def search_page(request: Request, staff: Manager) -> HTMLResponse:
    params = dict(request.query_params)
    q = _search_query(params, request)
    fields = join(
        fmt('<label>{} <input name="{}" type="{}" value="{}"></label> ', label, name, kind,
            params.get(name, ""))
        for name, label, kind in (
            ("date_from", "Date from 取引日", "date"), ("date_to", "to", "date"),
            ("amount_min", "Amount from 金額", "number"), ("amount_max", "to", "number"),
            ("counterparty", "Counterparty 取引先", "text"),
        )
    )  # fmt: skip
    body = fmt('<form id="search">{}<button>Search</button></form>', fields)
    if params:
        with bo(request).db.reading() as session:
            total, rows = exports.search(session, q)
        csv_link = "/search.csv?" + urlencode({k: v for k, v in params.items() if k != "offset"})
        body += fmt(
            '<p><span id="hits">{:,}</span> sale(s) match. {}</p>', total, link(csv_link, "CSV")
        )
        body += table(exports.SEARCH_COLUMNS, exports.search_rows(rows), id_="results")
        if q.offset + q.limit < total:
            more = urlencode(params | {"offset": str(q.offset + q.limit)})
            body += link(f"/search?{more}", "next page →")
    return page("電子帳簿保存法 search", body, staff)


@router.get("/search.csv")
def search_csv(request: Request, _: Manager) -> Response:
    q = _search_query(dict(request.query_params), request)
    rows: list = []
    with bo(request).db.reading() as session:
        offset = 0
        for _page in range(10_000):  # bounded: at most 10 M rows
            _, found = exports.search(
                session,
                exports.SearchQuery(**{**q.__dict__, "limit": exports.MAX_PAGE, "offset": offset}),
            )
            rows.extend(exports.search_rows(found))
            if len(found) < exports.MAX_PAGE:
                break
            offset += exports.MAX_PAGE
    return csv_response("search.csv", exports.to_csv(exports.SEARCH_COLUMNS, rows))


@router.get("/exports/accounting.csv")
def accounting_csv(request: Request, date_from: str, date_to: str, _: Manager) -> Response:
    first, last = bo(request).day(date_from), bo(request).day(date_to)
    with bo(request).db.reading() as session:
        text = exports.to_csv(
            exports.JOURNAL_COLUMNS, exports.accounting_rows(session, first, last)
        )
    return csv_response(f"journal-{first}-{last}.csv", text)
