"""Master-data API for the kiosks (bearer token): the current version and what a kiosk applied."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kiosk.backoffice.core.bounds import Cursor
from kiosk.backoffice.core.deps import JsonBody, KioskToken, bo
from kiosk.backoffice.masterdata import service as masterdata
from kiosk.backoffice.sales import schemas as kiosk_schemas
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter(prefix="/api/v1")


@router.get("/masterdata/current")
def masterdata_current(request: Request, token: KioskToken, have: Cursor = 0) -> Response:
    """The newest published master data, or ``{"unchanged": true}`` when ``have`` is it."""
    with bo(request).db.reading() as session:
        authenticate_kiosk(session, token)
        row = masterdata.current(session)
        if row is None or row.version <= have:
            return JSONResponse({"version": row.version if row else 0, "unchanged": True})
        return JSONResponse(
            {"version": row.version, "checksum": row.checksum, "snapshot": row.snapshot}
        )


@router.post("/masterdata/applied")
def masterdata_applied(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    applied = kiosk_schemas.parse(kiosk_schemas.MasterdataApplied, body, "masterdata applied")
    with bo(request).db.transaction() as session:
        kiosk = authenticate_kiosk(session, token)
        kiosk.masterdata_version = applied.version
        return {"kiosk_id": kiosk.kiosk_id, "version": kiosk.masterdata_version}
