"""電子帳簿保存法 search API for integrations (staff session)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kiosk.backoffice.core.bounds import Limit, Offset, YenFilter
from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.exports import service as exports

router = APIRouter(prefix="/api/v1")


@router.get("/search")
def search_sales(
    request: Request,
    _: Manager,
    date_from: str | None = None,
    date_to: str | None = None,
    amount_min: YenFilter = None,
    amount_max: YenFilter = None,
    counterparty: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """電子帳簿保存法 search: date range, amount range and counterparty, combined."""
    query = exports.SearchQuery(
        bo(request).day(date_from) if date_from else None,
        bo(request).day(date_to) if date_to else None,
        amount_min,
        amount_max,
        counterparty or None,
        limit,
        offset,
    )
    with bo(request).db.reading() as session:
        total, rows = exports.search(session, query)
        return {
            "total": total,
            "sales": [
                dict(zip(exports.SEARCH_COLUMNS, r, strict=True)) for r in exports.search_rows(rows)
            ],
        }
