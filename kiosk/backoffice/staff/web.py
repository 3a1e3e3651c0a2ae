"""Sign-in, sign-out and the staff page."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice.audit.service import FAILURE, record
from kiosk.backoffice.core.deps import (
    SESSION_COOKIE,
    Admin,
    bo,
    session_token,
)
from kiosk.backoffice.core.errors import (
    InvalidInput,
    LoginFailed,
    TooManyLoginAttempts,
)
from kiosk.backoffice.core.pages import back, form, template_page
from kiosk.backoffice.staff import auth
from kiosk.backoffice.staff.auth import Role
from kiosk.backoffice.staff.models import StaffRow

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/login")
def login_page() -> HTMLResponse:
    return template_page("staff/login.html", "Sign in", None)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    data = await form(request)
    backoffice = bo(request)
    username = data.get("username", "")
    address = request.client.host if request.client else "?"
    now = backoffice.clock()
    # check → verify → count run without an await between them, so concurrent guesses are
    # counted one after another; moving auth.login to a thread would need a reservation here
    try:
        backoffice.logins.check(username, address, now)
    except TooManyLoginAttempts as exc:
        log.warning("sign-in refused for %r from %s: %s", username[:64], address, exc)
        raise
    try:
        with backoffice.db.transaction() as session:
            password = data.get("password", "")
            token = auth.login(session, username, password, now, origin=f"login:{address}")
    except LoginFailed:
        locks = backoffice.logins.failed(username, address, now)
        with backoffice.db.transaction() as session:
            actor, origin = username[:64] or "?", f"login:{address}"
            record(session, now, actor, "staff.login_failed", username[:200], origin=origin)
            for lock in locks:  # audited once per lock, not per refused attempt
                detail = {"key": lock.key, "failures": lock.failures, "seconds": lock.seconds}
                record(
                    session,
                    now,
                    actor,
                    "staff.login_locked",
                    username[:200],
                    detail,
                    result=FAILURE,
                    origin=origin,
                )
        raise
    backoffice.logins.succeeded(username, address)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.web_security.secure_cookies,
        max_age=auth.SESSION_HOURS * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = session_token(request)
    if token:
        with bo(request).db.transaction() as session:
            auth.logout(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        samesite="strict",
        secure=request.app.state.web_security.secure_cookies,
    )
    return response


@router.get("/staff")
def staff_page(request: Request, staff: Admin) -> HTMLResponse:
    with bo(request).db.reading() as session:
        rows = [
            (s.username, s.display_name, s.role, s.active)
            for s in session.query(StaffRow).order_by(StaffRow.username)
        ]
    roles = [r.value for r in Role]
    return template_page("staff/staff.html", "Staff 担当者", staff, rows=rows, roles=roles)


@router.post("/staff")
async def staff_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    try:
        role = Role(data.get("role", ""))
    except ValueError:
        raise InvalidInput("role: admin, manager or attendant") from None
    with bo(request).db.transaction() as session:
        auth.add_staff(
            session,
            data.get("username", "").strip(),
            data.get("password", ""),
            role,
            bo(request).clock(),
            staff.username,
            data.get("display_name", ""),
        )
    return back("/staff")
