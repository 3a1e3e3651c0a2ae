"""The report archive's table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class ArchivedReportRow(Base):
    """One stored report. ``revisions`` lists the figures of earlier versions, oldest first."""

    __tablename__ = "bo_report_archive"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(String(10))  # 2026-11-20 | 2026-11
    generated_at: Mapped[datetime] = mapped_column(DateTime)
    sales: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    html: Mapped[str] = mapped_column(Text)
    csv: Mapped[str] = mapped_column(Text)
    revisions: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("kind", "period", name="uq_bo_report_archive_kind_period"),)

    @property
    def was(self) -> dict[str, Any] | None:
        """The figures of the version before this one, if it was revised."""
        return self.revisions[-1] if self.revisions else None
