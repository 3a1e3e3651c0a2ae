"""The audit log table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class AuditRow(Base):
    """Every change, who made it and when (監査ログ). Append-only and hash-chained (0002).

    PCI DSS 10.3: user id (``actor``), event type (``action``), date and time (``at``),
    success or failure (``result``), origination (``origin``), affected resource (``target``).
    """

    __tablename__ = "bo_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(16), default="success", server_default="success")
    origin: Mapped[str] = mapped_column(String(100), default="", server_default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
