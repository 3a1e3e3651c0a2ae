"""Training sales (練習): paid to a payment simulator, kept apart from the store's sales.

A kiosk in training mode (a payment method talks to a simulator) marks each sale document
``"training": true``. Ingest stores such a sale here, as received, instead of in
``bo_sales``: so no report, export, archive or P&L (they all read ``bo_sales`` and its
lines and payments) ever counts it, and stock does not move — without a filter to forget in
each query or a column that would widen the reports' covering index. The kiosk's sequence
still advances, so delivery stays exactly once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.training.models import TrainingSaleRow
from kiosk.domain.sale import is_training_document

#: the kiosk's own test of a sale (or return) document, so both sides read the mark alike
is_training = is_training_document


def store_training_sale(
    session: Session,
    kiosk: KioskRow,
    seq: int,
    document: dict[str, Any],
    sale_id: str,
    completed_at: datetime,
    business_date: date,
    total: int,
    now: datetime,
) -> bool:
    """Keep the training sale; False when this sale id is already kept (a re-imaged kiosk)."""
    if session.scalar(select(TrainingSaleRow.id).where(TrainingSaleRow.sale_id == sale_id)):
        return False
    session.add(
        TrainingSaleRow(
            sale_id=sale_id,
            kiosk_id=kiosk.kiosk_id,
            kiosk_seq=seq,
            completed_at=completed_at,
            business_date=business_date,
            total=total,
            received_at=now,
            document=document,
        )
    )
    return True


def training_count(session: Session, day: date) -> int:
    """How many training sales the kiosks made on ``day`` (none of them in the reports)."""
    query = select(func.count()).where(TrainingSaleRow.business_date == day)
    return int(session.scalar(query) or 0)
