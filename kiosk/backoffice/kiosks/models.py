"""Kiosk tables: enrolled kiosks, identity epochs and flags, journal heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class KioskRow(Base):
    """An enrolled kiosk. ``last_seq`` is the highest outbox seq applied, with no gap before."""

    __tablename__ = "bo_kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), default="S01")
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the random secret
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen_at: Mapped[datetime | None]
    masterdata_version: Mapped[int] = mapped_column(Integer, default=0)


_ID = BigInteger().with_variant(Integer, "sqlite")


class EpochRow(Base):
    """One stretch of a kiosk's outbox from one database: ``bo seq = local seq + offset``."""

    __tablename__ = "bo_kiosk_epochs"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    epoch: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[str] = mapped_column(String(64), default="")  # "" before it was sent
    seq_offset: Mapped[int] = mapped_column(BigInteger)
    first_local_seq: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(16))
    receipt_floor: Mapped[int] = mapped_column(Integer, default=0)  # highest receipt no before
    started_at: Mapped[datetime]

    __table_args__ = (Index("ix_bo_kiosk_epochs_kiosk_epoch", "kiosk_id", "epoch", unique=True),)


class IdentityFlagRow(Base):
    """A problem for staff: a new epoch, or a receipt number issued twice. Kept when resolved."""

    __tablename__ = "bo_kiosk_identity_flags"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    epoch: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    detected_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")


class JournalHeadRow(Base):
    """One journal head a kiosk reported, and how it compared with the anchor then."""

    __tablename__ = "bo_journal_heads"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime]
    verdict: Mapped[str] = mapped_column(String(16))
    anchor_seq: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_bo_journal_heads_kiosk_verdict_seq", "kiosk_id", "verdict", "seq"),)
