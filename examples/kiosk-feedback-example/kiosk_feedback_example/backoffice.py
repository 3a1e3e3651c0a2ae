"""The back-office side: the ratings table, the ingest handler, and the staff page (its
template is ``templates/feedback.html``, a folder the plugin names in
``kiosk_backoffice_templates``).

The handler runs inside the back office's ingest transaction (``kiosk_backoffice_event_
handlers``). A rating it cannot use is counted as ``unreadable`` rather than raised: a raise
would fail the kiosk's whole batch and stop its sales reaching the back office.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import BigInteger, Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from kiosk.backoffice.plugin_api import Kiosk, Manager, bo, template_page
from kiosk_feedback_example import RATINGS

UNREADABLE = "unreadable"


class Base(DeclarativeBase):
    """The plugin's own metadata: its tables are its migrations', not the back office's."""


class FeedbackRow(Base):
    """One rating from one kiosk (migrations/0001_example_feedback.py makes the table)."""

    __tablename__ = "bo_example_feedback"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    kiosk_id: Mapped[str] = mapped_column(String(32), index=True)
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    rating: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]


def ingest(session: Session, kiosk: Kiosk, event: Any, now: datetime) -> None:
    rating = event.payload.get("rating") if isinstance(event.payload, dict) else None
    session.add(
        FeedbackRow(
            kiosk_id=kiosk.kiosk_id,
            kiosk_seq=event.seq,
            rating=rating if rating in RATINGS else UNREADABLE,
            received_at=now,
        )
    )


def counts(session: Session) -> dict[str, int]:
    found = dict(
        session.execute(select(FeedbackRow.rating, func.count()).group_by(FeedbackRow.rating)).all()
    )
    return {rating: found.get(rating, 0) for rating in (*RATINGS, UNREADABLE)}


router = APIRouter()


@router.get("/example-feedback")
def feedback_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        found = counts(session)
    return template_page(
        "kiosk_feedback_example/feedback.html",
        "Shopper feedback",
        staff,
        counts=list(found.items()),
    )
