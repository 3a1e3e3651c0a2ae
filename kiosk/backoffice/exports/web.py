"""The 電帳法 search page, its CSV and the accounting CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.bounds import INT32_MAX, INT64_MAX, whole_number
from kiosk.backoffice.core.deps import (
    Manager,
    bo,
)
from kiosk.backoffice.core.pages import csv_response, template_page
from kiosk.backoffice.exports import service as exports

router = APIRouter()


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


#: the page's header for each of exports.SEARCH_COLUMNS (the CSV keeps the ids)
SEARCH_HEADERS = (
    "Time 取引日時", "Sale 取引番号", "Kiosk 端末", "Receipt レシート", "Total ¥ 金額",
    "Tax ¥ 消費税", "Counterparty 取引先",
)  # fmt: skip
SEARCH_FIELDS = (
    ("date_from", "Date from 取引日", "date"), ("date_to", "to 〜", "date"),
    ("amount_min", "Amount from 金額", "number"), ("amount_max", "to 〜", "number"),
    ("counterparty", "Counterparty 取引先", "text"),
)  # fmt: skip


@router.get("/search")
def search_page(request: Request, staff: Manager) -> HTMLResponse:
    params = dict(request.query_params)
    q = _search_query(params, request)
    found: dict[str, object] = {"searched": bool(params)}
    if params:
        with bo(request).db.reading() as session:
            total, rows = exports.search(session, q)
        more = ""
        if q.offset + q.limit < total:
            more = "/search?" + urlencode(params | {"offset": str(q.offset + q.limit)})
        found |= {
            "total": total,
            "rows": list(exports.search_rows(rows)),  # a list: the headers follow its first row
            "csv_link": "/search.csv?"
            + urlencode({k: v for k, v in params.items() if k != "offset"}),
            "more": more,
        }
    return template_page(
        "exports/search.html",
        "Search 電子帳簿保存法検索",
        staff,
        params=params,
        fields=SEARCH_FIELDS,
        columns=SEARCH_HEADERS,
        **found,
    )


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
