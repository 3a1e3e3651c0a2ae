"""Kiosk tokens and staff accounts, passwords and sessions.

Kiosk tokens are 256-bit random secrets issued at enrolment and stored as SHA-256: a slow
hash (argon2) adds nothing against guessing a 256-bit secret but would cost ~50 ms on every
sync request. Staff passwords are human-chosen, so they are hashed with argon2id. Session
cookies are random too and stored as SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.errors import (
    BadKioskToken,
    InvalidInput,
    KioskRevoked,
    LoginFailed,
    NotAllowed,
    NotFound,
    UnknownKiosk,
)
from kiosk.backoffice.kiosks.kiosk_lock import lock_kiosk
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.staff.models import SessionRow, StaffRow
from kiosk.domain.text_controls import text_problem

SESSION_HOURS = 12
_hasher = PasswordHasher()


class Role(StrEnum):
    ADMIN = "admin"  # staff accounts, kiosks, backups, everything
    MANAGER = "manager"  # reports, master data, inventory, settlement
    ATTENDANT = "attendant"  # the live dashboard, receiving and counting stock

    def allows(self, needed: Role) -> bool:
        order = [Role.ATTENDANT, Role.MANAGER, Role.ADMIN]
        return order.index(self) >= order.index(needed)


#: what an enrolled kiosk may be called (its column holds 32 characters)
KIOSK_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- kiosks -------------------------------------------------------------------------------


def enrol_kiosk(
    session: Session,
    kiosk_id: str,
    now: datetime,
    *,
    store_id: str = "S01",
    name: str = "",
    actor: str = "cli",
    replace: bool = False,
) -> str:
    """Enrol (or re-enrol) a kiosk; returns its token, shown once and never stored in clear.

    A kiosk enrolled and not revoked has a token in use: a new one cuts it off (401) until
    its kiosk.toml has the new one, so that takes ``replace`` (a mistyped id on the command
    line did it silently); the replacement is audited as ``kiosk.token_replaced``. A revoked
    kiosk's token is dead already: it re-enrols without ``replace``."""
    # the token is "<kiosk id>.<secret>", split at the first dot: an id with a dot would get
    # a token that never signs in; the id is also shown on every page and in file names
    if not KIOSK_ID.fullmatch(kiosk_id):
        raise InvalidInput(
            f"kiosk id {kiosk_id[:40]!r}: 1–32 letters, digits, '-' or '_' (such as K01)"
        )
    for what, value, longest in (("store", store_id, 32), ("name", name, 100)):
        if problem := text_problem(value, longest):
            raise InvalidInput(f"kiosk {what}: {problem}")
    secret = secrets.token_urlsafe(32)
    row = session.get(KioskRow, kiosk_id)
    live = row is not None and row.revoked_at is None
    if live and not replace:
        raise KioskAlreadyEnrolled(kiosk_id, row.enrolled_at)
    if live:
        record(session, now, actor, "kiosk.token_replaced", kiosk_id,
               {"store_id": store_id, "enrolled_at": row.enrolled_at.isoformat()})  # fmt: skip
    if row is None:
        row = KioskRow(kiosk_id=kiosk_id, store_id=store_id, name=name, enrolled_at=now, last_seq=0)
        session.add(row)
    row.token_hash, row.revoked_at, row.enrolled_at = sha256(secret), None, now
    row.store_id, row.name = store_id, name or row.name
    if not live:
        record(session, now, actor, "kiosk.enrol", kiosk_id, {"store_id": store_id})
    return f"{kiosk_id}.{secret}"


class KioskAlreadyEnrolled(InvalidInput):
    """The kiosk has a token in use; replacing it is asked for by name (``replace``)."""

    def __init__(self, kiosk_id: str, enrolled_at: datetime) -> None:
        super().__init__(
            f"kiosk {kiosk_id} is already enrolled (since {enrolled_at:%Y-%m-%d %H:%M}) and its "
            "token is in use; to replace the token on purpose (the kiosk stops syncing until "
            "its kiosk.toml has the new one) enrol again with --replace, or tick "
            "'replace token' on the kiosks page"
        )
        self.kiosk_id, self.enrolled_at = kiosk_id, enrolled_at


def revoke_kiosk(session: Session, kiosk_id: str, now: datetime, actor: str) -> None:
    row = session.get(KioskRow, kiosk_id)
    if row is None:
        # an admin's typo, not a kiosk failing to sign in: 404, not UnknownKiosk's 401
        raise NotFound(f"no kiosk {kiosk_id!r} is enrolled")
    row.revoked_at = now
    record(session, now, actor, "kiosk.revoke", kiosk_id)


def authenticate_kiosk(session: Session, token: str, *, lock: bool = False) -> KioskRow:
    """The kiosk a bearer token belongs to; raises 401/403 errors otherwise."""
    kiosk_id, _, secret = token.partition(".")
    # locked: one kiosk's batches apply one at a time (a lock bypasses the identity map)
    row = lock_kiosk(session, kiosk_id) if lock else session.get(KioskRow, kiosk_id)
    if row is None or not secret:
        raise UnknownKiosk(f"no kiosk {kiosk_id!r} is enrolled")
    if not hmac.compare_digest(row.token_hash, sha256(secret)):
        raise BadKioskToken(f"token for {kiosk_id} does not match; re-enrol the kiosk")
    if row.revoked_at is not None:
        raise KioskRevoked(f"kiosk {kiosk_id} was revoked at {row.revoked_at:%Y-%m-%d %H:%M}")
    return row


# --- staff --------------------------------------------------------------------------------


def add_staff(
    session: Session,
    username: str,
    password: str,
    role: Role,
    now: datetime,
    actor: str,
    display_name: str = "",
) -> StaffRow:
    if len(password) < 8:
        raise InvalidInput("password: at least 8 characters")
    for what, value, longest in (("user", username, 64), ("name", display_name, 100)):
        if not value.strip() and what == "user":
            raise InvalidInput("user: is empty")
        if problem := text_problem(value, longest):
            raise InvalidInput(f"{what}: {problem}")
    if session.get(StaffRow, username) is not None:
        raise InvalidInput(f"user {username!r} already exists")
    row = StaffRow(
        username=username,
        display_name=display_name or username,
        role=Role(role).value,
        password_hash=_hasher.hash(password),
        active=True,
        created_at=now,
    )
    session.add(row)
    record(session, now, actor, "staff.add", username, {"role": row.role})
    return row


def set_password(session: Session, username: str, password: str, now: datetime, actor: str) -> None:
    row = session.get(StaffRow, username)
    if row is None:
        raise InvalidInput(f"no user {username!r}")
    if len(password) < 8:
        raise InvalidInput("password: at least 8 characters")
    row.password_hash = _hasher.hash(password)
    record(session, now, actor, "staff.password", username)


def _dummy_hash() -> str:
    """A hash of a random password made with the current hasher's parameters.

    Verified against when the user is unknown or inactive, so that a wrong user name costs
    the same argon2 time as a wrong password: the answer time does not tell which names
    exist. Made once per hasher (tests swap in a lighter one).
    """
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


_dummy: tuple[PasswordHasher, str] | None = None


def login(session: Session, username: str, password: str, now: datetime, origin: str = "") -> str:
    """Check the password and open a session; returns the cookie value. ``origin`` (where
    the sign-in came from, ``login:<address>``) goes into the audit row.

    A failure rolls the caller's transaction back; the caller audits it separately.
    """
    row = session.get(StaffRow, username)
    usable = row is not None and row.active
    try:
        _hasher.verify(row.password_hash if usable else _dummy_hash(), password)
        if not usable:
            raise VerificationError("no such active user")
    except (VerificationError, InvalidHashError):
        raise LoginFailed("wrong user name or password") from None
    assert row is not None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    session.add(
        SessionRow(
            token_hash=sha256(token),
            username=username,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    record(session, now, username, "staff.login", username, origin=origin)
    return token


def logout(session: Session, token: str) -> None:
    row = session.get(SessionRow, sha256(token))
    if row is not None:
        session.delete(row)


def staff_for_session(session: Session, token: str | None, now: datetime) -> StaffRow | None:
    if not token:
        return None
    row = session.get(SessionRow, sha256(token))
    if row is None or row.expires_at < now:
        return None
    staff = session.get(StaffRow, row.username)
    return staff if staff is not None and staff.active else None


def require(staff: StaffRow | None, needed: Role) -> StaffRow:
    if staff is None:
        raise LoginFailed("sign in first")
    if not Role(staff.role).allows(needed):
        raise NotAllowed(f"{staff.username} is {staff.role}; this needs {needed.value}")
    return staff
