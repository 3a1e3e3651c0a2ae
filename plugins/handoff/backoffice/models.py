"""The hand-off plugin's back-office tables (its migration branch "handoff")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.plugin_api import Base


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


class HandOffKioskRow(Base):
    """The hand-off a kiosk last reported it is paying (its console tile shows it)."""

    __tablename__ = "bo_handoff_kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    handoff_id: Mapped[str | None] = mapped_column(String(32))
    reported_at: Mapped[datetime]
