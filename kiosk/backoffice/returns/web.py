"""Looking up a sale and its returns (返品) in the back office.

- ``GET /api/v1/returns/sale`` (attendant): ``sale_id``, or ``kiosk_id`` + ``receipt_no``;
  the sale's document, its returns (with any double-return flag) and the units each line
  still has returnable across every kiosk.
- ``GET /returns`` (attendant): the same as a page, and the flagged returns of the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.core.bounds import INT32_MAX, whole_number
from kiosk.backoffice.core.deps import Attendant, Manager, bo
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.pages import template_page
from kiosk.backoffice.core.templates import Link, yen
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
    found, sale = None, None
    with bo(request).db.reading() as session:
        if params.get("date") or params.get("total"):
            found = _search(session, request)
        if any(params.get(k) for k in ("sale_id", "kiosk_id", "receipt_no")):
            sale = _sale_section(session, _sale_id(session, params))
        flagged = list(
            session.scalars(
                select(ReturnRow).where(ReturnRow.flag != "").order_by(ReturnRow.completed_at)
            )
        )
    rows = [
        (r.return_no, r.kiosk_id, r.original_sale_id, _when(r.completed_at), yen(-r.total), r.flag)
        for r in flagged
    ]
    return template_page(
        "returns/returns.html",
        "Returns 返品",
        staff,
        params=params,
        found=found,
        sale=sale,
        flagged=rows,
    )


def _search(session: Session, request: Request) -> list[tuple[object, ...]]:
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
            Link(f"/returns?{urlencode({'sale_id': row.sale_id})}", row.sale_id),
            row.kiosk_id,
            row.receipt_no,
            _when(row.completed_at),
            yen(row.total),
        )
        for row in session.scalars(query)
    ]
    return rows


def _sale_section(session: Session, sale_id: str) -> dict[str, Any]:
    """One sale's lines and returns (or that it has not arrived) for the template."""
    sale, returns, left = sale_returns(session, sale_id)
    out: dict[str, Any] = {"sale_id": sale_id, "missing": sale is None}
    if sale is not None:
        paid = {int(a["line_id"]): int(a["paid"]) for a in sale.get("allocation") or ()}
        out |= {
            "kiosk_id": sale.get("kiosk_id", ""),
            "receipt_no": sale.get("receipt_no", ""),
            "when": _when_text(str(sale.get("completed_at", ""))),
            "lines": [
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
        }
    out["returns"] = [
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
    ]
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
