"""The hand-offs' kiosk API (bearer kiosk token) and the console page's script and styles.

``POST /api/v1/handoffs`` — a station hands a basket off; answers the assigned kiosk
(``409 NoIdleKiosk`` when none is idle: the station prints the QR).
``POST /api/v1/handoffs/claim`` — a payment kiosk takes the hand-off assigned to it (or the
one it names: a slip scanned there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from kiosk.backoffice.plugin_api import (
    JsonBody,
    KioskToken,
    OptionalJsonBody,
    bo,
    console_changed,
    console_kiosks,
    kiosk_by_token,
    parse,
)
from plugins.handoff.backoffice import handoffs
from plugins.handoff.backoffice.console import SCRIPT, STYLESHEET
from plugins.handoff.backoffice.schemas import HandoffClaim, HandoffCreate

STATIC = Path(__file__).with_name("static")

router = APIRouter()


@router.post("/api/v1/handoffs")
def create_handoff(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    checked = parse(HandoffCreate, body, "hand-off")
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        station = kiosk_by_token(session, token)
        now = backoffice.clock()
        kiosks = console_kiosks(request, session, now)
        row = handoffs.create(session, station, checked, now, kiosks)
        names = {k.kiosk_id: k.name for k in kiosks}
        answer = {
            "handoff_id": row.handoff_id,
            "state": row.state,
            "kiosk_id": row.kiosk_id,
            "kiosk_name": names.get(row.kiosk_id or "", row.kiosk_id or ""),
        }
    console_changed(request)
    if row.kiosk_id is None:  # stored as waiting (visible to staff); the station prints the QR
        raise handoffs.NoIdleKiosk("no payment kiosk is idle; print the hand-off QR")
    return answer


@router.post("/api/v1/handoffs/claim")
def claim_handoff(request: Request, token: KioskToken, body: OptionalJsonBody) -> dict[str, Any]:
    handoff_id = parse(HandoffClaim, body or {}, "hand-off claim").handoff_id
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = kiosk_by_token(session, token)
        row = handoffs.claim(session, kiosk, handoff_id, backoffice.clock())
        answer = (
            {"handoff_id": row.handoff_id, "code": row.code}
            if row
            else {"handoff_id": None, "code": None}
        )
    console_changed(request)
    return answer


# The console page loads these (ConsolePart.script/stylesheet); files, like /static: no data.
@router.get(SCRIPT, include_in_schema=False)
def console_script() -> FileResponse:
    return FileResponse(STATIC / "console.js", media_type="text/javascript")


@router.get(STYLESHEET, include_in_schema=False)
def console_styles() -> FileResponse:
    return FileResponse(STATIC / "console.css", media_type="text/css")
