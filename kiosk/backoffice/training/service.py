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

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kiosk.backoffice.models import Base, KioskRow

_ID = BigInteger().with_variant(Integer, "sqlite")


class TrainingSaleRow(Base):
    """A training sale as the kiosk committed it (never in the reports)."""

    __tablename__ = "bo_training_sales"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    sale_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    completed_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime]
    document: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_bo_training_sales_kiosk_date", "kiosk_id", "business_date"),)


def is_training(document: dict[str, Any]) -> bool:
    return document.get("training") is True


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
