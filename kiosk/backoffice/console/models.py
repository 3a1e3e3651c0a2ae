"""Tables of the attendant console and semi-self hand-offs (migration 0002)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class KioskStatusRow(Base):
    """The last state a kiosk reported; ``reported_at`` (server time) decides 'offline'."""

    __tablename__ = "bo_kiosk_status"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("bo_kiosks.kiosk_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="self")  # self | payment | station
    state: Mapped[str] = mapped_column(String(20))
    checkout_state: Mapped[str] = mapped_column(String(20), default="")
    mode: Mapped[str] = mapped_column(String(10), default="open")  # open | paused | closed
    total: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    state_since: Mapped[datetime]
    health: Mapped[dict] = mapped_column(JSON, default=dict)
    unsent_sales: Mapped[int] = mapped_column(Integer, default=0)
    alerts: Mapped[list] = mapped_column(JSON, default=list)
    lines: Mapped[list] = mapped_column(JSON, default=list)
    handoff_id: Mapped[str | None] = mapped_column(String(32))
    reported_at: Mapped[datetime]


class StateLogRow(Base):
    """Every state change a kiosk reported, in order (the console's timeline)."""

    __tablename__ = "bo_kiosk_state_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]  # the kiosk's time of the change
    old: Mapped[str] = mapped_column(String(20))
    new: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime]

    __table_args__ = (Index("ix_bo_kiosk_state_log_kiosk", "kiosk_id", "id"),)


class HandOffRow(Base):
    """A semi-self hand-off: station → payment kiosk (セミセルフ受け渡し)."""

    __tablename__ = "bo_handoffs"

    handoff_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32))
    staff_id: Mapped[str] = mapped_column(String(32))
    kiosk_id: Mapped[str | None] = mapped_column(String(32))  # assigned or paid at
    state: Mapped[str] = mapped_column(
        String(12), index=True
    )  # waiting|assigned|claimed|paid|expired
    total: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(Text)  # the signed basket (the kiosk verifies it again)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    sale_id: Mapped[str | None] = mapped_column(String(36))


class CommandRow(Base):
    """A console action queued for a kiosk; the kiosk takes it with its next report."""

    __tablename__ = "bo_kiosk_commands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    by: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))  # pending | sent | done | failed
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_bo_kiosk_commands_kiosk_state", "kiosk_id", "state"),)
