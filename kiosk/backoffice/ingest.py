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

The seqs here are the back office's: :mod:`kiosk.backoffice.kiosk_identity` maps a batch
from a re-imaged kiosk or an older copy of its database (seqs restarted below ``last_seq``)
to new seqs first, so such sales are kept and flagged instead of acknowledged and dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.backoffice import business_day, event_handlers, training
from kiosk.backoffice.errors import BadSaleDocument, SequenceGap
from kiosk.backoffice.models import (
    KioskEventRow,
    KioskRow,
    ProductRow,
    SaleLineRow,
    SalePaymentRow,
    SaleRow,
)

MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    kind: str
    payload: dict[str, Any]

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
    stock: Counter[str] = Counter()
    day_start = business_day.day_start(session)
    new_ids = [
        str(e.payload.get("sale_id")) for e in events if e.kind == "sale" and e.seq > kiosk.last_seq
    ]
    known = (
        set(session.scalars(select(SaleRow.sale_id).where(SaleRow.sale_id.in_(new_ids))))
        if new_ids
        else set()
    )
    for event in sorted(events, key=lambda e: e.seq):
        if event.seq <= kiosk.last_seq:
            duplicates += 1
            continue
        if event.seq != kiosk.last_seq + 1:
            if applied == 0:
                raise SequenceGap(kiosk.kiosk_id, kiosk.last_seq + 1, event.seq)
            expected_seq = kiosk.last_seq + 1
            break
        if event.kind == "sale":
            if _apply_sale(session, kiosk, event, now, day_start, stock, known):
                applied += 1
            else:
                duplicates += 1
        else:
            session.add(
                KioskEventRow(
                    kiosk_id=kiosk.kiosk_id,
                    kiosk_seq=event.seq,
                    event_id=event.event_id,
                    kind=event.kind,
                    payload=event.payload,
                    received_at=now,
                )
            )
            event_handlers.apply(session, kiosk, event, now)
            applied += 1
        kiosk.last_seq = event.seq
    kiosk.last_seen_at = now
    for sku, quantity in stock.items():
        session.execute(
            update(ProductRow)
            .where(ProductRow.sku == sku)
            .values(on_hand=ProductRow.on_hand - quantity)
        )
    return IngestResult(kiosk.last_seq, applied, duplicates, expected_seq)


def _apply_sale(
    session: Session,
    kiosk: KioskRow,
    event: OutboxEvent,
    now: datetime,
    day_start: time,
    stock: Counter[str],
    known: set[str],
) -> bool:
    doc = event.payload
    try:
        sale_id = str(doc["sale_id"])
        completed_at = datetime.fromisoformat(doc["completed_at"])
        total = int(doc["total"])
        rates = {r["tax"]: r for r in doc["rates"]}
        lines, tenders = doc["lines"], doc["tenders"]
    except (KeyError, TypeError, ValueError) as exc:
        raise BadSaleDocument(f"sale event {event.seq}: {exc!r}") from None
    if doc.get("kiosk_id") not in (None, kiosk.kiosk_id):
        raise BadSaleDocument(
            f"sale {sale_id} says kiosk {doc.get('kiosk_id')}, token is {kiosk.kiosk_id}"
        )
    if sale_id in known:
        return False
    known.add(sale_id)
    day = business_day.business_date(completed_at, day_start)
    if training.is_training(doc):  # paid to a simulator: kept, but never in the reports
        return training.store_training_sale(
            session, kiosk, event.seq, doc, sale_id, completed_at, day, total, now
        )
    standard, reduced = rates.get("standard", {}), rates.get("reduced", {})
    extra = doc.get("extra") or {}
    session.add(
        SaleRow(
            sale_id=sale_id,
            kiosk_id=kiosk.kiosk_id,
            store_id=kiosk.store_id,
            kiosk_seq=event.seq,
            receipt_no=int(doc.get("receipt_no") or 0),
            completed_at=completed_at,
            business_date=day,
            total=total,
            tax_total=sum(int(r.get("tax_amount", 0)) for r in rates.values()),
            gross_standard=int(standard.get("gross", 0)),
            tax_standard=int(standard.get("tax_amount", 0)),
            gross_reduced=int(reduced.get("gross", 0)),
            tax_reduced=int(reduced.get("tax_amount", 0)),
            counterparty=str(extra.get("counterparty") or doc.get("member_id") or "")[:100],
            member_id=doc.get("member_id"),
            received_at=now,
            document=doc,
        )
    )
    for line in lines:
        if line.get("voided"):
            continue
        quantity = int(line.get("quantity", 1))
        session.add(
            SaleLineRow(
                sale_id=sale_id,
                business_date=day,
                sku=str(line["sku"]),
                department=str(line.get("department") or "general"),
                tax=str(line.get("tax") or "standard"),
                quantity=quantity,
                amount=int(line["amount"]),
            )
        )
        if not line.get("weight_g"):
            stock[str(line["sku"])] += quantity
    for tender in tenders:
        session.add(
            SalePaymentRow(
                sale_id=sale_id,
                business_date=day,
                kiosk_id=kiosk.kiosk_id,
                method=str(tender["method"]),
                amount=int(tender["amount"]),
            )
        )
    return True
