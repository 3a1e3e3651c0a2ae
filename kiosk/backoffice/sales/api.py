"""HTTP API: kiosk sync (bearer token per kiosk) and integrations (staff session)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from kiosk.backoffice import (
    exports,
    journal_anchor,
    kiosk_identity,
    kiosk_schemas,
    masterdata,
    reports,
)
from kiosk.backoffice.auth import Role, authenticate_kiosk, require, staff_for_session
from kiosk.backoffice.bounds import FIRST_DAY, LAST_DAY, Cursor, Limit, Offset, YenFilter
from kiosk.backoffice.errors import BadKioskToken, InvalidInput
from kiosk.backoffice.ingest import OutboxEvent
from kiosk.backoffice.models import StaffRow

router = APIRouter(prefix="/api/v1")
SESSION_COOKIE = "bo_session"


def bo(request: Request) -> Any:
    return request.app.state.bo


def kiosk_token(authorization: Annotated[str, Header()] = "") -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise BadKioskToken("send 'Authorization: Bearer <kiosk token>' (issued at enrolment)")
    return token


def session_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("session "):
        return header.split(" ", 1)[1]
    return request.cookies.get(SESSION_COOKIE)


def current_staff(request: Request) -> StaffRow | None:
    backoffice = bo(request)
    with backoffice.db.reading() as session:
        return staff_for_session(session, session_token(request), backoffice.clock())


def staff_with(role: Role):
    def dependency(staff: Annotated[StaffRow | None, Depends(current_staff)]) -> StaffRow:
        return require(staff, role)

    return dependency


Attendant = Annotated[StaffRow, Depends(staff_with(Role.ATTENDANT))]
Manager = Annotated[StaffRow, Depends(staff_with(Role.MANAGER))]
Admin = Annotated[StaffRow, Depends(staff_with(Role.ADMIN))]
KioskToken = Annotated[str, Depends(kiosk_token)]
JsonBody = Annotated[Any, Body()]


# --- kiosk sync ---------------------------------------------------------------------------


@router.post("/sync/outbox")
def post_outbox(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    """Deliver a batch of outbox events; answers ``acked_through`` (idempotent, ordered).

    A bad event is a 422 naming its seq, kind and field (see :mod:`kiosk_schemas`)."""
    events = [
        OutboxEvent(e.seq, e.event_id, e.kind, payload)
        for e, payload in kiosk_schemas.parse_batch(body)
    ]
    instance = kiosk_identity.instance_of(body)  # a restored/re-imaged database: never dropped
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token, lock=True)
        result = kiosk_identity.ingest_from_instance(
            session, kiosk, instance, events, backoffice.clock()
        )
    if result.applied:
        backoffice.sales.bump()
    return result.to_json()


@router.get("/sync/status")
def sync_status(request: Request, token: KioskToken) -> dict[str, Any]:
    """The kiosk's ``last_seq`` as the back office has it (a cheap reachability probe)."""
    with bo(request).db.reading() as session:
        kiosk = authenticate_kiosk(session, token)
        anchor = journal_anchor.current_anchor(session, kiosk.kiosk_id)
        return {
            "kiosk_id": kiosk.kiosk_id,
            "last_seq": kiosk.last_seq,
            "journal_anchor": anchor.to_json() if anchor else None,
        }


@router.post("/sync/journal-head")
def post_journal_head(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    """Report the kiosk's journal head; answers the verdict and the anchor (see journal_anchor)."""
    kiosk_schemas.parse(kiosk_schemas.JournalHead, body, "journal head")
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token, lock=True)
        return journal_anchor.report(session, kiosk, body, backoffice.clock())


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


# --- integrations (staff session: cookie or 'Authorization: Session <token>') -------------


@router.get("/reports/day")
def report_day(request: Request, _: Attendant, day: str | None = None) -> dict[str, Any]:
    """Sales of a day (today by default) by hour, kiosk, payment method and tax rate."""
    with bo(request).db.reading() as session:
        return reports.day_report(session, bo(request).day(day)).to_json()


@router.get("/reports/month")
def report_month(request: Request, month: str, _: Manager) -> dict[str, Any]:
    year, mon = parse_month(month)
    with bo(request).db.reading() as session:
        return reports.month_report(session, year, mon).to_json()


@router.get("/search")
def search_sales(
    request: Request,
    _: Manager,
    date_from: str | None = None,
    date_to: str | None = None,
    amount_min: YenFilter = None,
    amount_max: YenFilter = None,
    counterparty: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """電子帳簿保存法 search: date range, amount range and counterparty, combined."""
    query = exports.SearchQuery(
        bo(request).day(date_from) if date_from else None,
        bo(request).day(date_to) if date_to else None,
        amount_min,
        amount_max,
        counterparty or None,
        limit,
        offset,
    )
    with bo(request).db.reading() as session:
        total, rows = exports.search(session, query)
        return {
            "total": total,
            "sales": [
                dict(zip(exports.SEARCH_COLUMNS, r, strict=True)) for r in exports.search_rows(rows)
            ],
        }


def parse_month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput(f"month {value!r}: use YYYY-MM") from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise InvalidInput(f"month {value}: between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}")
    return year, month
