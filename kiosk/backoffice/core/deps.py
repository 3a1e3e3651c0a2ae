"""Request dependencies shared by every router: the app state, kiosk bearer tokens, staff sessions and roles."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError

from kiosk.backoffice.core.bounds import FIRST_DAY, LAST_DAY
from kiosk.backoffice.core.door import PARSED_JSON
from kiosk.backoffice.core.errors import BadKioskToken, InvalidInput
from kiosk.backoffice.staff.auth import Role, authenticate_kiosk, require, staff_for_session
from kiosk.backoffice.staff.models import StaffRow

SESSION_COOKIE = "bo_session"


def bo(request: Request) -> Any:
    return request.app.state.bo


def kiosk_token(request: Request, authorization: Annotated[str, Header()] = "") -> str:
    """The bearer token, checked against the enrolled kiosks before the body is looked at.

    FastAPI resolves a route's parameters in order, and a route parsed its body before it
    authenticated: a wrong token with ``{}`` got the schema's 422 (which fields a sale has)
    instead of 401. Checked here, every kiosk route — a plugin's too — answers 401/403 first.
    The route authenticates again in its own transaction (locked, and revocation in between
    still counts); this read is one primary-key look-up per request."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise BadKioskToken("send 'Authorization: Bearer <kiosk token>' (issued at enrolment)")
    with bo(request).db.reading() as session:
        authenticate_kiosk(session, token)
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


async def _body(request: Request) -> Any:
    """The JSON body, or ``None`` when there is none; FastAPI's own parsing otherwise.

    The door (:mod:`kiosk.backoffice.core.door`) has already parsed an ``/api/`` body to
    check it; taken from there, not parsed a second time (``Body()`` would). Async: no
    thread hop. Elsewhere as FastAPI does it: JSON when the content type says JSON or says
    nothing, the bytes otherwise (the route's schema refuses them)."""
    if PARSED_JSON in request.scope:
        return request.scope[PARSED_JSON]
    raw = await request.body()
    if not raw:
        return None
    content_type = request.headers.get("content-type", "")
    if content_type and "json" not in content_type:
        return raw
    try:
        return json.loads(raw)
    except ValueError as exc:  # FastAPI's own answer for a body that is not JSON
        error = {"type": "json_invalid", "loc": ("body", getattr(exc, "pos", 0)),
                 "msg": "JSON decode error", "input": {}, "ctx": {"error": str(exc)}}  # fmt: skip
        raise RequestValidationError([error]) from None


async def json_body(body: Annotated[Any, Depends(_body)]) -> Any:
    """A required JSON body: none is FastAPI's own 422 (``Field required``)."""
    if body is None:
        error = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([error])
    return body


#: the request's JSON body, required (a route's schema checks it)
JsonBody = Annotated[Any, Depends(json_body)]
#: the request's JSON body, or ``None`` when the request has none
OptionalJsonBody = Annotated[Any, Depends(_body)]


def parse_month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput(f"month {value!r}: use YYYY-MM") from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise InvalidInput(f"month {value}: between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}")
    return year, month
