"""The hash-chained electronic journal (電子ジャーナル).

Every row stores the SHA-256 of the previous row's hash and its own content, so editing,
deleting or inserting a row breaks the chain at that point, which :func:`verify` finds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import JournalRow

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, seq: int, at: datetime, kind: str, payload: str) -> str:
    material = f"{prev_hash}|{seq}|{at.isoformat()}|{kind}|{payload}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append(session: Session, kind: str, payload: dict[str, Any], at: datetime) -> JournalRow:
    """Add a journal row inside the caller's transaction (which holds the write lock)."""
    last = session.scalars(select(JournalRow).order_by(JournalRow.seq.desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else GENESIS
    text = canonical(payload)
    row = JournalRow(
        seq=seq,
        at=at,
        kind=kind,
        payload=text,
        prev_hash=prev,
        hash=row_hash(prev, seq, at, kind, text),
    )
    session.add(row)
    return row


@dataclass(frozen=True, slots=True)
class JournalCheck:
    rows: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify(session: Session) -> JournalCheck:
    """Walk the chain from the start; report the first row that does not fit."""
    prev, expected_seq, count = GENESIS, 1, 0
    for row in session.scalars(select(JournalRow).order_by(JournalRow.seq)):
        count += 1
        if row.seq != expected_seq:
            return JournalCheck(count, row.seq, f"row {expected_seq} is missing")
        if row.prev_hash != prev:
            return JournalCheck(count, row.seq, "does not follow the previous row's hash")
        if row.hash != row_hash(prev, row.seq, row.at, row.kind, row.payload):
            return JournalCheck(count, row.seq, "content does not match its hash (edited)")
        prev, expected_seq = row.hash, expected_seq + 1
    return JournalCheck(count)
