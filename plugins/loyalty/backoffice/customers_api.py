"""Integration API for customers and campaigns (staff session, manager; like ``/api/v1``).

The same data as the pages, with the same masking (admins see whole member ids) and the
same audit of every look at one member's history.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kiosk.backoffice.plugin_api import Limit, Manager, Offset, Staff, bo
from plugins.loyalty.backoffice import campaigns, customers
from plugins.loyalty.backoffice.customers_web import PAGE_SIZE, period, view_history

router = APIRouter(prefix="/api/v1")


def _member(m: customers.MemberSummary, staff: Staff) -> dict[str, Any]:
    return {
        "member": customers.shown_member(m.member_id, staff),
        "segment": m.segment,
        "last_visit": m.last_visit.isoformat(),
        "recency_days": m.rfm.recency_days,
        "visits": m.visits,
        "spend": m.spend,
        "r": m.rfm.r,
        "f": m.rfm.f,
        "m": m.rfm.m,
    }


@router.get("/customers")
def list_customers(
    request: Request,
    staff: Manager,
    sort: str = "last_visit",
    order: str = "desc",
    segment: str | None = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Members with a sale in the RFM window: segment, last visit, visits, spend (paged)."""
    with bo(request).db.reading() as session:
        result = customers.member_page(
            session, bo(request).clock(), sort=sort, descending=order != "asc", segment=segment,
            limit=limit, offset=offset,
        )  # fmt: skip
    return {
        "total": result.total,
        "segments": result.segments,
        "members": [_member(m, staff) for m in result.members],
    }


@router.get("/customers/segments")
def segment_counts(request: Request, _: Manager) -> dict[str, Any]:
    """How many members each RFM segment has now."""
    now = bo(request).clock()
    with bo(request).db.reading() as session:
        counts = customers.segment_counts(customers.scored_members(session, now))
    return {"as_of": now.isoformat(), "window_days": customers.WINDOW_DAYS, "segments": counts}


@router.get("/customers/{member_id}")
def member_history(
    request: Request, member_id: str, staff: Manager, offset: Offset = 0
) -> dict[str, Any]:
    """One member's purchases (newest first, paged), visits per month and RFM (audited)."""
    h = view_history(request, staff, member_id, max(0, offset))
    return {
        "member": customers.shown_member(member_id, staff),
        "segment": h.rfm.segment if h.rfm else None,
        "rfm": {"recency_days": h.rfm.recency_days, "r": h.rfm.r, "f": h.rfm.f, "m": h.rfm.m}
        if h.rfm
        else None,
        "first_visit": h.first_visit.isoformat(),
        "last_visit": h.last_visit.isoformat(),
        "visits": h.visits,
        "spend": h.spend,
        "mean_days_between_visits": h.mean_days_between_visits,
        "by_month": [{"month": label, "visits": v, "spend": s} for label, v, s in h.by_month],
        "sales_count": h.sales_count,
        "sales": [
            {
                "sale_id": s.sale_id,
                "completed_at": s.completed_at.isoformat(),
                "kiosk_id": s.kiosk_id,
                "receipt_no": s.receipt_no,
                "total": s.total,
                "coupons": list(s.coupons),
                "coupon_discount": s.coupon_discount,
            }
            for s in h.sales
        ],
    }


@router.get("/campaigns")
def campaign_report(
    request: Request, _: Manager, date_from: str | None = None, date_to: str | None = None
) -> dict[str, Any]:
    """Per coupon definition: issued, redeemed, discount, and spend of users vs comparable members."""
    first, last = period(request, date_from, date_to)
    with bo(request).db.reading() as session:
        return campaigns.campaign_report(session, first, last).to_json()
