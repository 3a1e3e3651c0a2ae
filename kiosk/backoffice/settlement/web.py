"""The settlement (精算) page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.pages import back, form, integer
from kiosk.backoffice.html import fmt, join, page, post_form
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.settlement import service as settlement
from kiosk.backoffice.settlement.views import settlement_table

router = APIRouter()


@router.get("/settlement")
def settlement_page(request: Request, staff: Manager, day: str | None = None) -> HTMLResponse:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
        settled = settlement_table(session, d)
    body = (
        fmt('<form><input type="date" name="day" value="{}"><button>Show</button></form>', d)
        + settled
    )
    denominations = join(
        fmt(
            '<label>¥{:,} × <input name="d{}" type="number" min="0" value="0" size="4"></label> ',
            d_,
            d_,
        )
        for d_ in settlement.DENOMINATIONS
    )
    options = join(fmt("<option>{}</option>", k) for k in kiosks)
    fields = fmt(
        """<label>Kiosk <select name="kiosk_id">{}</select></label>
<label>Float 釣銭準備金 <input name="float_amount" type="number" value="30000"></label><br>{}
<button>Record settlement</button>""",
        options,
        denominations,
    )
    body += fmt("<h2>Count a kiosk 現金実査</h2>") + post_form(
        "/settlement", fields, id_="settle", hidden={"day": d}
    )
    return page(f"Settlement 精算 {d}", body, staff)


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
