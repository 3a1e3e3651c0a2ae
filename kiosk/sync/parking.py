"""Parked outbox events: what the back office refused as malformed, kept for staff.

When the back office answers a batch with a 4xx that names one event (422: that event
failed its schema; 413: a single event too large to send), the relay *parks* it: the row
stays in the kiosk's database with ``parked_at`` and the reason, and from then on the relay
sends a small ``parked`` stand-in under its seq instead, so the back office applies every
event after it in order. Nothing is deleted: a parked sale is still a sale of this kiosk.

After the cause is fixed (usually a back-office upgrade), ``kiosk outbox retry SEQ`` queues
a copy of the event under a new seq with a new event id (the back office already holds the
stand-in under the old one); sales, points entries and coupon uses carry their own ids, so
the copy can never be counted twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kiosk.store import LocalStore
from kiosk.store.models import OutboxRow

PARKED_KIND = "parked"
MAX_REASON = 300


class NotParked(ValueError):
    """``kiosk outbox retry`` was given a seq that is not a parked, un-retried event."""


def stand_in(row: OutboxRow) -> dict[str, Any]:
    """The payload sent under a parked row's seq (the back office's ``parked`` schema)."""
    return {"kind": row.kind, "reason": (row.parked_reason or "")[:MAX_REASON]}


def park(store: LocalStore, seq: int, reason: str, at: datetime) -> bool:
    """Park the unsent row ``seq``; False if it is not there, already sent or already parked."""
    with store.transaction() as session:
        row = session.get(OutboxRow, seq)
        if row is None or row.sent_at is not None or row.parked_at is not None:
            return False
        row.parked_at, row.parked_reason = at, reason[:MAX_REASON]
        return True


def parked(store: LocalStore) -> list[OutboxRow]:
    """Every parked row, oldest first (retried ones too: ``retried_as`` says so)."""
    with store.transaction() as session:
        query = select(OutboxRow).where(OutboxRow.parked_at.is_not(None)).order_by(OutboxRow.seq)
        return list(session.scalars(query))


def counts(store: LocalStore) -> tuple[int, int]:
    """``(unsent, parked and not retried)`` for ``kiosk doctor``."""
    with store.transaction() as session:
        unsent = session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
        )
        waiting = session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.parked_at.is_not(None), OutboxRow.retried_as.is_(None))
        )
    return int(unsent or 0), int(waiting or 0)


def retry(store: LocalStore, seq: int) -> int:
    """Queue a copy of parked row ``seq`` at the end of the outbox; returns the copy's seq."""
    with store.transaction() as session:
        row = session.get(OutboxRow, seq)
        if row is None or row.parked_at is None:
            raise NotParked(f"outbox seq {seq} is not parked (see 'kiosk outbox list')")
        if row.retried_as is not None:
            raise NotParked(f"outbox seq {seq} was retried already as seq {row.retried_as}")
        copy = OutboxRow(
            event_id=str(uuid.uuid4()),
            kind=row.kind,
            aggregate_id=row.aggregate_id,
            payload=row.payload,
            created_at=row.created_at,  # its age still counts for the backlog alert
        )
        session.add(copy)
        session.flush()
        row.retried_as = copy.seq
        return copy.seq
