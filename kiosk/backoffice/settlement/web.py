"""The settlement (精算) page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.pages import back, form, integer, template_page
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.settlement import service as settlement
from kiosk.backoffice.settlement.views import settlement_rows

router = APIRouter()


@router.get("/settlement")
def settlement_page(request: Request, staff: Manager, day: str | None = None) -> HTMLResponse:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
        settled = settlement_rows(session, d)
    return template_page(
        "settlement/settlement.html",
        f"Settlement 精算 {d}",
        staff,
        day=d,
        settled=settled,
        kiosks=kiosks,
        denominations=settlement.DENOMINATIONS,
    )


@router.post("/settlement")
async def settlement_submit(request: Request, staff: Manager) -> Response:
    data = await form(request)
    d = bo(request).day(data.get("day"))
    counts = {den: integer(data, f"d{den}", 0) for den in settlement.DENOMINATIONS}
    with bo(request).db.transaction() as session:
        settlement.settle(
            session,
            data.get("kiosk_id", ""),
            d,
            counts,
            integer(data, "float_amount", 0),
            bo(request).clock(),
            staff.username,
        )
    return back(f"/settlement?day={d}")
