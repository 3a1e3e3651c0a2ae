"""Tables of the back office. Money is integer yen; times are naive store-local datetimes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class SaleRow(Base):
    """A sale as the kiosk committed it (``document``), with columns the reports need."""

    __tablename__ = "bo_sales"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    store_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    receipt_no: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    tax_total: Mapped[int] = mapped_column(Integer)
    gross_standard: Mapped[int] = mapped_column(Integer, default=0)  # 10 % 対象 (tax incl.)
    tax_standard: Mapped[int] = mapped_column(Integer, default=0)
    gross_reduced: Mapped[int] = mapped_column(Integer, default=0)  # 8 % 対象 (軽減税率)
    tax_reduced: Mapped[int] = mapped_column(Integer, default=0)
    counterparty: Mapped[str] = mapped_column(String(100), default="")  # 取引先 (電帳法)
    member_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime]
    document: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("kiosk_id", "kiosk_seq", name="uq_bo_sales_kiosk_seq"),
        Index("ix_bo_sales_completed_total", "completed_at", "total"),
        Index("ix_bo_sales_total", "total"),
        Index("ix_bo_sales_counterparty_completed", "counterparty", "completed_at"),
        Index(  # covers the reports' sums (migration 0003_report_cover)
            "ix_bo_sales_date_kiosk_totals",
            "business_date",
            "kiosk_id",
            "total",
            "gross_standard",
            "tax_standard",
            "gross_reduced",
            "tax_reduced",
        ),
    )


class SaleLineRow(Base):
    __tablename__ = "bo_sale_lines"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)
    business_date: Mapped[date] = mapped_column(Date)
    sku: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    tax: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_bo_sale_lines_date_sku", "business_date", "sku"),)


class SalePaymentRow(Base):
    __tablename__ = "bo_sale_payments"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)
    business_date: Mapped[date] = mapped_column(Date)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_bo_sale_payments_date_kiosk", "business_date", "kiosk_id"),)


class KioskEventRow(Base):
    """Outbox events that are not sales (voids, journal events): kept as received."""

    __tablename__ = "bo_kiosk_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime]
