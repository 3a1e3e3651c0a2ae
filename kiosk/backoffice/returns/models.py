"""Back-office tables of returns (migration ``0003_returns``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class ReturnRow(Base):
    """A return as the kiosk committed it. Its money is also a negative ``bo_sales`` row, so
    every report nets it; ``flag`` says when the units were returned twice (two kiosks
    offline each took back the same goods)."""

    __tablename__ = "bo_returns"

    return_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    original_sale_id: Mapped[str] = mapped_column(String(36), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    return_no: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date, index=True)
    total: Mapped[int] = mapped_column(Integer)  # negative
    reason: Mapped[str] = mapped_column(String(32))
    staff_id: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    flag: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime]


class ReturnLineRow(Base):
    """Units taken back from one original line; ``restock`` False: the damaged bin."""

    __tablename__ = "bo_return_lines"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    return_id: Mapped[str] = mapped_column(String(36), index=True)
    original_sale_id: Mapped[str] = mapped_column(String(36))
    original_line_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    units: Mapped[int] = mapped_column(Integer)  # positive: pieces or grams
    amount: Mapped[int] = mapped_column(Integer)  # positive refund
    restock: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_bo_return_lines_original", "original_sale_id", "original_line_id"),)
