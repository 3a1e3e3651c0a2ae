"""Tables of the local store. Money columns are integer yen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ProductRow(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(13), unique=True)
    plu: Mapped[str | None] = mapped_column(String(16), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    price: Mapped[int] = mapped_column(Integer)
    tax: Mapped[str] = mapped_column(String(16))
    price_includes_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    department: Mapped[str] = mapped_column(String(64), default="general")
    age_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    weighed: Mapped[bool] = mapped_column(Boolean, default=False)


class SaleRow(Base):
    __tablename__ = "sales"

    sale_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    receipt_no: Mapped[int] = mapped_column(Integer, unique=True)
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime] = mapped_column(index=True)
    total: Mapped[int] = mapped_column(Integer)
    tax_total: Mapped[int] = mapped_column(Integer)
    change: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(8), default="ja")
    staff_id: Mapped[str | None] = mapped_column(String(32))
    member_id: Mapped[str | None] = mapped_column(String(64))
    document: Mapped[dict] = mapped_column(JSON)

    lines: Mapped[list[SaleLineRow]] = relationship(back_populates="sale")


class SaleLineRow(Base):
    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.sale_id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    tax: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)

    sale: Mapped[SaleRow] = relationship(back_populates="lines")


class PaymentRow(Base):
    """One payment attempt and its state; written at every transition (see kiosk.payments)."""

    __tablename__ = "payments"

    payment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)  # the sale may not exist yet
    method: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reference: Mapped[str] = mapped_column(String(128), default="")
    masked: Mapped[str] = mapped_column(String(32), default="")
    tendered: Mapped[int] = mapped_column(Integer, default=0)
    change: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    original_payment_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # 0002: "payment", or "void"/"refund" rows that undo original_payment_id
    kind: Mapped[str] = mapped_column(String(16), default="payment", server_default="payment")
    # 0002: what the provider took (less than amount when e-money is short: split tender)
    approved_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    """Events waiting for the back office; written in the same transaction as their cause."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    aggregate_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The back office refused the event as malformed: it is kept here for staff, and a small
    # ``parked`` stand-in goes under its seq (see kiosk.sync.parking).
    parked_at: Mapped[datetime | None]
    parked_reason: Mapped[str | None] = mapped_column(Text)
    retried_as: Mapped[int | None] = mapped_column(Integer)  # the seq of the copy sent again

    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "seq"),)


class JournalRow(Base):
    """The electronic journal: append-only, each row chained to the previous by hash."""

    __tablename__ = "journal"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ConfigRow(Base):
    __tablename__ = "config"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class SuspendedBasketRow(Base):
    __tablename__ = "suspended_baskets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(128))
    document: Mapped[dict] = mapped_column(JSON)
    resumed_at: Mapped[datetime | None]
