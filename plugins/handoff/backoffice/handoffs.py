"""Semi-self hand-offs on the store server: assign an idle payment kiosk, claim, expire.

The station posts the signed basket; the server picks the payment kiosk that has been idle
longest (open, reporting, no hand-off waiting for it) and answers "go to kiosk 3". That
kiosk claims it when the shopper arrives. With no idle kiosk the hand-off is kept as
``waiting`` and the station prints the QR; any kiosk that takes the QR reports it paid.
Hand-offs not paid by ``expires_at`` become ``expired`` and stay listed for staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import (
    BackofficeError,
    ConsoleKiosk,
    InvalidInput,
    Kiosk,
    record,
)
from plugins.handoff.backoffice.models import HandOffRow
from plugins.handoff.backoffice.schemas import HandoffCreate, HandoffDone

OPEN_STATES = ("waiting", "assigned", "claimed")


class NoIdleKiosk(BackofficeError):
    """Every payment kiosk is busy, closed or offline: the station prints the hand-off QR."""

    status = 409


def create(
    session: Session,
    station: Kiosk,
    body: HandoffCreate,
    now: datetime,
    kiosks: Sequence[ConsoleKiosk],
) -> HandOffRow:
    """Store the hand-off (``body`` checked at the door) and assign an idle payment kiosk of
    ``kiosks`` (the console's view of every kiosk's last report).

    ``staff_id`` is what the station says; the audit row's actor is the station itself."""
    row = HandOffRow(
        handoff_id=body.handoff_id,
        station_id=station.kiosk_id,
        staff_id=body.staff_id,
        state="waiting",
        total=body.total,
        items=body.items,
        code=body.code,
        created_at=now,
        expires_at=datetime.fromisoformat(body.expires_at),
    )
    if session.get(HandOffRow, row.handoff_id) is not None:
        raise InvalidInput(f"hand-off {row.handoff_id} exists already")
    kiosk = idle_payment_kiosk(session, kiosks)
    row.kiosk_id = kiosk.kiosk_id if kiosk else None
    row.state = "assigned" if kiosk else "waiting"
    session.add(row)
    detail = {
        "total": row.total,
        "items": row.items,
        "claimed_staff_id": row.staff_id,
        "kiosk_id": row.kiosk_id,
    }
    record(
        session,
        now,
        f"kiosk:{station.kiosk_id}",
        "handoff.create",
        f"handoff:{row.handoff_id}",
        detail,
        origin=f"kiosk:{station.kiosk_id}",
    )
    return row


def idle_payment_kiosk(session: Session, kiosks: Sequence[ConsoleKiosk]) -> ConsoleKiosk | None:
    """The payment kiosk idle longest: open, reporting, no hand-off assigned or claimed."""
    busy = set(
        session.scalars(
            select(HandOffRow.kiosk_id).where(HandOffRow.state.in_(("assigned", "claimed")))
        )
    )
    candidates = [
        k
        for k in kiosks
        if k.role == "payment" and k.state == "idle" and k.mode == "open" and k.online
    ]
    candidates.sort(key=lambda k: (k.state_since, k.kiosk_id))
    return next((k for k in candidates if k.kiosk_id not in busy), None)


def claim(
    session: Session, kiosk: Kiosk, handoff_id: str | None, now: datetime
) -> HandOffRow | None:
    """The hand-off this kiosk takes now: the named one (its slip was scanned here, wherever it
    was assigned), or else the one assigned to this kiosk."""
    query = select(HandOffRow).where(
        HandOffRow.state.in_(("waiting", "assigned")), HandOffRow.expires_at >= now
    )
    if handoff_id:
        query = query.where(HandOffRow.handoff_id == handoff_id)
    else:
        query = query.where(HandOffRow.kiosk_id == kiosk.kiosk_id)
    row = session.scalars(query.order_by(HandOffRow.created_at).limit(1)).first()
    if row is None:
        return None
    row.state, row.kiosk_id, row.claimed_at = "claimed", kiosk.kiosk_id, now
    record(
        session,
        now,
        f"kiosk:{kiosk.kiosk_id}",
        "handoff.claim",
        f"handoff:{row.handoff_id}",
        {"kiosk_id": kiosk.kiosk_id, "claimed_staff_id": row.staff_id},
        origin=f"kiosk:{kiosk.kiosk_id}",
    )
    return row


def mark_paid(session: Session, kiosk_id: str, done: HandoffDone, now: datetime) -> None:
    row = session.get(HandOffRow, done.handoff_id)
    if row is None or row.state == "paid":
        return
    row.state, row.kiosk_id, row.paid_at, row.sale_id = "paid", kiosk_id, now, done.sale_id or ""
    detail = {"sale_id": row.sale_id, "total": done.total, "claimed_staff_id": row.staff_id}
    record(
        session,
        now,
        f"kiosk:{kiosk_id}",
        "handoff.paid",
        f"handoff:{row.handoff_id}",
        detail,
        origin=f"kiosk:{kiosk_id}",
    )


def expire_due(session: Session, now: datetime) -> int:
    rows = list(
        session.scalars(
            select(HandOffRow).where(HandOffRow.state.in_(OPEN_STATES), HandOffRow.expires_at < now)
        )
    )
    for row in rows:
        row.state = "expired"
        record(
            session,
            now,
            "system",
            "handoff.expire",
            f"handoff:{row.handoff_id}",
            {"kiosk_id": row.kiosk_id, "total": row.total},
            origin="backoffice",
        )
    return len(rows)


def recent(session: Session, now: datetime, hours: int = 12, limit: int = 30) -> list[HandOffRow]:
    query = select(HandOffRow).where(HandOffRow.created_at >= now - timedelta(hours=hours))
    return list(session.scalars(query.order_by(HandOffRow.created_at.desc()).limit(limit)))
