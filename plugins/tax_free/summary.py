"""The purchase-record summary a kiosk sends its back office (outbox kind ``tax_free_record``).

Every time a final record is written or changes (pending, needs_details, sent, confirmed,
refunded, expired, voided), :class:`OutboxSummaries` adds the record's summary to the
kiosk's outbox **in the same transaction**, so the back office's store-wide ledger and
same-day totals follow each kiosk's records in order, and the relay's at-least-once
delivery plus the back office's per-kiosk sequence make it exactly once in effect.

No personal data beyond what staff lists already show: the buyer is the HMAC buyer key
(same-day totals), ``SURNAME I.`` and the last four passport characters. The full record
with the passport data goes only to the NTA transmitter.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.store.models import OutboxRow
from plugins.tax_free.models import TaxFreeRecordRow
from plugins.tax_free.store import TaxFreeStore

KIND = "tax_free_record"
VERSION = 1


def record_summary(row: TaxFreeRecordRow, store: TaxFreeStore) -> dict[str, Any]:
    buyer = store.buyer_of(row)
    return {
        "v": VERSION,
        "record_id": row.record_id,
        "sale_id": row.sale_id,
        "store_code": row.store_code,
        "kiosk_id": row.kiosk_id,
        "status": row.status,
        "reason": row.status_reason or "",
        "sale_date": _iso(row.sale_date),
        "sold_at": _iso(row.sold_at),
        "key_id": store.cipher.key_id(),
        "buyer_key": row.buyer_key,
        "buyer": buyer.display_name,
        "passport": buyer.masked_passport,
        "net_total": row.net_total,
        "refund_amount": row.refund_amount,
        "export_deadline": _iso(row.export_deadline),
        "nta_receipt": row.nta_receipt,
        "refunded_at": _iso(row.refunded_at),
        "refund_channel": row.refund_channel,
        "updated_at": _iso(row.updated_at),
    }


class OutboxSummaries:
    """Queue a summary in the kiosk's outbox whenever one of its records changes."""

    def __init__(self, store: TaxFreeStore) -> None:
        self.store = store
        store.on_record_change(self._changed)

    def _changed(self, session: Session, row: TaxFreeRecordRow) -> None:
        session.add(
            OutboxRow(
                event_id=str(uuid.uuid4()),
                kind=KIND,
                aggregate_id=row.record_id,
                payload=record_summary(row, self.store),
                created_at=self.store.clock(),
            )
        )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
