"""Kiosk-facing API of the console and semi-self (bearer kiosk token, like the sync API).

``POST /api/v1/console/report`` — state report / heartbeat; answers ``{"commands": [...]}``.
``POST /api/v1/handoffs`` — a station hands a basket off; answers the assigned kiosk
(``409 NoIdleKiosk`` when none is idle: the station prints the QR).
``POST /api/v1/handoffs/claim`` — a payment kiosk takes the hand-off assigned to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kiosk.backoffice.console import handoffs
from kiosk.backoffice.console import state as console_state
from kiosk.backoffice.core.change_bus import ChangeBus
from kiosk.backoffice.core.deps import JsonBody, KioskToken, OptionalJsonBody, bo
from kiosk.backoffice.sales.schemas import ConsoleReport, HandoffClaim, HandoffCreate, parse
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter(prefix="/api/v1")


def bus(request: Request) -> ChangeBus:
    return request.app.state.console_bus


def settings(request: Request) -> console_state.ConsoleSettings:
    return request.app.state.console_settings


@router.post("/console/report")
def report(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    checked = parse(ConsoleReport, body, "report")
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token)
        commands = console_state.apply_report(session, kiosk, checked, backoffice.clock())
    bus(request).bump()
    return {"commands": commands}


@router.post("/handoffs")
def create_handoff(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    checked = parse(HandoffCreate, body, "hand-off")
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        station = authenticate_kiosk(session, token)
        row = handoffs.create(
            session, station, checked, backoffice.clock(), settings(request).offline_after
        )
        answer = {
            "handoff_id": row.handoff_id,
            "state": row.state,
            "kiosk_id": row.kiosk_id,
            "kiosk_name": handoffs.kiosk_name(session, row.kiosk_id or ""),
        }
    bus(request).bump()
    if row.kiosk_id is None:  # stored as waiting (visible to staff); the station prints the QR
        raise handoffs.NoIdleKiosk("no payment kiosk is idle; print the hand-off QR")
    return answer


@router.post("/handoffs/claim")
def claim_handoff(request: Request, token: KioskToken, body: OptionalJsonBody) -> dict[str, Any]:
    handoff_id = parse(HandoffClaim, body or {}, "hand-off claim").handoff_id
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token)
        row = handoffs.claim(session, kiosk, handoff_id, backoffice.clock())
        answer = (
            {"handoff_id": row.handoff_id, "code": row.code}
            if row
            else {"handoff_id": None, "code": None}
        )
    bus(request).bump()
    return answer
