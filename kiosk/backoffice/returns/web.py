"""Looking up a sale and its returns (返品) in the back office.

- ``GET /api/v1/returns/sale`` (attendant): ``sale_id``, or ``kiosk_id`` + ``receipt_no``;
  the sale's document, its returns (with any double-return flag) and the units each line
  still has returnable across every kiosk.
- ``GET /returns`` (attendant): the same as a page, and the flagged returns of the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.core.bounds import INT32_MAX, whole_number
from kiosk.backoffice.core.deps import Attendant, Manager, bo
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.html import Html, fmt, link, page, table, yen
from kiosk.backoffice.returns.ingest import sale_returns
from kiosk.backoffice.returns.labels import reason_label
from kiosk.backoffice.returns.models import ReturnRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.sales.reconcile import reconcile

router = APIRouter()


def _sale_id(session: Session, params: Any) -> str:
    if params.get("sale_id"):
        return str(params["sale_id"])[:36]
    kiosk_id, receipt_no = params.get("kiosk_id"), params.get("receipt_no")
    if not (kiosk_id and receipt_no):
        raise InvalidInput("give sale_id, or kiosk_id and receipt_no")
    if not str(receipt_no).isdigit():
        raise InvalidInput(f"receipt_no {str(receipt_no)[:20]!r}: a number")
    found = session.scalars(
        select(SaleRow.sale_id).where(
            SaleRow.kiosk_id == str(kiosk_id)[:32], SaleRow.receipt_no == int(receipt_no)
        )
    ).first()
    if found is None:
        raise InvalidInput(f"no sale with receipt {receipt_no} from kiosk {kiosk_id}")
    return found


def _return_json(row: ReturnRow) -> dict[str, Any]:
    return {
        "return_id": row.return_id,
        "kiosk_id": row.kiosk_id,
        "return_no": row.return_no,
        "completed_at": row.completed_at.isoformat(),
        "total": row.total,
        "reason": row.reason,
        "staff_id": row.staff_id,
        "approved_by": row.approved_by,
        "flag": row.flag,
    }


@router.get("/api/v1/returns/sale")
def sale_api(request: Request, _: Attendant) -> dict[str, Any]:
    with bo(request).db.reading() as session:
        sale_id = _sale_id(session, request.query_params)
        sale, returns, left = sale_returns(session, sale_id)
    return {
        "sale_id": sale_id,
        "sale": sale,
        "returns": [_return_json(r) for r in returns],
        "returnable": {str(k): v for k, v in sorted(left.items())},
    }


@router.get("/returns")
def returns_page(request: Request, staff: Attendant) -> HTMLResponse:
    params = request.query_params
    body = fmt(
        '<form id="find"><label>Sale id 取引番号 <input name="sale_id" value="{}"></label> or '
        '<label>Kiosk 端末 <input name="kiosk_id" value="{}" size="6"></label> '
        '<label>Receipt No. レシート番号 <input name="receipt_no" value="{}" size="8"></label> '
        "<button>Find 検索</button></form>",
        params.get("sale_id", ""),
        params.get("kiosk_id", ""),
        params.get("receipt_no", ""),
    )
    body += fmt(
        '<form id="search"><label>Business date 営業日 <input type="date" name="date" value="{}">'
        '</label> <label>Total ¥ 合計 <input name="total" value="{}" size="8"></label> '
        "<button>Search 検索</button></form>",
        params.get("date", ""),
        params.get("total", ""),
    )
    with bo(request).db.reading() as session:
        if params.get("date") or params.get("total"):
            body += _search(session, request)
        if any(params.get(k) for k in ("sale_id", "kiosk_id", "receipt_no")):
            body += _sale_section(session, _sale_id(session, params))
        flagged = list(
            session.scalars(
                select(ReturnRow).where(ReturnRow.flag != "").order_by(ReturnRow.completed_at)
            )
        )
    body += fmt("<h2>Double returns 二重返品</h2>") + _table_or_none(
        ("Return 返品", "Kiosk 端末", "Sale 取引", "When 日時", "Refund 返金", "Problem 問題"),
        [
            (
                r.return_no,
                r.kiosk_id,
                r.original_sale_id,
                _when(r.completed_at),
                yen(-r.total),
                r.flag,
            )
            for r in flagged
        ],
        id_="flagged",
    )
    return page("Returns 返品", body, staff)


def _search(session: Session, request: Request) -> Html:
    """Sales by business date and/or total (a shopper without the receipt)."""
    params = request.query_params
    query = select(SaleRow).where(SaleRow.total > 0).order_by(SaleRow.completed_at).limit(50)
    if params.get("date"):
        query = query.where(SaleRow.business_date == bo(request).day(params["date"]))
    if params.get("total"):
        total = whole_number(params["total"], "total", 0, INT32_MAX)  # an int32 column
        query = query.where(SaleRow.total == total)
    rows = [
        (
            link(f"/returns?sale_id={row.sale_id}", row.sale_id),
            row.kiosk_id,
            row.receipt_no,
            _when(row.completed_at),
            yen(row.total),
        )
        for row in session.scalars(query)
    ]
    return fmt("<h2>Sales found 該当する取引</h2>") + _table_or_none(
        ("Sale 取引", "Kiosk 端末", "Receipt レシート", "When 日時", "Total 合計"),
        rows,
        id_="found",
    )


def _sale_section(session: Session, sale_id: str) -> Html:
    sale, returns, left = sale_returns(session, sale_id)
    if sale is None:
        out = fmt(
            '<p class="bad">Sale {} is not here yet (its kiosk has not synced). '
            "この取引はまだ届いていません(端末が未送信)。</p>",
            sale_id,
        )
    else:
        # the id on its own line: a 36-character id in the heading broke the date in two
        out = fmt(
            '<h2>Sale 取引: kiosk 端末 {}, receipt レシート {}, {}</h2><p class="id">{}</p>',
            sale.get("kiosk_id", ""),
            sale.get("receipt_no", ""),
            _when_text(str(sale.get("completed_at", ""))),
            sale_id,
        )
        paid = {int(a["line_id"]): int(a["paid"]) for a in sale.get("allocation") or ()}
        out += table(
            ("Line 行", "Item 商品", "Rate 税率", "Sold 販売", "Paid 支払", "Returnable 返品可"),
            [
                (
                    line["line_id"],
                    line.get("name_ja") or line["sku"],
                    "8%※" if line.get("tax") == "reduced" else "10%",
                    f"{line['weight_g']} g"
                    if line.get("weight_g") is not None
                    else line["quantity"],
                    yen(paid.get(int(line["line_id"]), int(line["amount"]))),
                    left.get(int(line["line_id"]), 0),
                )
                for line in sale["lines"]
                if not line.get("voided")
            ],
            id_="sale-lines",
        )
    out += fmt("<h2>Returns of this sale この取引の返品</h2>") + _table_or_none(
        (
            "Return 返品",
            "Kiosk 端末",
            "When 日時",
            "Refund 返金",
            "Reason 理由",
            "Staff 担当",
            "Approved by 承認",
            "Problem 問題",
        ),
        [
            (
                r.return_no,
                r.kiosk_id,
                _when(r.completed_at),
                yen(-r.total),
                reason_label(r.reason),
                r.staff_id,
                r.approved_by or "",
                r.flag,
            )
            for r in returns
        ],
        id_="returns",
    )
    return out


@router.get("/api/v1/reports/reconcile")
def reconcile_api(request: Request, _: Manager, day: str | None = None) -> dict[str, Any]:
    """Per store: departments + discounts + tax added = takings = tenders, and the returns."""
    with bo(request).db.reading() as session:
        found = reconcile(session, bo(request).day(day))
    return {"stores": [entry.to_json() for entry in found]}


def _when(at: datetime) -> str:
    """To the minute, as the receipts print it (seconds and a 'T' only clutter the tables)."""
    return at.strftime("%Y-%m-%d %H:%M")


def _when_text(iso: str) -> str:
    try:
        return _when(datetime.fromisoformat(iso))
    except ValueError:  # an odd document: show what it says rather than nothing
        return iso


def _table_or_none(header: Sequence[str], rows: list, *, id_: str) -> Html:
    """The table, or "none なし" instead of a header row with nothing under it."""
    if not rows:
        return fmt('<p id="{}" class="none">None なし</p>', id_)
    return table(header, rows, id_=id_)
