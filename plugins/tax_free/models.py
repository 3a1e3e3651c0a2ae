"""Tables of the tax-free plugin (its own Alembic branch ``taxfree``: taxfree_0001, _0002).

They live in the kiosk's local store and can equally live in the back office's database:
the ledger and the transmission queue only need an engine. Money columns are integer yen;
``buyer_enc`` is the AES-GCM-sealed buyer (see :mod:`plugins.tax_free.crypto`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class TaxFreeBase(DeclarativeBase):
    pass


class RecordStatus(StrEnum):
    """A record's life: draft → pending → confirmed → refunded, or expired / voided."""

    DRAFT = "draft"  # buyer identified, sale not yet committed (crash recovery)
    NEEDS_DETAILS = "needs_details"  # a ¥1,000,000+ item lacks its detail fields: not sent
    PENDING = "pending"  # transmitted (or queued); waiting for customs
    CONFIRMED = "confirmed"  # customs confirmed every item in time: refund is due
    REFUNDED = "refunded"
    EXPIRED = "expired"  # no confirmation within the 90 days (or confirmed too late)
    VOIDED = "voided"  # customs could not confirm every item: the record is taxable


class TaxFreeRecordRow(TaxFreeBase):
    __tablename__ = "taxfree_records"

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    store_code: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[str] = mapped_column(String(32))
    sold_at: Mapped[datetime | None]
    sale_date: Mapped[date | None] = mapped_column(Date, index=True)
    buyer_key: Mapped[str] = mapped_column(String(64), index=True)
    buyer_enc: Mapped[str] = mapped_column(Text)
    document: Mapped[dict | None] = mapped_column(JSON)
    net_total: Mapped[int] = mapped_column(Integer, default=0)
    refund_amount: Mapped[int] = mapped_column(Integer, default=0)
    export_deadline: Mapped[date | None] = mapped_column(Date)
    transmitted_at: Mapped[datetime | None]
    nta_receipt: Mapped[str | None] = mapped_column(String(64))
    export_date: Mapped[date | None] = mapped_column(Date)
    confirmation: Mapped[dict | None] = mapped_column(JSON)
    refunded_at: Mapped[datetime | None]
    refund_channel: Mapped[str | None] = mapped_column(String(32))
    refund_reference: Mapped[str | None] = mapped_column(String(128))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    retain_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TransmissionRow(TaxFreeBase):
    """The transmission queue: one row per record, retried until the endpoint acknowledges."""

    __tablename__ = "taxfree_transmissions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("taxfree_records.record_id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | sent | rejected
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]


class CorrectionRow(TaxFreeBase):
    """A correction (訂正) or cancellation (取消) of a record already transmitted, made by a
    return and sent through the same transmitter, once: ``correction_id`` is its
    idempotency key (``<record id>:c<n>``), so a retry after a lost answer files it once."""

    __tablename__ = "taxfree_corrections"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correction_id: Mapped[str] = mapped_column(String(64), unique=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("taxfree_records.record_id"), index=True)
    return_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # correction | cancellation
    body: Mapped[dict] = mapped_column(JSON)  # what changed (no buyer data: added when sent)
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | sent | rejected
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]
    nta_receipt: Mapped[str | None] = mapped_column(String(64))


class RefundRow(TaxFreeBase):
    """A refund attempt; its key is written before the channel is asked (never paid twice)."""

    __tablename__ = "taxfree_refunds"

    refund_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("taxfree_records.record_id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # requested | done | failed
    reference: Mapped[str] = mapped_column(String(128), default="")
    staff_id: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TaxFreeMetaRow(TaxFreeBase):
    """Small state of the back-office side (the confirmation cursor)."""

    __tablename__ = "taxfree_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
