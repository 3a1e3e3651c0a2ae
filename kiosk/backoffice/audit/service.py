"""The audit log (監査ログ): every change, written in the same transaction as the change.

Append-only and hash-chained: each row stores the SHA-256 of the previous row's hash and its
own fields, so editing, deleting or inserting a row breaks the chain there, and
:func:`verify` (``kiosk-backoffice verify-audit``, the console's audit page) finds it. Rows
carry the PCI DSS 10.3 fields: user id, event type, date/time, success or failure,
origination and the affected resource.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.models import AuditRow

GENESIS = "0" * 64
SUCCESS, FAILURE = "success", "failure"
_CHAIN_LOCK = 7_460_117  # PostgreSQL advisory lock id: one writer extends the chain at a time


def chain_hash(prev: str, row: AuditRow) -> str:
    detail = json.dumps(
        row.detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    material = "|".join(
        (
            prev,
            row.at.isoformat(),
            row.actor,
            row.action,
            row.target or "",
            detail,
            row.result,
            row.origin or "",
            row.note or "",
        )
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def record(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    *,
    result: str | None = None,
    origin: str = "",
) -> AuditRow:
    """Append a row (``result`` defaults to failure for ``*_failed`` actions, else success)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(1)).first()
    row = AuditRow(
        at=at,
        actor=actor[:64],
        action=action[:64],
        target=target[:200],
        detail=detail or {},
        note="",
        result=result or (FAILURE if action.endswith("_failed") else SUCCESS),
        origin=origin[:100],
    )
    row.prev_hash = (last.hash if last is not None else None) or GENESIS
    row.hash = chain_hash(row.prev_hash, row)
    session.add(row)
    return row


def recent(session: Session, limit: int = 200) -> list[AuditRow]:
    return list(session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))


@dataclass(frozen=True, slots=True)
class AuditCheck:
    rows: int
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify(session: Session) -> AuditCheck:
    """Walk the chain from the first row; report the first row that does not fit."""
    prev, count = GENESIS, 0
    for row in session.scalars(select(AuditRow).order_by(AuditRow.id)).yield_per(1000):
        count += 1
        if row.prev_hash != prev:
            return AuditCheck(
                count, row.id, "does not follow the previous row (a row was deleted or inserted)"
            )
        if row.hash != chain_hash(prev, row):
            return AuditCheck(count, row.id, "content does not match its hash (edited)")
        prev = row.hash
    return AuditCheck(count)
