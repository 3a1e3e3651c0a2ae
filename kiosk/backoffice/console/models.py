"""Tables of the attendant console (migration 0002).

The semi-self hand-offs are the handoff plugin's (``plugins/handoff/backoffice``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
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
    # (no handoff_id: the handoff plugin keeps what a kiosk reports of its hand-off in its
    # own table, bo_handoff_kiosks; migration 0003_kiosk_status_handoff dropped the column)
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
