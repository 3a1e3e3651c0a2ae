"""The audit log page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kiosk.backoffice.audit import service as audit
from kiosk.backoffice.core.deps import Admin, bo
from kiosk.backoffice.core.pages import template_page

router = APIRouter()


@router.get("/audit")
def audit_page(request: Request, staff: Admin) -> HTMLResponse:
    with bo(request).db.reading() as session:
        rows = [
            (a.at, a.actor, a.action, a.target, json.dumps(a.detail, ensure_ascii=False))
            for a in audit.recent(session)
        ]
    return template_page("audit/audit.html", "Audit log 監査ログ", staff, rows=rows)
