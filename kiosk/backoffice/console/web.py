"""The attendant console (監視コンソール): live kiosk tiles over SSE, actions, audit check.

``GET /console`` the page; ``GET /console/events`` a Server-Sent Events stream of whole
snapshots (on every change in this process, and every ``refresh_s`` anyway so offline
verdicts and other workers' changes show); ``GET /console/snapshot`` the same as JSON;
``POST /console/kiosks/{id}/commands`` queue an action (role checked, audited);
``GET /console/audit`` the hash-chain check and the newest audit rows.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from kiosk.backoffice.audit import service as audit
from kiosk.backoffice.console import state as console_state
from kiosk.backoffice.console.api import bus, settings
from kiosk.backoffice.core import extensions, sse
from kiosk.backoffice.core.deps import Attendant, JsonBody, Manager, bo, current_staff
from kiosk.backoffice.core.errors import InvalidInput, LoginFailed, NotAllowed
from kiosk.backoffice.core.pages import template_page
from kiosk.backoffice.core.templates import Span

router = APIRouter()


def _snapshot(request: Request) -> dict[str, Any]:
    backoffice = bo(request)
    parts = extensions.current().console
    with backoffice.db.transaction() as session:  # a console part may change rows (audited)
        return console_state.snapshot(session, backoffice.clock(), settings(request), parts)


def _origin(request: Request) -> str:
    return f"console:{request.client.host if request.client else '?'}"


@router.get("/console")
def console_page(request: Request, staff: Attendant) -> HTMLResponse:
    parts = extensions.current().console
    return template_page(
        "console/console.html",
        "Attendant console 監視",
        staff,
        scripts=("console.js", *(p.script for p in parts if p.script)),
        styles=tuple(p.stylesheet for p in parts if p.stylesheet),
        wide=True,
    )


@router.get("/console/snapshot")
def console_snapshot(request: Request, _: Attendant) -> dict[str, Any]:
    return _snapshot(request)


@router.get("/console/events")
async def console_events(request: Request, _: Attendant) -> StreamingResponse:
    return sse.stream(
        request, bus(request), "snapshot", lambda: _snapshot(request), settings(request).refresh_s
    )


@router.post("/console/kiosks/{kiosk_id}/commands")
def console_command(request: Request, kiosk_id: str, body: JsonBody) -> dict[str, Any]:
    staff = current_staff(request)
    if staff is None:
        raise LoginFailed("sign in first")
    if not isinstance(body, dict):
        raise InvalidInput("body: {'action': ..., 'args': {...}}")
    action, args = str(body.get("action", "")), body.get("args") or {}
    backoffice = bo(request)
    try:
        with backoffice.db.transaction() as session:
            command = console_state.enqueue(
                session, kiosk_id, action, args, staff, backoffice.clock(), _origin(request)
            )
            answer = {"id": command.id, "state": command.state}
    except NotAllowed as exc:  # the refusal is audited too (PCI DSS 10.2.4-style failures)
        with backoffice.db.transaction() as session:
            console_state.audit_refusal(
                session, staff, kiosk_id, action, str(exc), backoffice.clock(), _origin(request)
            )
        raise
    bus(request).bump()
    return answer


DETAIL_CHARS = 160
#: audit results (bo_audit.result) as the page shows them; the id stays in the data
RESULTS = {"success": "success 成功", "failure": "failure 失敗"}


@router.get("/console/audit")
def console_audit(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        check = audit.verify(session)
        rows = [_audit_cells(a, check.first_bad_id) for a in audit.recent(session, 100)]
    return template_page(
        "console/audit.html", "Audit chain 監査ログ検証", staff, wide=True, check=check, rows=rows
    )


def _audit_cells(a: Any, bad_id: int | None) -> tuple[Any, ...]:
    verdict = "ok result" if a.result == "success" else "bad result"
    result = Span(verdict, RESULTS.get(a.result, a.result))
    number = Span("bad", f"{a.id} ✗") if a.id == bad_id else a.id
    detail = json.dumps(a.detail, ensure_ascii=False)
    if len(detail) > DETAIL_CHARS:  # cut with a mark, so a short cell never reads as whole
        detail = detail[: DETAIL_CHARS - 1] + "…"
    return (
        number,
        a.at.strftime("%Y-%m-%d %H:%M:%S"),
        a.actor,
        a.action,
        result,
        a.origin,
        a.target,
        detail,
        (a.hash or "")[:12],
    )
