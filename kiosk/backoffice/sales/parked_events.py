"""The back office's side of a kiosk's parked outbox event (outbox kind ``parked``).

A kiosk parks an event this back office refused as malformed (see
:mod:`kiosk.sync.parking`) and sends a stand-in under its seq, so the kiosk's later events
can be applied in order. The stand-in is kept in ``bo_kiosk_events`` like any event, and
written to the audit log as a failure, so staff here see which kiosk holds what.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import FAILURE, record
from kiosk.backoffice.core import event_handlers
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.schemas import PARKED

if TYPE_CHECKING:
    from kiosk.backoffice.sales.ingest import OutboxEvent

AUDIT_ACTION = "sync.event_parked"


@event_handlers.handles(PARKED)
def event_parked(session: Session, kiosk: KioskRow, event: OutboxEvent, now: datetime) -> None:
    """Audit the stand-in: the kiosk keeps the event; staff retry it there after a fix."""
    detail = {
        "event_id": event.event_id,
        "kind": event.payload.get("kind"),
        "reason": event.payload.get("reason"),
    }
    record(
        session,
        now,
        f"kiosk:{kiosk.kiosk_id}",
        AUDIT_ACTION,
        f"{kiosk.kiosk_id}#{event.seq}",
        detail,
        result=FAILURE,
        origin=f"kiosk:{kiosk.kiosk_id}",
    )
