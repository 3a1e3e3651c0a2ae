"""The purchase-record summary a kiosk sends its back office (outbox kind ``tax_free_record``).

Every time a final record is written or changes (pending, needs_details, sent, confirmed,
refunded, expired, voided), :class:`OutboxSummaries` adds the record's summary to the
kiosk's outbox **in the same unit of work** (``uow.send_event``), so the back office's
store-wide ledger and same-day totals follow each kiosk's records in order, and the relay's
at-least-once delivery plus the back office's per-kiosk sequence make it exactly once in
effect. A change of status also goes in the kiosk's journal (kind ``tax_free_record``:
record id, sale id, status, refund amount), in the same unit of work.

No personal data beyond what staff lists already show: the buyer is the HMAC buyer key
(same-day totals), ``SURNAME I.`` and the last four passport characters. The full record
with the passport data goes only to the NTA transmitter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from plugins.tax_free.models import TaxFreeRecordRow
from plugins.tax_free.store import TaxFreeStore

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import UnitOfWork

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


def journal_entry(row: TaxFreeRecordRow) -> dict[str, Any]:
    """The journal's line for a record's new status (no personal data)."""
    return {
        "record_id": row.record_id,
        "sale_id": row.sale_id,
        "status": row.status,
        "refund_amount": row.refund_amount,
    }


class OutboxSummaries:
    """Queue a summary in the kiosk's outbox whenever one of its records changes, and
    journal each change of status, in the change's unit of work."""

    def __init__(self, store: TaxFreeStore) -> None:
        self.store = store
        store.on_record_change(self._changed)

    def _changed(self, uow: UnitOfWork, row: TaxFreeRecordRow) -> None:
        now = self.store.clock()
        # one event per change, as it happens: no idempotency key (a replay of the change
        # is a new change; the unit of work makes the event and the change one commit)
        uow.send_event(KIND, record_summary(row, self.store), aggregate_id=row.record_id, at=now)
        if inspect(row).attrs.status.history.has_changes():
            uow.journal(KIND, journal_entry(row), at=now)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
