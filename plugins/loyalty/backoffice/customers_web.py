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

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.bounds import Offset
from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.pages import csv_response
from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.html import Html, fmt, join, link, page, span, table, yen
from kiosk.backoffice.reports.charts import bar_chart
from kiosk.backoffice.staff.models import StaffRow
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

    def here(**change: object) -> str:
        return "/customers?" + urlencode(
            {k: v for k, v in (state | change).items() if v not in ("", None)}
        )

    cards = join(
        fmt(
            '<a class="card" href="{}" data-segment="{}">{}<b>{:,}</b></a>',
            here(segment=name, offset=""),
            name,
            _segment(name),
            n,
        )
        for name, n in result.segments.items()
    )

    def sort_link(key: str, label: str) -> Html:
        flip = "asc" if sort == key and order != "asc" else "desc"
        mark = (" ▲" if order == "asc" else " ▼") if sort == key else ""
        return link(here(sort=key, order=flip, offset=""), label + mark, data_sort=key)

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
    head = (
        "Member 会員",
        "Segment セグメント",
        "Last visit 最終来店",
        "Visits 来店回数",
        "Spend ¥ 購入金額",
        "R/F/M",
    )
    body = (
        fmt(
            "<p>Members with a sale in the last {} days, scored by recency, frequency "
            "and spend (RFM). 直近{}日に購入のある会員。 "
            '<a href="/loyalty" id="points-to-settle">Points to settle ポイント要確認 →</a></p>'
            '<h2>Segments セグメント別</h2><div id="segments">{}</div>',
            customers.WINDOW_DAYS,
            customers.WINDOW_DAYS,
            cards,
        )
        + bar_chart(
            [(_segment(name), n) for name, n in result.segments.items()],
            title="members by segment",
            height=140,
        )
        + fmt(
            '<form action="/customers/lookup"><label>Member id 会員番号 '
            '<input name="member_id" required></label><button>Open 表示</button></form>'
        )
        + (fmt(" {}", link(here(segment="", offset=""), "all segments すべて")) if segment else "")
        + fmt(
            '<p><span id="member-count">{:,}</span> member(s) 件 · sort 並べ替え: {}</p>',
            result.total,
            join((sort_link(k, label) for k, label in SORT_LABELS.items()), " | "),
        )
        + table(head, rows, id_="members")
    )
    if offset > 0:
        body += link(here(offset=max(0, offset - PAGE_SIZE)), "← previous 前へ") + " "
    if offset + PAGE_SIZE < result.total:
        body += link(here(offset=offset + PAGE_SIZE), "next 次へ →")
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
    cards = fmt(
        '<div class="card">Segment セグメント<b id="segment">{}</b></div>'
        '<div class="card">Visits 来店回数<b id="visits">{:,}</b></div>'
        '<div class="card">Spend 購入金額<b id="spend">{}</b></div>'
        '<div class="card">Last visit 最終来店<b>{}</b></div>'
        '<div class="card">Visit interval 来店間隔<b>{}</b></div>',
        _segment(h.rfm.segment) if h.rfm else "—",
        h.visits,
        yen(h.spend),
        f"{h.last_visit:%Y-%m-%d}",
        f"{interval} days 日" if interval is not None else "—",
    )
    rfm = (
        fmt(
            "<p>RFM (last {} days): recency {} days → R{}, {} visits → F{}, {} → M{}.</p>",
            customers.WINDOW_DAYS,
            h.rfm.recency_days,
            h.rfm.r,
            h.rfm.frequency,
            h.rfm.f,
            yen(h.rfm.monetary),
            h.rfm.m,
        )
        if h.rfm
        else fmt(
            "<p>No sale in the last {} days: not scored. 直近の購入なし。</p>",
            customers.WINDOW_DAYS,
        )
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
        + fmt("<h2>Visits per month 月別来店回数</h2>")
        + bar_chart(
            [(label[2:], visits) for label, visits, _ in h.by_month],
            title="visits per month",
            height=140,
        )
        + table(("Month 月", "Visits 来店", "Spend ¥ 購入金額"), h.by_month, id_="by-month")
        + fmt("<h2>Purchases 購入履歴 ({:,})</h2>", h.sales_count)
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
        body += link(f"?offset={max(0, offset - PAGE_SIZE)}", "← newer 新しい") + " "
    if offset + PAGE_SIZE < h.sales_count:
        body += link(f"?offset={offset + PAGE_SIZE}", "older 古い →")
    body += fmt('<p><a href="/customers">← all members 会員一覧</a></p>')
    return page(f"Member 会員 {shown}", body, staff)


# --- campaign report ------------------------------------------------------------------------


CAMPAIGN_HEAD = (
    "Coupon クーポン", "Issued 発行", "Redeemed 利用", "Rate %", "Discount ¥ 値引額",
    "Members 利用会員", "Compared 比較", "Users avg ¥ 利用者平均", "Comparable avg ¥ 比較平均",
    "Difference 差額 ¥",
)  # fmt: skip


def member_link(member_id: str, staff: StaffRow) -> Html:
    """A member's id (masked unless admin) linking to their page; the id is data, escaped."""
    return link(f"/customers/{quote(member_id, safe='')}", customers.shown_member(member_id, staff))


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
            fmt("{}<br><small>{}</small>", line.definition_id, line.label),
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
    body = (
        fmt(
            '<form><label>From 開始 <input type="date" name="date_from" value="{}"></label> '
            '<label>to 終了 <input type="date" name="date_to" value="{}"></label>'
            "<button>Show 表示</button> {}</form>",
            first,
            last,
            link(f"/campaigns.csv?{query}", "CSV"),
        )
        + table(CAMPAIGN_HEAD, rows, id_="campaigns")
        + fmt(
            "<p>Average spend per member in the period. <i>Comparable</i>: members of the same RFM segment "
            "before the period who did not use the coupon (those who did not come count ¥0), weighted like the "
            "users. 期間中の会員一人当たり購入額:利用会員と、期間前に同じセグメントで未利用の会員の比較。"
            "Issued is n/a for open coupons nobody counted. 配布数不明は n/a。</p>"
            "<h2>By segment before the period 期間前セグメント別</h2>"
        )
        + table(
            (
                "Coupon クーポン",
                "Segment セグメント",
                "Redeemed 利用",
                "Avg spend ¥ 平均購入額",
                "Comparable 比較",
                "Avg spend ¥ 比較平均",
            ),
            segments,
            id_="campaign-segments",
        )
    )
    if r.problems:
        body += fmt(
            '<p class="error" id="problems">{:,} coupons event(s) could not be used; '
            "see the audit log. クーポン利用データに不備があります。</p>",
            r.problems,
        )
    return page(f"Campaigns 販促効果 {first} – {last}", body, staff)


def _signed(value: int | None) -> Html | str:
    if value is None:
        return "n/a"
    cls = "ok" if value > 0 else "bad" if value < 0 else ""
    return span(cls, f"{value:+,}")


@router.get("/campaigns.csv")
def campaigns_csv(
    request: Request, _: Manager, date_from: str | None = None, date_to: str | None = None
) -> Response:
    first, last = period(request, date_from, date_to)
    with bo(request).db.reading() as session:
        r = campaigns.campaign_report(session, first, last)
    text = exports.to_csv(campaigns.CSV_COLUMNS, (line.csv_row() for line in r.lines))
    return csv_response(f"campaigns-{first}-{last}.csv", text)
