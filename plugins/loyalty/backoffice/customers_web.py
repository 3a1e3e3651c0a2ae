"""Managers' pages for customers and campaigns: member list, one member, campaign report.

Members appear masked (``****1234``) except to admins. Opening one member's history is
audited (``customer.view``) in the same transaction that reads it, page or API alike. The
member's id is still in the link to that page: managers may open a history (audited), the
mask keeps the id off the screen and out of screenshots.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.plugin_api import (
    Link,
    Manager,
    Note,
    Offset,
    Span,
    Staff,
    bar_chart,
    bo,
    csv_response,
    record,
    template_page,
    to_csv,
)
from plugins.loyalty.backoffice import campaigns, customers

router = APIRouter()
PAGE_SIZE = 50
SORT_LABELS = {
    "last_visit": "last visit 最終来店",
    "visits": "visits 来店回数",
    "spend": "spend 購入金額",
    "segment": "segment セグメント",
    "member": "member 会員番号",
}


def view_history(
    request: Request, staff: Staff, member_id: str, offset: int = 0
) -> customers.MemberHistory:
    """One member's history, audited as viewed by ``staff`` (for the page and the API)."""
    backoffice = bo(request)
    now = backoffice.clock()
    with backoffice.db.transaction() as session:
        history = customers.member_history(session, member_id, now, limit=PAGE_SIZE, offset=offset)
        origin = request.client.host if request.client else ""
        record(
            session,
            now,
            staff.username,
            "customer.view",
            member_id,
            {"offset": offset},
            origin=origin,
        )
    return history


def period(request: Request, date_from: str | None, date_to: str | None) -> tuple[date, date]:
    """The report's dates; by default this month up to today (business dates)."""
    backoffice = bo(request)
    last = backoffice.day(date_to)
    return (backoffice.day(date_from) if date_from else last.replace(day=1)), last


def _segment(name: str) -> str:
    return customers.SEGMENT_LABELS.get(name, name)


# --- member list ----------------------------------------------------------------------------


@router.get("/customers")
def customers_page(
    request: Request,
    staff: Manager,
    sort: str = "last_visit",
    order: str = "desc",
    segment: str = "",
    offset: Offset = 0,
) -> HTMLResponse:
    with bo(request).db.reading() as session:
        result = customers.member_page(
            session, bo(request).clock(), sort=sort, descending=order != "asc", segment=segment or None,
            limit=PAGE_SIZE, offset=offset,
        )  # fmt: skip
    state = {"sort": sort, "order": order, "segment": segment}

    def here(**change: object) -> str:
        return "/customers?" + urlencode(
            {k: v for k, v in (state | change).items() if v not in ("", None)}
        )

    segments = [
        {"href": here(segment=name, offset=""), "name": name, "label": _segment(name), "count": n}
        for name, n in result.segments.items()
    ]

    def sort_link(key: str, label: str) -> Link:
        flip = "asc" if sort == key and order != "asc" else "desc"
        mark = (" ▲" if order == "asc" else " ▼") if sort == key else ""
        return Link(here(sort=key, order=flip, offset=""), label + mark, (("sort", key),))

    rows = [
        (
            member_link(m.member_id, staff),
            _segment(m.segment),
            m.last_visit.strftime("%Y-%m-%d %H:%M"),
            m.visits,
            m.spend,
            f"{m.rfm.r}/{m.rfm.f}/{m.rfm.m}",
        )
        for m in result.members
    ]
    return template_page(
        "loyalty/customers.html",
        "Customers 顧客",
        staff,
        window=customers.WINDOW_DAYS,
        segments=segments,
        segment_chart=bar_chart(
            [(_segment(name), n) for name, n in result.segments.items()],
            title="members by segment",
            height=140,
        ),
        all_segments=here(segment="", offset="") if segment else "",
        total=result.total,
        sort_links=[sort_link(k, label) for k, label in SORT_LABELS.items()],
        rows=rows,
        previous=here(offset=max(0, offset - PAGE_SIZE)) if offset > 0 else "",
        next=here(offset=offset + PAGE_SIZE) if offset + PAGE_SIZE < result.total else "",
    )


@router.get("/customers/lookup")
def customers_lookup(member_id: str, _: Manager) -> Response:
    return Response(
        status_code=303, headers={"Location": f"/customers/{quote(member_id.strip(), safe='')}"}
    )


# --- one member -----------------------------------------------------------------------------


@router.get("/customers/{member_id}")
def member_page(
    request: Request, member_id: str, staff: Manager, offset: Offset = 0
) -> HTMLResponse:
    h = view_history(request, staff, member_id, max(0, offset))
    shown = customers.shown_member(member_id, staff)
    interval = h.mean_days_between_visits
    sales = [
        (
            s.completed_at.strftime("%Y-%m-%d %H:%M"),
            s.kiosk_id,
            s.receipt_no,
            s.total,
            ", ".join(s.coupons),
            s.coupon_discount or "",
        )
        for s in h.sales
    ]
    return template_page(
        "loyalty/member.html",
        f"Member 会員 {shown}",
        staff,
        h=h,
        window=customers.WINDOW_DAYS,
        segment=_segment(h.rfm.segment) if h.rfm else "—",
        last_visit=f"{h.last_visit:%Y-%m-%d}",
        interval=f"{interval} days 日" if interval is not None else "—",
        month_chart=bar_chart(
            [(label[2:], visits) for label, visits, _ in h.by_month],
            title="visits per month",
            height=140,
        ),
        sales=sales,
        newer=f"?offset={max(0, offset - PAGE_SIZE)}" if offset > 0 else "",
        older=f"?offset={offset + PAGE_SIZE}" if offset + PAGE_SIZE < h.sales_count else "",
    )


# --- campaign report ------------------------------------------------------------------------


CAMPAIGN_HEAD = (
    "Coupon クーポン", "Issued 発行", "Redeemed 利用", "Rate %", "Discount ¥ 値引額",
    "Members 利用会員", "Compared 比較", "Users avg ¥ 利用者平均", "Comparable avg ¥ 比較平均",
    "Difference 差額 ¥",
)  # fmt: skip


def member_link(member_id: str, staff: Staff) -> Link:
    """A member's id (masked unless admin) linking to their page; the id is data, escaped."""
    return Link(f"/customers/{quote(member_id, safe='')}", customers.shown_member(member_id, staff))


def _dash(value: object) -> object:
    return "n/a" if value is None else value


@router.get("/campaigns")
def campaigns_page(
    request: Request, staff: Manager, date_from: str | None = None, date_to: str | None = None
) -> HTMLResponse:
    first, last = period(request, date_from, date_to)
    with bo(request).db.reading() as session:
        r = campaigns.campaign_report(session, first, last)
    query = urlencode({"date_from": first, "date_to": last})
    rows = [
        (
            Note(line.definition_id, line.label),
            _dash(line.issued), line.redeemed,
            _dash(line.redemption_percent), line.discount, line.members_redeemed, line.members_compared,
            _dash(line.avg_spend_redeemers), _dash(line.avg_spend_comparable),
            _signed(line.difference),
        )
        for line in r.lines
    ]  # fmt: skip
    segments = [
        (
            line.definition_id,
            _segment(s.segment),
            s.redeemers,
            s.avg_spend_redeemers,
            s.comparable,
            s.avg_spend_comparable,
        )
        for line in r.lines
        for s in line.by_segment
    ]
    return template_page(
        "loyalty/campaigns.html",
        f"Campaigns 販促効果 {first} – {last}",
        staff,
        first=first,
        last=last,
        csv_link=f"/campaigns.csv?{query}",
        head=CAMPAIGN_HEAD,
        rows=rows,
        segments=segments,
        problems=r.problems,
    )


def _signed(value: int | None) -> Span | str:
    if value is None:
        return "n/a"
    cls = "ok" if value > 0 else "bad" if value < 0 else ""
    return Span(cls, f"{value:+,}")


@router.get("/campaigns.csv")
def campaigns_csv(
    request: Request, _: Manager, date_from: str | None = None, date_to: str | None = None
) -> Response:
    first, last = period(request, date_from, date_to)
    with bo(request).db.reading() as session:
        r = campaigns.campaign_report(session, first, last)
    text = to_csv(campaigns.CSV_COLUMNS, (line.csv_row() for line in r.lines))
    return csv_response(f"campaigns-{first}-{last}.csv", text)
