"""Tables of loyalty sync between kiosks (migration ``0003_loyalty_sync``).

The back office never holds a member's name, phone or e-mail in clear: ``bo_members.sealed``
is the enrolling kiosk's AES-GCM blob under the store's loyalty key, which only kiosks have.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.plugin_api import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class FeedHeadRow(Base):
    """The last feed seq handed out per store; locked while appending so seqs commit in order."""

    __tablename__ = "bo_loyalty_feed_heads"

    store_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedRow(Base):
    """What kiosks pull (back office → kiosks): coupon uses, points entries, members."""

    __tablename__ = "bo_loyalty_feed"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(16))  # coupons | loyalty
    kind: Mapped[str] = mapped_column(String(24))  # coupon_used | points | member | member_deleted
    origin_kiosk_id: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(80), index=True)  # member id or coupon id
    entry_id: Mapped[str] = mapped_column(String(160), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("store_id", "seq", name="uq_bo_loyalty_feed_store_seq"),
        Index("ix_bo_loyalty_feed_store_topic_seq", "store_id", "topic", "seq"),
    )


class MemberRow(Base):
    """A member as kiosks enrolled it: pseudonymous id, sealed personal data, keyed digests."""

    __tablename__ = "bo_members"

    member_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # active | deleted
    sealed: Mapped[str | None] = mapped_column(Text)  # base64 AES-GCM blob; the key stays on kiosks
    phone_index: Mapped[str | None] = mapped_column(String(64))  # keyed HMAC, not the number
    card_index: Mapped[str | None] = mapped_column(String(64))
    origin_kiosk_id: Mapped[str] = mapped_column(String(32))
    enrolled_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class MemberConsentRow(Base):
    """The purpose-of-use text a member agreed to (version, language, digest, time)."""

    __tablename__ = "bo_member_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    text_sha256: Mapped[str] = mapped_column(String(64))
    agreed_at: Mapped[datetime]
    kiosk_id: Mapped[str] = mapped_column(String(32))
    withdrawn_at: Mapped[datetime | None]


class PointsEntryRow(Base):
    """One points ledger entry from a kiosk (earn, spend, restore, reversal), unique by id."""

    __tablename__ = "bo_points_entries"

    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    points: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    sale_id: Mapped[str | None] = mapped_column(String(36))
    kiosk_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]


class OverdrawRow(Base):
    """A member's points went below zero once kiosks' offline spends met: staff must settle it."""

    __tablename__ = "bo_points_overdraws"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(32), index=True)
    store_id: Mapped[str] = mapped_column(String(32))
    debt: Mapped[int] = mapped_column(Integer)  # points spent that were not there
    kiosks: Mapped[list] = mapped_column(JSON)  # kiosks whose spends met
    detected_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class LoyaltyProblemRow(Base):
    """An event the loyalty sync could not use (malformed, unknown op); kept for staff."""

    __tablename__ = "bo_loyalty_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    problem: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime]
