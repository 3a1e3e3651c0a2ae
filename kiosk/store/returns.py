"""Returns in the local store: the draft before any refund, the commit after them.

The order is what keeps money and documents in step across a crash (kill -9 anywhere):

1. :meth:`ReturnBook.begin` writes, in one transaction, the return (``pending``, with the
   document it will become), its refund rows (``created``, each with its own idempotency
   key) and a journal entry. The units it takes back are held from then on.
2. The refunds are sent (:meth:`kiosk.payments.ledger.PaymentLedger.send_refund`).
3. :meth:`ReturnBook.commit` writes, in one transaction, the final document (the refunds as
   made), the outbox row and the journal entry, once every refund row is ``refunded``.

So a refund is never sent without the draft that becomes its document, and a document is
never committed before its refunds are settled; restart recovery finishes step 3 (or
abandons a return nothing was refunded for).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.returns import OverReturn, ReturnPlan, returnable, returned_so_far
from kiosk.payments.ledger import new_row
from kiosk.payments.states import PaymentKind, PaymentState
from kiosk.store import LocalStore, journal
from kiosk.store.models import OutboxRow, PaymentRow, SaleRow
from kiosk.store.return_models import ReturnRow

PENDING, COMMITTED, ABANDONED = "pending", "committed", "abandoned"


class SaleNotFound(LookupError):
    """No committed sale with this receipt number (or id) on this kiosk."""


class ReturnNotPending(RuntimeError):
    """The return is already committed or abandoned."""


class ReturnBook:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    # --- looking up ----------------------------------------------------------------------

    def sale_by_receipt(self, receipt_no: int) -> dict[str, Any]:
        with self.store.transaction() as session:
            row = session.scalars(select(SaleRow).where(SaleRow.receipt_no == receipt_no)).first()
            if row is None:
                raise SaleNotFound(f"no sale with receipt number {receipt_no} on this kiosk")
            return dict(row.document)

    def sale(self, sale_id: str) -> dict[str, Any]:
        with self.store.transaction() as session:
            row = session.get(SaleRow, sale_id)
            if row is None:
                raise SaleNotFound(f"no sale {sale_id} on this kiosk")
            return dict(row.document)

    def find_sales(
        self, day: date | None = None, total: int | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Sales of ``day`` and/or of ``total`` yen, newest first (a receipt was lost)."""
        query = select(SaleRow).order_by(SaleRow.completed_at.desc()).limit(limit)
        if day is not None:
            start = datetime.combine(day, time())
            query = query.where(
                SaleRow.completed_at >= start, SaleRow.completed_at < start + timedelta(days=1)
            )
        if total is not None:
            query = query.where(SaleRow.total == total)
        with self.store.transaction() as session:
            return [dict(row.document) for row in session.scalars(query)]

    def returns_of(self, sale_id: str) -> list[dict[str, Any]]:
        """The documents of the sale's returns that hold units (pending or committed)."""
        with self.store.transaction() as session:
            return [dict(row.document) for row in _holding(session, sale_id)]

    def get(self, return_id: str) -> ReturnRow:
        with self.store.transaction() as session:
            row = session.get(ReturnRow, return_id)
            if row is None:
                raise KeyError(return_id)
            return row

    def pending(self) -> list[ReturnRow]:
        with self.store.transaction() as session:
            query = select(ReturnRow).where(ReturnRow.state == PENDING)
            return list(session.scalars(query.order_by(ReturnRow.created_at)))

    def refund_rows(self, return_id: str) -> list[PaymentRow]:
        with self.store.transaction() as session:
            query = select(PaymentRow).where(
                PaymentRow.sale_id == return_id, PaymentRow.kind == PaymentKind.REFUND
            )
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    # --- the three writes ----------------------------------------------------------------

    def begin(
        self,
        plan: ReturnPlan,
        refunds: Sequence[tuple[str, str, int]],
        *,
        kiosk_id: str,
        at: datetime,
        elsewhere: Sequence[dict[str, Any]] = (),
    ) -> tuple[ReturnRow, list[PaymentRow]]:
        """Write the pending return and its refund rows ``(original payment id, method,
        yen)`` in one transaction. Raises :class:`OverReturn` if, under the write lock, the
        units are no longer returnable (another return got there first). ``elsewhere``:
        the sale's returns on other kiosks, as the back office had them."""
        with self.store.transaction() as session:
            own = [row.document for row in _holding(session, plan.original_sale_id)]
            known = {str(d.get("return_id")) for d in own}
            others = [d for d in elsewhere if str(d.get("return_id")) not in known]
            taken = returned_so_far([*own, *others], plan.original_sale_id)
            left = returnable(plan.original, taken)
            for line in plan.lines:
                if line.units > left.get(line.original_line_id, 0):
                    raise OverReturn(
                        line.original_line_id, line.units, left.get(line.original_line_id, 0)
                    )
            return_no = (session.scalar(select(func.max(ReturnRow.return_no))) or 0) + 1
            rows = [
                _refund_row(plan.return_id, payment_id, method, amount, at)
                for payment_id, method, amount in refunds
            ]
            draft = plan.to_document(
                kiosk_id=kiosk_id,
                return_no=return_no,
                completed_at=at,
                refunds=[_refund_entry(row) for row in rows],
            )
            record = ReturnRow(
                return_id=plan.return_id,
                original_sale_id=plan.original_sale_id,
                return_no=return_no,
                state=PENDING,
                document=draft,
                created_at=at,
                completed_at=None,
            )
            session.add(record)
            session.add_all(rows)
            journal.append(session, "return_started", _journal_doc(draft, rows), at=at)
            return record, rows

    def add_cash_refund(self, return_id: str, declined: PaymentRow, at: datetime) -> PaymentRow:
        """A cash refund row standing in for ``declined`` (a method that cannot refund)."""
        with self.store.transaction() as session:
            record = _pending(session, return_id)
            row = _refund_row(
                return_id, declined.original_payment_id or "", "cash", declined.amount, at
            )
            session.add(row)
            journal.append(
                session,
                "return_cash_instead",
                {
                    "return_id": record.return_id,
                    "declined": declined.payment_id,
                    "cash": row.payment_id,
                    "amount": row.amount,
                },
                at=at,
            )
            return row

    def commit(self, return_id: str, at: datetime) -> dict[str, Any]:
        """The final document, its outbox row and journal entry, in one transaction.

        Only refund rows that went through count; every row must be settled, and what they
        refunded must be the return's total (a declined one needs its cash stand-in first).
        """
        with self.store.transaction() as session:
            record = _pending(session, return_id)
            rows = list(
                session.scalars(
                    select(PaymentRow).where(
                        PaymentRow.sale_id == return_id, PaymentRow.kind == PaymentKind.REFUND
                    )
                )
            )
            refunded = [r for r in rows if r.state == PaymentState.REFUNDED]
            open_rows = [
                r
                for r in rows
                if r.state
                not in (PaymentState.REFUNDED, PaymentState.DECLINED, PaymentState.CANCELLED)
            ]
            total = -int(record.document["total"])
            if open_rows or sum(r.amount for r in refunded) != total:
                raise RuntimeError(
                    f"return {return_id}: refunds not settled "
                    f"({sum(r.amount for r in refunded)} of {total} yen refunded, "
                    f"{len(open_rows)} open)"
                )
            document = dict(record.document)
            document["tenders"] = [  # as in the draft: what went back, negative
                _refund_entry(r) | {"amount": -r.amount} for r in sorted(refunded, key=_order(rows))
            ]
            document["completed_at"] = at.isoformat()
            record.document = document
            record.state = COMMITTED
            record.completed_at = at
            session.add(
                OutboxRow(
                    event_id=str(uuid.uuid4()),
                    kind="return",
                    aggregate_id=return_id,
                    payload=document,
                    created_at=at,
                )
            )
            journal.append(session, "return", document, at=at)
            return document

    def abandon(self, return_id: str, why: str, at: datetime) -> None:
        """Nothing was refunded: the return is dropped and its units are returnable again."""
        with self.store.transaction() as session:
            record = _pending(session, return_id)
            record.state = ABANDONED
            record.completed_at = at
            journal.append(session, "return_abandoned", {"return_id": return_id, "why": why}, at=at)


def _holding(session: Session, sale_id: str) -> list[ReturnRow]:
    query = select(ReturnRow).where(
        ReturnRow.original_sale_id == sale_id, ReturnRow.state.in_([PENDING, COMMITTED])
    )
    return list(session.scalars(query.order_by(ReturnRow.return_no)))


def _pending(session: Session, return_id: str) -> ReturnRow:
    record = session.get(ReturnRow, return_id)
    if record is None or record.state != PENDING:
        raise ReturnNotPending(f"return {return_id} is {record.state if record else 'unknown'}")
    return record


def _refund_row(
    return_id: str, original: str, method: str, amount: int, at: datetime
) -> PaymentRow:
    # a refund row belongs to the return that makes it (its sale_id is the return's id)
    return new_row(return_id, method, amount, at, PaymentKind.REFUND, original)


def _refund_entry(row: PaymentRow) -> dict[str, Any]:
    return {
        "payment_id": row.payment_id,
        "original_payment_id": row.original_payment_id,
        "method": row.method,
        "amount": row.amount,
        "reference": row.reference,
        "masked": row.masked,
    }


def _order(rows: list[PaymentRow]):
    index = {row.payment_id: n for n, row in enumerate(rows)}
    return lambda row: index[row.payment_id]


def _journal_doc(draft: dict[str, Any], rows: list[PaymentRow]) -> dict[str, Any]:
    return {
        "return_id": draft["return_id"],
        "original_sale_id": draft["original_sale_id"],
        "receipt_no": draft["receipt_no"],
        "total": draft["total"],
        "reason": draft["reason"],
        "staff_id": draft["staff_id"],
        "approved_by": draft["approved_by"],
        "lines": [[line["original_line_id"], line["amount"]] for line in draft["lines"]],
        "refund_rows": [row.payment_id for row in rows],
    }
