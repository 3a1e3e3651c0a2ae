"""Request dependencies shared by every router: the app state, kiosk bearer tokens, staff sessions and roles."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Body, Depends, Header, Request

from kiosk.backoffice.core.bounds import FIRST_DAY, LAST_DAY
from kiosk.backoffice.core.errors import BadKioskToken, InvalidInput
from kiosk.backoffice.staff.auth import Role, require, staff_for_session
from kiosk.backoffice.staff.models import StaffRow

SESSION_COOKIE = "bo_session"


def bo(request: Request) -> Any:
    return request.app.state.bo


async def kiosk_token(authorization: Annotated[str, Header()] = "") -> str:
    # async: no thread hop for a string split (a sync dependency runs in the threadpool)
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


def parse_month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput(f"month {value!r}: use YYYY-MM") from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise InvalidInput(f"month {value}: between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}")
    return year, month
