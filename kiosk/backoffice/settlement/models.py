"""Settlement tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class SettlementRow(Base):
    """Day-end settlement (精算) of one kiosk: expected cash against the count."""

    __tablename__ = "bo_settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("bo_kiosks.kiosk_id"))
    business_date: Mapped[date] = mapped_column(Date)
    float_amount: Mapped[int] = mapped_column(Integer, default=0)  # 釣銭準備金
    expected_cash: Mapped[int] = mapped_column(Integer)
    counted_cash: Mapped[int] = mapped_column(Integer)
    discrepancy: Mapped[int] = mapped_column(Integer)  # 過不足: counted − expected
    denominations: Mapped[dict] = mapped_column(JSON, default=dict)
    counted_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("kiosk_id", "business_date", name="uq_bo_settlement_day"),)
