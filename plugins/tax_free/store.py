"""Reading and writing tax-free records; the buyer is sealed on the way in.

The ``taxfree_*`` tables live in the kiosk's local store (the plugin's Alembic branch
creates them). Every write is one of the runtime's units of work (``runtime.unit_of_work``,
:mod:`kiosk.runtime.unit_of_work`), so what a change sends the back office and writes in the
journal (:mod:`.summary`) commits with the change or not at all; reads go through the
store's engine (``runtime.database()``) and take no write lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from plugins.tax_free.buyer import Buyer
from plugins.tax_free.crypto import PersonalDataCipher
from plugins.tax_free.models import (
    RecordStatus,
    TaxFreeBase,
    TaxFreeRecordRow,
    TransmissionRow,
)
from plugins.tax_free.record import PurchaseRecord, record_from_document

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import OpensReading, OpensUnitOfWork, UnitOfWork

Clock = Callable[[], datetime]
RecordListener = Callable[["UnitOfWork", "TaxFreeRecordRow"], None]


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as stored: its state, the purchase record, and (decrypted) its buyer."""

    row: TaxFreeRecordRow
    record: PurchaseRecord | None  # None while a draft
    buyer: Buyer

    @property
    def status(self) -> RecordStatus:
        return RecordStatus(self.row.status)


class TaxFreeStore:
    """``units``: ``runtime.unit_of_work`` (every write is one); ``engine``:
    ``runtime.database()`` (reads)."""

    def __init__(
        self,
        units: OpensUnitOfWork,
        reads: OpensReading,
        engine: Engine,
        cipher: PersonalDataCipher,
        clock: Clock,
    ) -> None:
        self.units = units
        self.reads = reads
        self.engine = engine
        self.cipher = cipher
        self.clock = clock
        self._listeners: list[RecordListener] = []

    def on_record_change(self, listener: RecordListener) -> None:
        """Call ``listener(uow, row)`` for every final record written or changed.

        It runs inside the flush of the same unit of work (before the rows are written), so
        the outbox event or journal row it adds through ``uow`` commits with the change or
        not at all. Drafts and deletions are not reported.
        """
        self._listeners.append(listener)

    def create_tables(self) -> None:
        """For a database without the Alembic branch (tools)."""
        TaxFreeBase.metadata.create_all(self.engine)

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A snapshot read (``runtime.reading``): no write lock taken or waited for."""
        with self.reads() as read:
            yield read.session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work; its session, for the ``taxfree_*`` tables."""
        with self.units() as uow:
            session = uow.session

            def before_flush(flushing: Session, _context: object, _instances: object) -> None:
                for row in [*flushing.new, *flushing.dirty]:
                    if (
                        isinstance(row, TaxFreeRecordRow)
                        and row.status != RecordStatus.DRAFT
                        and flushing.is_modified(row)
                    ):
                        for listener in self._listeners:
                            listener(uow, row)

            event.listen(session, "before_flush", before_flush)
            try:
                yield session
                session.flush()  # the listeners see the last changes inside the unit of work
            finally:
                event.remove(session, "before_flush", before_flush)

    # --- drafts (buyer identified, sale not yet committed) ---------------------------------

    def save_draft(self, sale_id: str, buyer: Buyer, store_code: str, kiosk_id: str) -> str:
        """Write (or replace) the draft for ``sale_id``; return its record id."""
        now = self.clock()
        with self.transaction() as session:
            row = session.scalar(
                select(TaxFreeRecordRow).where(TaxFreeRecordRow.sale_id == sale_id)
            )
            if row is None:
                row = TaxFreeRecordRow(
                    record_id=str(uuid.uuid4()),
                    sale_id=sale_id,
                    status=RecordStatus.DRAFT.value,
                    store_code=store_code,
                    kiosk_id=kiosk_id,
                    net_total=0,
                    refund_amount=0,
                    status_reason="",
                    created_at=now,
                )
                session.add(row)
            elif row.status != RecordStatus.DRAFT:
                raise ValueError(f"sale {sale_id} already has a final tax-free record")
            row.buyer_key = self.cipher.buyer_key(buyer.nationality, buyer.passport_number)
            row.buyer_enc = self.cipher.encrypt(buyer.to_dict(), row.record_id)
            row.updated_at = now
            return row.record_id

    def delete_draft(self, sale_id: str) -> None:
        with self.transaction() as session:
            row = session.scalar(
                select(TaxFreeRecordRow).where(TaxFreeRecordRow.sale_id == sale_id)
            )
            if row is not None and row.status == RecordStatus.DRAFT:
                session.delete(row)

    def drafts(self) -> list[TaxFreeRecordRow]:
        with self._reading() as session:
            query = select(TaxFreeRecordRow).where(TaxFreeRecordRow.status == RecordStatus.DRAFT)
            return list(session.scalars(query))

    # --- final records ---------------------------------------------------------------------

    def finalize(
        self,
        record: PurchaseRecord,
        retain_until: date,
        status: RecordStatus,
        reason: str = "",
    ) -> None:
        """Turn the draft into the record; queue it for transmission when it is complete.

        One transaction: a record is never pending without its queue row.
        """
        now = self.clock()
        with self.transaction() as session:
            row = session.get(TaxFreeRecordRow, record.record_id)
            if row is None:
                raise KeyError(f"no draft {record.record_id} to finalize")
            _fill(row, record, status, reason, retain_until, now)
            if status is RecordStatus.PENDING:
                _enqueue(session, record.record_id, now)

    def replace_record(self, record: PurchaseRecord) -> None:
        """Store a corrected record (details added); queue it once nothing is missing."""
        now = self.clock()
        with self.transaction() as session:
            row = session.get(TaxFreeRecordRow, record.record_id)
            if row is None or row.status != RecordStatus.NEEDS_DETAILS:
                raise ValueError(f"record {record.record_id} is not waiting for details")
            missing = record.missing_details()
            status = RecordStatus.NEEDS_DETAILS if missing else RecordStatus.PENDING
            reason = _missing_reason(missing) if missing else ""
            _fill(row, record, status, reason, row.retain_until, now)
            if status is RecordStatus.PENDING:
                _enqueue(session, record.record_id, now)

    def get(self, record_id: str) -> StoredRecord | None:
        with self._reading() as session:
            row = session.get(TaxFreeRecordRow, record_id)
            return self._stored(row) if row else None

    def by_sale(self, sale_id: str) -> StoredRecord | None:
        with self._reading() as session:
            row = session.scalar(
                select(TaxFreeRecordRow).where(TaxFreeRecordRow.sale_id == sale_id)
            )
            return self._stored(row) if row else None

    def rows(
        self,
        statuses: tuple[RecordStatus, ...] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> list[TaxFreeRecordRow]:
        query = select(TaxFreeRecordRow).where(TaxFreeRecordRow.status != RecordStatus.DRAFT)
        if statuses:
            query = query.where(TaxFreeRecordRow.status.in_([s.value for s in statuses]))
        if since:
            query = query.where(TaxFreeRecordRow.sale_date >= since)
        if until:
            query = query.where(TaxFreeRecordRow.sale_date <= until)
        with self._reading() as session:
            return list(session.scalars(query.order_by(TaxFreeRecordRow.sold_at)))

    def same_day_net(self, buyer: Buyer, store_code: str, sale_date: date) -> int:
        """Net (tax-excluded) total of the buyer's records at this store on ``sale_date``."""
        key = self.cipher.buyer_key(buyer.nationality, buyer.passport_number)
        return self.same_day_net_by_key(key, store_code, sale_date)

    def same_day_net_by_key(self, key: str, store_code: str, sale_date: date) -> int:
        """:meth:`same_day_net` for a buyer known only by their HMAC key."""
        query = select(func.coalesce(func.sum(TaxFreeRecordRow.net_total), 0)).where(
            TaxFreeRecordRow.buyer_key == key,
            TaxFreeRecordRow.store_code == store_code,
            TaxFreeRecordRow.sale_date == sale_date,
            TaxFreeRecordRow.status.not_in([RecordStatus.DRAFT.value, RecordStatus.VOIDED.value]),
        )
        with self._reading() as session:
            return int(session.scalar(query) or 0)

    def transmissions(self) -> dict[str, TransmissionRow]:
        """The transmission queue's rows by record id (for the staff ledger)."""
        with self._reading() as session:
            return {row.record_id: row for row in session.scalars(select(TransmissionRow))}

    def buyer_of(self, row: TaxFreeRecordRow) -> Buyer:
        return Buyer.from_dict(self.cipher.decrypt(row.buyer_enc, row.record_id))

    def _stored(self, row: TaxFreeRecordRow) -> StoredRecord:
        record = record_from_document(row.document) if row.document else None
        return StoredRecord(row=row, record=record, buyer=self.buyer_of(row))


def _fill(
    row: TaxFreeRecordRow,
    record: PurchaseRecord,
    status: RecordStatus,
    reason: str,
    retain_until: date | None,
    now: datetime,
) -> None:
    row.status = status.value
    row.status_reason = reason
    row.sold_at = record.sold_at
    row.sale_date = record.sale_date
    row.document = record.to_document()
    row.net_total = record.amounts.net
    row.refund_amount = record.refund_amount
    row.export_deadline = record.export_deadline
    row.retain_until = retain_until
    row.updated_at = now


def _enqueue(session: Session, record_id: str, now: datetime) -> None:
    exists = session.scalar(select(TransmissionRow).where(TransmissionRow.record_id == record_id))
    if exists is None:
        session.add(
            TransmissionRow(
                record_id=record_id,
                idempotency_key=record_id,
                state="queued",
                attempts=0,
                next_attempt_at=now,
                last_error="",
            )
        )


def _missing_reason(lines: list[int]) -> str:
    listed = ", ".join(str(n) for n in lines)
    return (
        f"line(s) {listed} cost ¥1,000,000 or more excluding tax: enter brand, model number "
        "and serial number (商品情報詳細) before the record can be sent"
    )


missing_reason = _missing_reason
