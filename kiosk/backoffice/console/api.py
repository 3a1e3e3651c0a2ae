"""Kiosk-facing API of the console (bearer kiosk token, like the sync API).

``POST /api/v1/console/report`` — state report / heartbeat; answers ``{"commands": [...]}``.
The semi-self hand-off API (``/api/v1/handoffs``) is the handoff plugin's router.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kiosk.backoffice.console import state as console_state
from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.change_bus import ChangeBus
from kiosk.backoffice.core.deps import JsonBody, KioskToken, bo
from kiosk.backoffice.core.extensions import ConsolePart
from kiosk.backoffice.sales.schemas import ConsoleReport, parse
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter(prefix="/api/v1")


def bus(request: Request) -> ChangeBus:
    return request.app.state.console_bus


def settings(request: Request) -> console_state.ConsoleSettings:
    return request.app.state.console_settings


def checked_report(body: Any) -> tuple[ConsoleReport, list[tuple[ConsolePart, Any]]]:
    """The report checked at the door: each console part's fields against its own schema,
    the rest against the core's (an unknown field, claimed by no part, is refused)."""
    rest = dict(body) if isinstance(body, dict) else body
    claimed: list[tuple[ConsolePart, dict[str, Any]]] = []
    for part in extensions.current().console:
        names = getattr(part.report, "model_fields", None)
        if names and isinstance(rest, dict):
            claimed.append((part, {k: rest.pop(k) for k in list(rest) if k in names}))
    core = parse(ConsoleReport, rest, "report")
    return core, [(part, parse(part.report, mine, "report")) for part, mine in claimed]


@router.post("/console/report")
def report(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    checked, parts = checked_report(body)
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token)
        commands = console_state.apply_report(session, kiosk, checked, backoffice.clock(), parts)
    bus(request).bump()
    return {"commands": commands}
