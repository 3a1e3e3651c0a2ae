"""The audit log (監査ログ): every change, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.models import AuditRow


def record(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(AuditRow(at=at, actor=actor, action=action, target=target, detail=detail or {}, note=""))


def recent(session: Session, limit: int = 200) -> list[AuditRow]:
    return list(session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))
