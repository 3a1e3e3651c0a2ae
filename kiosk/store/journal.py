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


# Rows fetched per round trip while verifying: memory stays flat however long the journal is.
VERIFY_CHUNK = 2000


def verify(session: Session) -> JournalCheck:
    """Walk the chain from the start; report the first row that does not fit.

    Streams plain column tuples (no ORM objects kept in the session's identity map), so a
    journal of any length is checked in the memory of one chunk.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    query = select(
        JournalRow.seq,
        JournalRow.at,
        JournalRow.kind,
        JournalRow.payload,
        JournalRow.prev_hash,
        JournalRow.hash,
    ).order_by(JournalRow.seq)
    rows = session.execute(query.execution_options(yield_per=VERIFY_CHUNK))
    for seq, at, kind, payload, prev_hash, stored_hash in rows:
        count += 1
        if seq != expected_seq:
            return JournalCheck(count, seq, f"row {expected_seq} is missing")
        if prev_hash != prev:
            return JournalCheck(count, seq, "does not follow the previous row's hash")
        if stored_hash != row_hash(prev, seq, at, kind, payload):
            return JournalCheck(count, seq, "content does not match its hash (edited)")
        prev, expected_seq = stored_hash, expected_seq + 1
    return JournalCheck(count)
