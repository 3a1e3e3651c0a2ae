"""The kiosks whose database was replaced (re-imaged, restored): flags, and the admin's confirm.

See :mod:`kiosk.backoffice.kiosk_identity`. Managers see the flags; only an admin confirms,
with a reason that goes to the audit log (and resets the kiosk's journal anchor).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice import kiosk_identity
from kiosk.backoffice.api import Admin, Manager, bo
from kiosk.backoffice.html import fmt, page, post_form, table
from kiosk.backoffice.web import form

router = APIRouter()

INTRO = fmt("""<p>A kiosk whose local database was replaced — re-imaged (a new, empty database) or
an older copy put back — numbers its sales again from an earlier seq. Those sales are
<b>kept</b> (never taken for resends) and flagged here; a receipt number issued twice is a
compliance problem (レシート番号の重複) to be explained. When the replacement was intended, an
admin confirms it below with the reason (audit log; the journal anchor is reset too).
The kiosk itself refuses to sell until staff run <code>kiosk store confirm-new --reason …</code>
on it.</p>""")


@router.get("/kiosks/identity")
def identity_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        flags = kiosk_identity.all_flags(session)
        rows = [
            (
                f.kiosk_id,
                kiosk_identity.LABELS.get(f.kind, f.kind),
                f.epoch,
                json.dumps(f.detail, ensure_ascii=False, sort_keys=True),
                f"{f.detected_at:%Y-%m-%d %H:%M}",
                "要確認 OPEN"
                if f.resolved_at is None
                else f"confirmed {f.resolved_at:%Y-%m-%d %H:%M} by {f.resolved_by}: {f.note}",
            )
            for f in flags
        ]
    body = INTRO + table(
        ("Kiosk", "Problem 問題", "Epoch", "Detail", "Detected 検出", "State 状態"),
        rows,
        id_="identity-flags",
    )
    body += fmt("<h2>Confirm a replaced database (admin) 差し替えの確認</h2>") + post_form(
        "/kiosks/identity/confirm",
        fmt(
            '<input name="kiosk_id" placeholder="K01" required>'
            '<input name="note" placeholder="why 理由" required size="40">'
            "<button>Confirm re-image / restore</button>"
        ),
        id_="identity-confirm",
        css_class="inline",
    )
    return page("Kiosk databases 端末データ", body, staff)


@router.post("/kiosks/identity/confirm")
async def identity_confirm(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        kiosk_identity.confirm(
            session, data.get("kiosk_id", "").strip(), staff.username, data.get("note", ""),
            bo(request).clock(),
        )  # fmt: skip
    return RedirectResponse("/kiosks/identity", status_code=303)
