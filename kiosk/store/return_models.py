"""The local store's table of returns (migration ``returns_0001``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.store.models import Base


class ReturnRow(Base):
    """One return: ``pending`` from before its first refund is sent until every refund is
    settled, then ``committed`` (with its outbox row and journal entry) or ``abandoned``
    (nothing was refunded). A pending return holds its units: they cannot be returned twice.
    """

    __tablename__ = "returns"

    return_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    original_sale_id: Mapped[str] = mapped_column(String(36), index=True)
    return_no: Mapped[int] = mapped_column(Integer, unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    document: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
