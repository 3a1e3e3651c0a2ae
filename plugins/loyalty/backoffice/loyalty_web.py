"""Points to settle (ポイント要確認): overdraws from kiosks' offline spends, unusable events.

Kiosks never correct a member's points on their own; a manager reads what happened here,
deals with it (asks the member, writes the points off) and marks it settled with a note,
which the audit log keeps.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kiosk.backoffice.core.bounds import RowId
from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.pages import form
from kiosk.backoffice.html import fmt, page, post_form, table
from plugins.loyalty.backoffice.customers_web import member_link
from plugins.loyalty.backoffice.loyalty_sync import open_overdraws, settle_overdraw
from plugins.loyalty.backoffice.loyalty_sync_models import LoyaltyProblemRow

router = APIRouter()


@router.get("/loyalty")
def loyalty_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        overdraws = open_overdraws(session)
        problems = list(
            session.scalars(
                select(LoyaltyProblemRow).order_by(LoyaltyProblemRow.id.desc()).limit(100)
            )
        )
    rows = [
        (
            member_link(o.member_id, staff),
            o.debt,
            ", ".join(o.kiosks),
            o.detected_at.strftime("%Y-%m-%d %H:%M"),
            post_form(
                f"/loyalty/overdraws/{o.id}/settle",
                fmt(
                    '<input name="note" placeholder="what was done 対応内容" required size="28">'
                    "<button>Settled 対応済み</button>"
                ),
                css_class="inline",
            ),
        )
        for o in overdraws
    ]
    body = (
        fmt(
            "<p>Points a member spent at two kiosks while they could not reach the back office, "
            "more than the member had. Nothing was taken back automatically. "
            "オフライン中に複数の端末で使われ、残高を超えたポイントです。自動では取り消しません。</p>"
            '<h2>Overdraws 残高不足 (<span id="overdraw-count">{}</span>)</h2>',
            len(overdraws),
        )
        + table(
            ("Member 会員", "Points short 不足pt", "Kiosks 端末", "Found 検出", ""),
            rows,
            id_="overdraws",
        )
        + fmt("<h2>Events that could not be used 取り込めなかったイベント</h2>")
        + table(
            ("Kiosk 端末", "Seq", "Kind 種別", "Problem 内容", "At 受信"),
            [
                (p.kiosk_id, p.kiosk_seq, p.kind, p.problem, p.at.strftime("%Y-%m-%d %H:%M"))
                for p in problems
            ],
            id_="problems",
        )
    )
    return page("Points to settle ポイント要確認", body, staff)


@router.post("/loyalty/overdraws/{overdraw_id}/settle")
async def settle_submit(request: Request, overdraw_id: RowId, staff: Manager) -> Response:
    note = (await form(request)).get("note", "")
    with bo(request).db.transaction() as session:
        settle_overdraw(session, overdraw_id, staff.username, note, bo(request).clock())
    return RedirectResponse("/loyalty", status_code=303)
