"""A kiosk asks for another kiosk's sale to return goods of it (cross-kiosk 返品).

``GET /api/v1/kiosk/returns/sale?kiosk_id=K02&receipt_no=42`` (``Authorization: Bearer
<kiosk token>``): the original sale's document, the return documents made against it on
every kiosk (so the asking kiosk counts them before it takes units back) and the units each
line still has returnable. The query is checked here (a kiosk id, a receipt number in the
int32 column's range); the kiosk checks the answer at its own door
(:mod:`kiosk.runtime.return_lookup`). A double return made while kiosks were offline is
still flagged at ingest (:mod:`kiosk.backoffice.returns.ingest`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from kiosk.backoffice.core.bounds import INT32_MAX
from kiosk.backoffice.core.deps import KioskToken, bo
from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.returns.ingest import sale_returns
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter()

MAX_KIOSK_ID = 32  # bo_sales.kiosk_id


def _query(params: Any) -> tuple[str, int]:
    kiosk_id, receipt_no = str(params.get("kiosk_id") or ""), str(params.get("receipt_no") or "")
    if not kiosk_id or len(kiosk_id) > MAX_KIOSK_ID:
        raise InvalidInput(f"kiosk_id: 1 to {MAX_KIOSK_ID} characters")
    if not receipt_no.isascii() or not receipt_no.isdigit() or int(receipt_no) > INT32_MAX:
        raise InvalidInput(f"receipt_no {receipt_no[:20]!r}: a number up to {INT32_MAX}")
    return kiosk_id, int(receipt_no)


@router.get("/api/v1/kiosk/returns/sale")
def kiosk_sale_for_return(request: Request, token: KioskToken) -> dict[str, Any]:
    kiosk_id, receipt_no = _query(request.query_params)
    with bo(request).db.reading() as session:
        authenticate_kiosk(session, token)
        sale_id = session.scalars(
            select(SaleRow.sale_id).where(
                SaleRow.kiosk_id == kiosk_id,
                SaleRow.receipt_no == receipt_no,
                SaleRow.total >= 0,  # a sale, not a return's negative row
            )
        ).first()
        if sale_id is None:
            raise NotFound(f"no sale with receipt {receipt_no} from kiosk {kiosk_id}")
        sale, returns, left = sale_returns(session, sale_id)
    if sale is None:
        raise NotFound(f"no sale {sale_id}")
    return {
        "sale": sale,
        "returns": [dict(r.document) for r in returns],
        "returnable": {str(k): v for k, v in sorted(left.items())},
    }
