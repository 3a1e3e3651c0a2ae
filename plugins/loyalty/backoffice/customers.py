"""Customers (顧客): members' visits, spend and RFM segments, one member's history.

The back office has no names: a member is the pseudonymous id the kiosk put on each sale.
Screens mask it as the receipts do (``****`` + last four) except for admins. Sums run in SQL
over the partial member index (``ix_bo_sales_member_completed``); scores and segments come
from :mod:`plugins.loyalty.rfm`, so the kiosk and the back office segment alike. A visit is
a sale with a positive total (a refund is not a visit but lowers the spend), as there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import InvalidInput, NotFound, Sales, Staff
from plugins.loyalty.backoffice.customers_models import CouponUseRow
from plugins.loyalty.rfm import SEGMENTS, Rfm, score

WINDOW_DAYS = 365  # the RFM window, as plugins.loyalty.rfm.rfm uses by default
SEGMENT_LABELS = {
    "champion": "Champion 優良",
    "loyal": "Loyal 常連",
    "new": "New 新規",
    "regular": "Regular 一般",
    "at_risk": "At risk 離反懸念",
    "lapsed": "Lapsed 休眠",
}
SORTS = ("last_visit", "visits", "spend", "segment", "member")
MAX_PAGE = 500


class UnknownMember(NotFound):
    """No sale carries this member id: check the id (members are known by their sales)."""


def mask_member(member_id: str) -> str:
    """The member id as the kiosk's receipt prints it."""
    return "****" + member_id[-4:]


def shown_member(member_id: str, staff: Staff) -> str:
    """Admins see the whole id; everyone else the masked one."""
    return member_id if staff.role == "admin" else mask_member(member_id)


@dataclass(frozen=True, slots=True)
class MemberSummary:
    member_id: str
    last_visit: datetime
    rfm: Rfm

    @property
    def visits(self) -> int:
        return self.rfm.frequency

    @property
    def spend(self) -> int:
        return self.rfm.monetary

    @property
    def segment(self) -> str:
        return self.rfm.segment


def member_activity(
    session: Session, since: datetime, until: datetime, member_id: str | None = None
) -> list[tuple[str, datetime, int, int]]:
    """Per member (or just ``member_id``) with a sale in ``(since, until]``: last purchase (the
    last refund when there is none), visits, spend."""
    query = (
        select(
            Sales.member_id,
            # the last visit is the last purchase, not a refund (as rfm.rfm)
            func.coalesce(
                func.max(case((Sales.total > 0, Sales.completed_at))), func.max(Sales.completed_at)
            ),
            func.sum(case((Sales.total > 0, 1), else_=0)),
            func.sum(Sales.total),
        )
        .where(
            Sales.member_id.is_not(None),
            Sales.completed_at > since,
            Sales.completed_at <= until,
        )
        .group_by(Sales.member_id)
    )
    if member_id is not None:
        query = query.where(Sales.member_id == member_id)
    rows = session.execute(query).all()
    return [(m, last, int(visits), int(spend)) for m, last, visits, spend in rows]


def scored_members(
    session: Session, now: datetime, window_days: int = WINDOW_DAYS, member_id: str | None = None
) -> list[MemberSummary]:
    """Every member (or just ``member_id``) with a sale in the window before ``now``, scored.

    The same result as ``rfm.rfm`` over those sales, summed in SQL instead of in Python.
    """
    since = now - timedelta(days=window_days + 1)  # rfm.rfm keeps (now - at).days <= window
    return [
        MemberSummary(member, last, score(member, max((now - last).days, 0), visits, spend))
        for member, last, visits, spend in member_activity(session, since, now, member_id)
    ]


def segment_counts(members: list[MemberSummary]) -> dict[str, int]:
    counts = Counter(m.segment for m in members)
    return {name: counts.get(name, 0) for name in SEGMENTS}


@dataclass
class MemberPage:
    total: int  # members matching (all pages)
    members: list[MemberSummary]
    segments: dict[str, int]  # every member in the window, whatever the filter


def member_page(
    session: Session,
    now: datetime,
    *,
    sort: str = "last_visit",
    descending: bool = True,
    segment: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> MemberPage:
    """One page of the member list, sorted (ties by member id) and optionally one segment."""
    if sort not in SORTS:
        raise InvalidInput(f"sort {sort!r}: one of {', '.join(SORTS)}")
    if segment and segment not in SEGMENTS:
        raise InvalidInput(f"segment {segment!r}: one of {', '.join(SEGMENTS)}")
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit: 1–{MAX_PAGE}; offset: 0 or more")
    members = scored_members(session, now)
    counts = segment_counts(members)
    if segment:
        members = [m for m in members if m.segment == segment]
    keys: dict[str, Any] = {
        "last_visit": lambda m: m.last_visit,
        "visits": lambda m: m.visits,
        "spend": lambda m: m.spend,
        "segment": lambda m: SEGMENTS.index(m.segment),
        "member": lambda m: m.member_id,
    }
    members.sort(key=lambda m: m.member_id)
    members.sort(key=keys[sort], reverse=descending)  # stable: ties stay by member id
    return MemberPage(len(members), members[offset : offset + limit], counts)


@dataclass(frozen=True, slots=True)
class MemberSale:
    sale_id: str
    completed_at: datetime
    kiosk_id: str
    receipt_no: int
    total: int
    coupons: tuple[str, ...]  # definition ids
    coupon_discount: int


@dataclass
class MemberHistory:
    member_id: str
    rfm: Rfm | None  # None: no sale in the RFM window
    first_visit: datetime
    last_visit: datetime
    sales_count: int  # every sale, refunds included
    visits: int  # all time
    spend: int  # all time
    by_month: list[tuple[str, int, int]]  # "YYYY-MM", visits, spend; the last months, oldest first
    sales: list[MemberSale] = field(default_factory=list)  # newest first, one page

    @property
    def mean_days_between_visits(self) -> float | None:
        if self.visits < 2:
            return None
        return round((self.last_visit - self.first_visit).days / (self.visits - 1), 1)


def _months_back(now: datetime, months: int) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(months):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def member_history(
    session: Session,
    member_id: str,
    now: datetime,
    *,
    months: int = 12,
    limit: int = 50,
    offset: int = 0,
) -> MemberHistory:
    """One member's sales (newest first, paged), visits per month and RFM score."""
    if not 1 <= limit <= MAX_PAGE or offset < 0 or not 1 <= months <= 120:
        raise InvalidInput(f"limit: 1–{MAX_PAGE}; offset: 0 or more; months: 1–120")
    mine = Sales.member_id == member_id
    count, first, last, visits, spend = session.execute(
        select(
            func.count(),
            func.min(Sales.completed_at),
            func.max(Sales.completed_at),
            func.coalesce(func.sum(case((Sales.total > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(Sales.total), 0),
        ).where(mine)
    ).one()
    if not count:
        raise UnknownMember(f"no sale carries member {mask_member(member_id)}")
    labels = _months_back(now, months)
    per_month = {label: [0, 0] for label in labels}
    window_start = datetime(int(labels[0][:4]), int(labels[0][5:]), 1)
    for at, total in session.execute(
        select(Sales.completed_at, Sales.total).where(mine, Sales.completed_at >= window_start)
    ):
        bucket = per_month.get(f"{at.year:04d}-{at.month:02d}")
        if bucket is not None:
            bucket[0] += total > 0
            bucket[1] += total
    scored = scored_members(session, now, member_id=member_id)
    page = session.execute(
        select(
            Sales.sale_id,
            Sales.completed_at,
            Sales.kiosk_id,
            Sales.receipt_no,
            Sales.total,
        )
        .where(mine)
        .order_by(Sales.completed_at.desc(), Sales.sale_id)
        .limit(limit)
        .offset(offset)
    ).all()
    coupons: dict[str, list[tuple[str, int]]] = {}
    if page:
        for sale_id, definition, amount in session.execute(
            select(CouponUseRow.sale_id, CouponUseRow.definition_id, CouponUseRow.amount_off)
            .where(CouponUseRow.sale_id.in_([r.sale_id for r in page]))
            .order_by(CouponUseRow.id)
        ):
            coupons.setdefault(sale_id, []).append((definition, amount or 0))
    return MemberHistory(
        member_id=member_id,
        rfm=scored[0].rfm if scored else None,
        first_visit=first,
        last_visit=last,
        sales_count=int(count),
        visits=int(visits),
        spend=int(spend),
        by_month=[(label, v, s) for label, (v, s) in per_month.items()],
        sales=[
            MemberSale(
                r.sale_id,
                r.completed_at,
                r.kiosk_id,
                r.receipt_no,
                r.total,
                tuple(d for d, _ in coupons.get(r.sale_id, [])),
                sum(a for _, a in coupons.get(r.sale_id, [])),
            )
            for r in page
        ],
    )
