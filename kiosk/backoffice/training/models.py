"""Training-mode sales table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base

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
