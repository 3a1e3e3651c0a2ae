"""Idempotent, ordered ingest of kiosk outbox events (売上データ受信).

Ordering: every kiosk's outbox has a gap-free, increasing ``seq`` (one SQLite rowid per
committed event). The back office keeps ``last_seq`` per kiosk, the highest seq applied with
nothing missing before it, and applies a batch in seq order under a lock on the kiosk row:

* ``seq <= last_seq``: already applied (the kiosk never heard our answer): acknowledged
  again, written nothing. Delivery is at least once; this makes it exactly once in effect.
* ``seq == last_seq + 1``: applied, and ``last_seq`` moves on.
* ``seq > last_seq + 1``: a gap. Nothing after a gap is applied (it is not parked): the
  answer says ``expected_seq`` and the relay resends from there. Gaps happen when the back
  office was restored from an older backup; the relay then rewinds its ``sent_at`` marks.

A sale is also unique by its UUID, so a kiosk re-imaged with a restarted outbox cannot
double a sale either.

The seqs here are the back office's: :mod:`kiosk.backoffice.kiosks.identity` maps a batch
from a re-imaged kiosk or an older copy of its database (seqs restarted below ``last_seq``)
to new seqs first, so such sales are kept and flagged instead of acknowledged and dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kiosk.backoffice.core import business_day, event_handlers
from kiosk.backoffice.core.errors import BadSaleDocument, SequenceGap
from kiosk.backoffice.kiosks.kiosk_lock import KIOSKS
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.ingest_rows import Prepared, RowBuffer, stored_sale_ids
from kiosk.backoffice.sales.ingest_sales import apply_sale
from kiosk.backoffice.sales.models import KioskEventRow

MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    # the payload's JSON text as the door checked its size (sales.schemas.payload_text),
    # stored as the document as it is; None: encoded at ingest
    payload_json: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboxEvent:
        try:
            return cls(
                int(data["seq"]), str(data["event_id"]), str(data["kind"]), dict(data["payload"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadSaleDocument(f"outbox event lacks seq/event_id/kind/payload: {exc}") from None


@dataclass(frozen=True, slots=True)
class IngestResult:
    acked_through: int  # the kiosk may mark every seq up to this one as sent
    applied: int
    duplicates: int
    expected_seq: int | None = None  # set when the batch stopped at a gap

    def to_json(self) -> dict[str, Any]:
        return {
            "acked_through": self.acked_through,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "expected_seq": self.expected_seq,
        }


@dataclass(slots=True)
class IngestContext:
    """What a kind handler needs: the transaction, the locked kiosk and the batch's rows."""

    session: Session
    kiosk: KioskRow
    now: datetime
    day_start: time
    known_sales: set[str]  # sale ids already stored, or collected earlier in this batch
    rows: RowBuffer = field(default_factory=RowBuffer)


# A kind handler collects (or writes) what one event means; False = a duplicate, not applied.
KindHandler = Callable[[IngestContext, OutboxEvent], bool]


def keep_event(ctx: IngestContext, event: OutboxEvent) -> bool:
    """Any other kind: kept as received, then offered to the features' handlers."""
    ctx.rows.flush(ctx.session)  # the features may read what came before it, in seq order
    ctx.session.add(
        KioskEventRow(
            kiosk_id=ctx.kiosk.kiosk_id,
            kiosk_seq=event.seq,
            event_id=event.event_id,
            kind=event.kind,
            payload=event.payload,
            received_at=ctx.now,
        )
    )
    event_handlers.apply(ctx.session, ctx.kiosk, event, ctx.now)
    return True


# Dispatch by event kind, in this one place. A new document kind is a small module with a
# KindHandler and one entry here; a kind not listed goes to keep_event.
KIND_HANDLERS: dict[str, KindHandler] = {
    "sale": apply_sale,
}


def handler_for(kind: str) -> KindHandler:
    return KIND_HANDLERS.get(kind, keep_event)


def ingest(
    session: Session, kiosk: KioskRow, events: list[OutboxEvent], now: datetime
) -> IngestResult:
    """Apply ``events`` for ``kiosk`` (locked by the caller) inside the caller's transaction.

    Raises :class:`SequenceGap` when not even the first new event can be applied.
    """
    if len(events) > MAX_BATCH:
        raise BadSaleDocument(f"at most {MAX_BATCH} events per batch")
    applied = duplicates = 0
    expected_seq: int | None = None
    # kept here, not on the ORM object (an instrumented set per event), until written below
    last_seq = kiosk.last_seq
    new_ids = [
        str(e.payload.get("sale_id")) for e in events if e.kind == "sale" and e.seq > last_seq
    ]
    known = stored_sale_ids(session, new_ids)
    ctx = IngestContext(session, kiosk, now, business_day.day_start(session), known)
    for event in sorted(events, key=lambda e: e.seq):
        if event.seq <= last_seq:
            duplicates += 1
            continue
        if event.seq != last_seq + 1:
            if applied == 0:
                raise SequenceGap(kiosk.kiosk_id, last_seq + 1, event.seq)
            expected_seq = last_seq + 1
            break
        handler = handler_for(event.kind)
        if handler is not apply_sale:  # the features' handlers see the kiosk as it stands
            set_committed_value(kiosk, "last_seq", last_seq)
        if handler(ctx, event):
            applied += 1
        else:
            duplicates += 1
        last_seq = event.seq
    ctx.rows.flush(session)
    record_progress(session, kiosk, last_seq, now)
    return IngestResult(last_seq, applied, duplicates, expected_seq)


# One compiled UPDATE of the locked kiosk row (the ORM's flush of it cost ~0.5 ms a batch)
_PROGRESS = (
    update(KIOSKS)
    .where(KIOSKS.c.kiosk_id == bindparam("k_id"))
    .values(last_seq=bindparam("k_last_seq"), last_seen_at=bindparam("k_seen"))
)


def record_progress(session: Session, kiosk: KioskRow, last_seq: int, seen_at: datetime) -> None:
    """Write the kiosk's ``last_seq`` and ``last_seen_at`` (one UPDATE of its locked row) and
    leave the object holding them as committed values, so the session's flush has nothing of
    them to write again."""
    values = {"k_id": kiosk.kiosk_id, "k_last_seq": last_seq, "k_seen": seen_at}
    Prepared.of(_PROGRESS, session.get_bind().dialect).execute_one(session, values)
    set_committed_value(kiosk, "last_seq", last_seq)
    set_committed_value(kiosk, "last_seen_at", seen_at)
