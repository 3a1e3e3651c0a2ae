"""Managers' pages for customers and campaigns: member list, one member, campaign report.

Members appear masked (``****1234``) except to admins. Opening one member's history is
audited (``customer.view``) in the same transaction that reads it, page or API alike. The
member's id is still in the link to that page: managers may open a history (audited), the
mask keeps the id off the screen and out of screenshots.
"""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice import campaigns, customers, exports
from kiosk.backoffice.api import Manager, bo
from kiosk.backoffice.audit import record
from kiosk.backoffice.bounds import Offset
from kiosk.backoffice.charts import bar_chart
from kiosk.backoffice.html import Raw, page, table, yen
from kiosk.backoffice.models import StaffRow
from kiosk.backoffice.web import csv_response

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
    request: Request, staff: StaffRow, member_id: str, offset: int = 0
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

    def link(**change: object) -> str:
        return "/customers?" + urlencode(
            {k: v for k, v in (state | change).items() if v not in ("", None)}
        )

    cards = "".join(
        f'<a class="card" href="{link(segment=name, offset="")}" data-segment="{name}">{_segment(name)}<b>{n:,}</b></a>'
        for name, n in result.segments.items()
    )

    def sort_link(key: str, label: str) -> str:
        flip = "asc" if sort == key and order != "asc" else "desc"
        mark = (" ▲" if order == "asc" else " ▼") if sort == key else ""
        return (
            f'<a href="{link(sort=key, order=flip, offset="")}" data-sort="{key}">{label}{mark}</a>'
        )

    rows = [
        (
            Raw(
                f'<a href="/customers/{quote(m.member_id)}">{customers.shown_member(m.member_id, staff)}</a>'
            ),
            _segment(m.segment),
            m.last_visit.strftime("%Y-%m-%d %H:%M"),
            m.visits,
            m.spend,
            f"{m.rfm.r}/{m.rfm.f}/{m.rfm.m}",
        )
        for m in result.members
    ]
    head = (
        "Member 会員",
        "Segment セグメント",
        "Last visit 最終来店",
        "Visits 来店回数",
        "Spend ¥ 購入金額",
        "R/F/M",
    )
    body = (
        f"<p>Members with a sale in the last {customers.WINDOW_DAYS} days, scored by recency, frequency "
        f"and spend (RFM). 直近{customers.WINDOW_DAYS}日に購入のある会員。 "
        '<a href="/loyalty" id="points-to-settle">Points to settle ポイント要確認 →</a></p>'
        + f'<h2>Segments セグメント別</h2><div id="segments">{cards}</div>'
        + bar_chart(
            [(_segment(name), n) for name, n in result.segments.items()],
            title="members by segment",
            height=140,
        )
        + '<form action="/customers/lookup"><label>Member id 会員番号 '
        + '<input name="member_id" required></label><button>Open 表示</button></form>'
        + (f' <a href="{link(segment="", offset="")}">all segments すべて</a>' if segment else "")
        + f'<p><span id="member-count">{result.total:,}</span> member(s) 件 · sort 並べ替え: '
        + " | ".join(sort_link(k, label) for k, label in SORT_LABELS.items())
        + "</p>"
        + table(head, rows, id_="members")
    )
    if offset > 0:
        body += f'<a href="{link(offset=max(0, offset - PAGE_SIZE))}">← previous 前へ</a> '
    if offset + PAGE_SIZE < result.total:
        body += f'<a href="{link(offset=offset + PAGE_SIZE)}">next 次へ →</a>'
    return page("Customers 顧客", body, staff)


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
    cards = (
        f'<div class="card">Segment セグメント<b id="segment">{_segment(h.rfm.segment) if h.rfm else "—"}</b></div>'
        f'<div class="card">Visits 来店回数<b id="visits">{h.visits:,}</b></div>'
        f'<div class="card">Spend 購入金額<b id="spend">{yen(h.spend)}</b></div>'
        f'<div class="card">Last visit 最終来店<b>{h.last_visit:%Y-%m-%d}</b></div>'
        f'<div class="card">Visit interval 来店間隔<b>{f"{interval} days 日" if interval is not None else "—"}</b></div>'
    )
    rfm = (
        f"<p>RFM (last {customers.WINDOW_DAYS} days): recency {h.rfm.recency_days} days → R{h.rfm.r}, "
        f"{h.rfm.frequency} visits → F{h.rfm.f}, {yen(h.rfm.monetary)} → M{h.rfm.m}.</p>"
        if h.rfm
        else f"<p>No sale in the last {customers.WINDOW_DAYS} days: not scored. 直近の購入なし。</p>"
    )
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
    body = (
        cards
        + rfm
        + "<h2>Visits per month 月別来店回数</h2>"
        + bar_chart(
            [(label[2:], visits) for label, visits, _ in h.by_month],
            title="visits per month",
            height=140,
        )
        + table(("Month 月", "Visits 来店", "Spend ¥ 購入金額"), h.by_month, id_="by-month")
        + f"<h2>Purchases 購入履歴 ({h.sales_count:,})</h2>"
        + table(
            (
                "Time 日時",
                "Kiosk 端末",
                "Receipt レシート",
                "Total ¥ 合計",
                "Coupons クーポン",
                "Discount ¥ 値引額",
            ),
            sales,
            id_="purchases",
        )
    )
    if offset > 0:
        body += f'<a href="?offset={max(0, offset - PAGE_SIZE)}">← newer 新しい</a> '
    if offset + PAGE_SIZE < h.sales_count:
        body += f'<a href="?offset={offset + PAGE_SIZE}">older 古い →</a>'
    body += '<p><a href="/customers">← all members 会員一覧</a></p>'
    return page(f"Member 会員 {shown}", body, staff)


# --- campaign report ------------------------------------------------------------------------


CAMPAIGN_HEAD = (
    "Coupon クーポン", "Issued 発行", "Redeemed 利用", "Rate %", "Discount ¥ 値引額",
    "Members 利用会員", "Compared 比較", "Users avg ¥ 利用者平均", "Comparable avg ¥ 比較平均",
    "Difference 差額 ¥",
)  # fmt: skip


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
            Raw(f"{escape(line.definition_id)}<br><small>{escape(line.label)}</small>"),
            _dash(line.issued), line.redeemed,
            _dash(line.redemption_percent), line.discount, line.members_redeemed, line.members_compared,
            _dash(line.avg_spend_redeemers), _dash(line.avg_spend_comparable),
            Raw(_signed(line.difference)),
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
    body = (
        f'<form><label>From 開始 <input type="date" name="date_from" value="{first}"></label> '
        f'<label>to 終了 <input type="date" name="date_to" value="{last}"></label><button>Show 表示</button> '
        f'<a href="/campaigns.csv?{query}">CSV</a></form>'
        + table(CAMPAIGN_HEAD, rows, id_="campaigns")
        + "<p>Average spend per member in the period. <i>Comparable</i>: members of the same RFM segment "
        "before the period who did not use the coupon (those who did not come count ¥0), weighted like the "
        "users. 期間中の会員一人当たり購入額:利用会員と、期間前に同じセグメントで未利用の会員の比較。"
        "Issued is n/a for open coupons nobody counted. 配布数不明は n/a。</p>"
        + "<h2>By segment before the period 期間前セグメント別</h2>"
        + table(
            ("Coupon", "Segment", "Redeemed", "Avg spend ¥", "Comparable", "Avg spend ¥"),
            segments,
            id_="campaign-segments",
        )
    )
    if r.problems:
        body += f'<p class="error" id="problems">{r.problems:,} coupons event(s) could not be used; see the audit log. クーポン利用データに不備があります。</p>'
    return page(f"Campaigns 販促効果 {first} – {last}", body, staff)


def _signed(value: int | None) -> str:
    if value is None:
        return "n/a"
    cls = "ok" if value > 0 else "bad" if value < 0 else ""
    return f'<span class="{cls}">{value:+,}</span>'


@router.get("/campaigns.csv")
def campaigns_csv(
    request: Request, _: Manager, date_from: str | None = None, date_to: str | None = None
) -> Response:
    first, last = period(request, date_from, date_to)
    with bo(request).db.reading() as session:
        r = campaigns.campaign_report(session, first, last)
    text = exports.to_csv(campaigns.CSV_COLUMNS, (line.csv_row() for line in r.lines))
    return csv_response(f"campaigns-{first}-{last}.csv", text)
