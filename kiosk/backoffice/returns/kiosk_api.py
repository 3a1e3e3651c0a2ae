"""A kiosk asks for another kiosk's sale to return goods of it (cross-kiosk 返品).

``GET /api/v1/kiosk/returns/sale?receipt_no=42[&kiosk_id=K02][&date=2026-12-06]``
(``Authorization: Bearer <kiosk token>``): the original sale's document, the return
documents made against it on every kiosk (so the asking kiosk counts them before it takes
units back) and the units each line still has returnable. The kiosk and the business date
are optional (staff typed only the receipt number): when several sales match, the answer is
``409 SeveralSales`` with ``candidates`` (kiosk, receipt, time, total; newest first) for
staff to choose from. The query is checked here (a kiosk id, a receipt number in the int32
column's range, an ISO date); the kiosk checks the answer at its own door
(:mod:`kiosk.runtime.return_lookup`). A double return made while kiosks were offline is
still flagged at ingest (:mod:`kiosk.backoffice.returns.ingest`). A kiosk sees only its own
store's sales: another store's are answered as not found (their documents name members and
tenders that kiosk has no business reading).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from kiosk.backoffice.core.bounds import INT32_MAX
from kiosk.backoffice.core.deps import KioskToken, bo
from kiosk.backoffice.core.errors import BackofficeError, InvalidInput, NotFound
from kiosk.backoffice.returns.ingest import sale_returns
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter()

MAX_KIOSK_ID = 32  # bo_sales.kiosk_id


MAX_CANDIDATES = 10  # newest first; staff narrow it with the kiosk or the date


class SeveralSales(BackofficeError):
    """More than one kiosk's sale has this receipt number: choose one of ``candidates``."""

    status = 409

    def __init__(self, receipt_no: int, candidates: list[dict[str, Any]]) -> None:
        super().__init__(f"several sales have receipt {receipt_no}: give the kiosk or the date")
        self.body = {"candidates": candidates}


def _query(params: Any) -> tuple[str, int, date | None]:
    kiosk_id, receipt_no = str(params.get("kiosk_id") or ""), str(params.get("receipt_no") or "")
    if len(kiosk_id) > MAX_KIOSK_ID:
        raise InvalidInput(f"kiosk_id: up to {MAX_KIOSK_ID} characters")
    if not receipt_no.isascii() or not receipt_no.isdigit() or int(receipt_no) > INT32_MAX:
        raise InvalidInput(f"receipt_no {receipt_no[:20]!r}: a number up to {INT32_MAX}")
    day_text = str(params.get("date") or "")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise InvalidInput(f"date {day_text[:20]!r}: YYYY-MM-DD") from None
    return kiosk_id, int(receipt_no), day


@router.get("/api/v1/kiosk/returns/sale")
def kiosk_sale_for_return(request: Request, token: KioskToken) -> dict[str, Any]:
    kiosk_id, receipt_no, day = _query(request.query_params)
    with bo(request).db.reading() as session:
        kiosk = authenticate_kiosk(session, token)
        query = select(SaleRow.sale_id, SaleRow.kiosk_id, SaleRow.completed_at, SaleRow.total)
        query = query.where(
            SaleRow.store_id == kiosk.store_id,  # goods go back to the store that sold them
            SaleRow.receipt_no == receipt_no,
            SaleRow.total >= 0,  # a sale, not a return's negative row
        )
        if kiosk_id:
            query = query.where(SaleRow.kiosk_id == kiosk_id)
        if day is not None:
            query = query.where(SaleRow.business_date == day)
        rows = session.execute(
            query.order_by(SaleRow.completed_at.desc()).limit(MAX_CANDIDATES)
        ).all()
        if not rows:
            where = f" from kiosk {kiosk_id}" if kiosk_id else ""
            raise NotFound(f"no sale with receipt {receipt_no}{where}")
        if len(rows) > 1:
            raise SeveralSales(
                receipt_no,
                [
                    {
                        "kiosk_id": row.kiosk_id,
                        "receipt_no": receipt_no,
                        "completed_at": row.completed_at.isoformat(timespec="seconds"),
                        "total": row.total,
                    }
                    for row in rows
                ],
            )
        sale_id = rows[0].sale_id
        sale, returns, left = sale_returns(session, sale_id)
    if sale is None:
        raise NotFound(f"no sale {sale_id}")
    return {
        "sale": sale,
        "returns": [dict(r.document) for r in returns],
        "returnable": {str(k): v for k, v in sorted(left.items())},
    }
