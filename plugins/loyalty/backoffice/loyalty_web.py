"""Points to settle (ポイント要確認): overdraws from kiosks' offline spends, unusable events.

Kiosks never correct a member's points on their own; a manager reads what happened here,
deals with it (asks the member, writes the points off) and marks it settled with a note,
which the audit log keeps.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kiosk.backoffice.plugin_api import Manager, RowId, bo, form, template_page
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
    return template_page(
        "loyalty/loyalty.html",
        "Points to settle ポイント要確認",
        staff,
        overdraws=[
            {
                "member": member_link(o.member_id, staff),
                "debt": o.debt,
                "kiosks": ", ".join(o.kiosks),
                "found": o.detected_at.strftime("%Y-%m-%d %H:%M"),
                "settle": f"/loyalty/overdraws/{o.id}/settle",
            }
            for o in overdraws
        ],
        problems=[
            (p.kiosk_id, p.kiosk_seq, p.kind, p.problem, p.at.strftime("%Y-%m-%d %H:%M"))
            for p in problems
        ],
    )


@router.post("/loyalty/overdraws/{overdraw_id}/settle")
async def settle_submit(request: Request, overdraw_id: RowId, staff: Manager) -> Response:
    note = (await form(request)).get("note", "")
    with bo(request).db.transaction() as session:
        settle_overdraw(session, overdraw_id, staff.username, note, bo(request).clock())
    return RedirectResponse("/loyalty", status_code=303)
