"""The kiosks whose database was replaced (re-imaged, restored): flags, and the admin's confirm.

See :mod:`kiosk.backoffice.kiosks.identity`. Managers see the flags; only an admin confirms,
with a reason that goes to the audit log (and resets the kiosk's journal anchor).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice.core.deps import Admin, Manager, bo
from kiosk.backoffice.core.pages import back, form, template_page
from kiosk.backoffice.kiosks import identity as kiosk_identity
from kiosk.backoffice.kiosks import journal_anchor
from kiosk.backoffice.kiosks.identity import kiosk_states as database_states
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.staff import auth

router = APIRouter()


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
    return template_page("kiosks/identity.html", "Kiosk databases 端末データ", staff, rows=rows)


@router.post("/kiosks/identity/confirm")
async def identity_confirm(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        kiosk_identity.confirm(
            session, data.get("kiosk_id", "").strip(), staff.username, data.get("note", ""),
            bo(request).clock(),
        )  # fmt: skip
    return RedirectResponse("/kiosks/identity", status_code=303)


KIOSK_COLUMNS = (
    "Kiosk 端末",
    "Store 店舗",
    "Name 名称",
    "Last seq 最終連番",
    "Last seen 最終受信",
    "State 状態",
    "Journal 電子ジャーナル",
    "Database 端末データ",  # kiosk_identity: a replaced database, receipt numbers twice
)

#: The Journal or Database cell of a kiosk that has not sent it yet (enrolled, never synced;
#: or software from before it reported them): said, not left empty, in the four languages
NOT_REPORTED = "not reported · 未報告 · 未上报 · 미보고"


@router.get("/kiosks")
def kiosks_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        journals = journal_anchor.kiosk_states(session)
        identities = database_states(session)  # replaced databases, receipts twice
        databases = kiosk_identity.reporting_kiosks(session)
        rows = [
            (
                k.kiosk_id,
                k.store_id,
                k.name,
                k.last_seq,
                k.last_seen_at.isoformat(" ", "seconds") if k.last_seen_at else "",
                "revoked 失効" if k.revoked_at else "active 有効",
                journals.get(k.kiosk_id, NOT_REPORTED),
                identities.get(k.kiosk_id, "OK" if k.kiosk_id in databases else NOT_REPORTED),
            )
            for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)
        ]
    return template_page(
        "kiosks/kiosks.html",
        "Kiosks 端末",
        staff,
        wide=True,
        columns=KIOSK_COLUMNS,
        rows=rows,
        identities=bool(identities),
    )


@router.post("/kiosks/journal-anchor/reset")
async def anchor_reset_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        journal_anchor.reset_anchor(
            session, data.get("kiosk_id", "").strip(), staff.username, data.get("note", ""),
            bo(request).clock(),
        )  # fmt: skip
    return back("/kiosks")


@router.post("/kiosks/enrol")
async def enrol_submit(request: Request, staff: Admin) -> HTMLResponse:
    data = await form(request)
    with bo(request).db.transaction() as session:
        token = auth.enrol_kiosk(
            session,
            data.get("kiosk_id", "").strip(),
            bo(request).clock(),
            store_id=data.get("store_id") or "S01",
            actor=staff.username,
            replace=data.get("replace") == "1",
        )
    return template_page("kiosks/enrolled.html", "Kiosk enrolled", staff, token=token)


@router.post("/kiosks/revoke")
async def revoke_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        auth.revoke_kiosk(
            session, data.get("kiosk_id", "").strip(), bo(request).clock(), staff.username
        )
    return back("/kiosks")
