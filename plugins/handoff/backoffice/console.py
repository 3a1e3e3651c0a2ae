"""The hand-offs' part of the attendant console (``kiosk_backoffice_console``).

From each kiosk's state report it takes ``handoff_id`` (the hand-off being paid there: its
tile shows it) and ``handoffs_done`` (paid hand-offs); every live snapshot expires the
hand-offs past their time and lists the recent ones under ``"handoffs"``, which
``static/console.js`` draws as a table below the tiles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import ConsolePart, Kiosk, TileField
from plugins.handoff.backoffice import handoffs
from plugins.handoff.backoffice.models import HandOffKioskRow
from plugins.handoff.backoffice.schemas import HandoffReport

#: where the plugin's router serves the console page's script and stylesheet
SCRIPT = "/console/parts/handoff.js"
STYLESHEET = "/console/parts/handoff.css"


def receive(session: Session, kiosk: Kiosk, report: HandoffReport, now: datetime) -> None:
    """A kiosk's report (checked at the door): remember its hand-off, close the paid ones."""
    row = session.get(HandOffKioskRow, kiosk.kiosk_id)
    if row is None:
        row = HandOffKioskRow(kiosk_id=kiosk.kiosk_id, reported_at=now)
        session.add(row)
    row.handoff_id, row.reported_at = report.handoff_id, now
    for done in report.handoffs_done:
        handoffs.mark_paid(session, kiosk.kiosk_id, done, now)


def tile(session: Session, kiosk_id: str, now: datetime) -> list[TileField]:
    row = session.get(HandOffKioskRow, kiosk_id)
    current = row.handoff_id if row is not None else None
    return [TileField("handoff_id", "Hand-off 受け渡し", current or "—")]


def snapshot(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Expire what is past its time (audited), then the recent hand-offs, newest first."""
    handoffs.expire_due(session, now)
    return [
        {
            "handoff_id": h.handoff_id,
            "station_id": h.station_id,
            "staff_id": h.staff_id,
            "kiosk_id": h.kiosk_id or "",
            "state": h.state,
            "total": h.total,
            "items": h.items,
            "created_at": h.created_at.strftime("%H:%M:%S"),
            "expires_at": h.expires_at.strftime("%H:%M"),
        }
        for h in handoffs.recent(session, now)
    ]


def part() -> ConsolePart:
    return ConsolePart(
        name="handoffs",
        report=HandoffReport,
        receive=receive,
        tile=tile,
        snapshot=snapshot,
        script=SCRIPT,
        stylesheet=STYLESHEET,
    )
