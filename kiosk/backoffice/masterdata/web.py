"""The master-data page: products, plugin sections, settings and publishing."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.pages import back, form, template_page
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata import service as masterdata

router = APIRouter()


@router.get("/masterdata")
def masterdata_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        cur = masterdata.current(session)
        settings = masterdata.settings(session)
        kiosks = [
            (k.kiosk_id, k.masterdata_version)
            for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)
        ]
        products = len(masterdata.build_snapshot(session)["products"])
    return template_page(
        "masterdata/masterdata.html",
        "Master data マスタ",
        staff,
        version=cur.version if cur else "none",
        products=products,
        kiosks=kiosks,
        settings=[(k, json.dumps(v, ensure_ascii=False, indent=1)) for k, v in settings],
    )


@router.post("/masterdata/publish")
def publish_submit(request: Request, staff: Manager) -> Response:
    with bo(request).db.transaction() as session:
        masterdata.publish(session, bo(request).clock(), staff.username)
    return back("/masterdata")


@router.post("/masterdata/settings")
async def settings_submit(request: Request, staff: Manager) -> Response:
    data = await form(request)
    try:
        value = json.loads(data.get("value", ""))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{data.get('key')}: not valid JSON ({exc})") from None
    with bo(request).db.transaction() as session:
        masterdata.set_setting(
            session, data.get("key", ""), value, bo(request).clock(), staff.username
        )
    return back("/masterdata")
