"""Payments as a persisted state machine, and the resolver for unknown outcomes.

    created → requested → approved | declined | cancelled | unknown
    unknown → approved | declined | cancelled   (only by status()/cancel(), never a new charge)
    approved → refunded (partly or fully)

The idempotency key is written (state ``created``) before the first request leaves the
kiosk, and the state is written again before and after every call to the method, so a crash
at any point leaves a row that says what to ask the provider on restart.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from kiosk.domain.money import Yen
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.store import LocalStore, journal
from kiosk.store.models import PaymentRow

log = logging.getLogger(__name__)


class PaymentState(StrEnum):
    CREATED = "created"
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    REFUNDED = "refunded"


OPEN_STATES = (PaymentState.CREATED, PaymentState.REQUESTED, PaymentState.UNKNOWN)

_FINAL_BY_OUTCOME = {
    Outcome.APPROVED: PaymentState.APPROVED,
    Outcome.DECLINED: PaymentState.DECLINED,
    Outcome.CANCELLED: PaymentState.CANCELLED,
    Outcome.UNKNOWN: PaymentState.UNKNOWN,
    Outcome.REFUNDED: PaymentState.REFUNDED,
}


class PaymentLedger:
    def __init__(self, store: LocalStore, clock: Callable[[], datetime] = datetime.now) -> None:
        self.store = store
        self.clock = clock

    def create(self, sale_id: str, method: str, amount: Yen) -> PaymentRow:
        now = self.clock()
        row = PaymentRow(
            payment_id=str(uuid.uuid4()),
            idempotency_key=uuid.uuid4().hex,
            sale_id=sale_id,
            method=method,
            amount=amount,
            state=PaymentState.CREATED,
            created_at=now,
            updated_at=now,
        )
        with self.store.transaction() as session:
            session.add(row)
            journal.append(session, "payment_created", _journal_doc(row), at=now)
        return row

    def transition(self, payment_id: str, state: PaymentState, result: PaymentResult | None = None):
        now = self.clock()
        with self.store.transaction() as session:
            row = session.get(PaymentRow, payment_id)
            if row is None:
                raise KeyError(payment_id)
            row.state = state
            row.updated_at = now
            if result is not None:
                row.reference = result.reference or row.reference
                row.masked = result.masked or row.masked
                row.tendered = result.tendered or row.tendered
                row.change = result.change or row.change
                row.message = result.message
            journal.append(session, f"payment_{state}", _journal_doc(row), at=now)
            return row

    def open_payments(self) -> list[PaymentRow]:
        with self.store.transaction() as session:
            query = select(PaymentRow).where(PaymentRow.state.in_([s.value for s in OPEN_STATES]))
            return list(session.scalars(query))

    def get(self, payment_id: str) -> PaymentRow:
        with self.store.transaction() as session:
            row = session.get(PaymentRow, payment_id)
            if row is None:
                raise KeyError(payment_id)
            return row

    # --- driving a method ----------------------------------------------------------------

    def pay(
        self, sale_id: str, method: PaymentMethod, amount: Yen
    ) -> tuple[PaymentRow, PaymentResult]:
        """Create, request and settle one payment; an UNKNOWN outcome is resolved, not retried."""
        row = self.create(sale_id, method.id, amount)
        self.transition(row.payment_id, PaymentState.REQUESTED)
        try:
            result = method.start(amount, row.idempotency_key)
        except Exception as exc:
            log.exception("payment method %s raised during start", method.id)
            result = PaymentResult(Outcome.UNKNOWN, message=f"{type(exc).__name__}: {exc}")
        row = self.transition(row.payment_id, _FINAL_BY_OUTCOME[result.outcome], result)
        if result.outcome is Outcome.UNKNOWN:
            result = self.resolve(row, method)
            row = self.get(row.payment_id)
        return row, result

    def resolve(self, row: PaymentRow, method: PaymentMethod) -> PaymentResult:
        """Settle an open payment by asking the provider, then cancelling what stays unclear."""
        key = row.idempotency_key
        try:
            status = method.status(key)
        except Exception as exc:
            status = PaymentResult(Outcome.UNKNOWN, message=f"status failed: {exc}")
        if status.outcome in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED):
            self.transition(row.payment_id, _FINAL_BY_OUTCOME[status.outcome], status)
            return status
        if status.outcome is Outcome.NOT_FOUND:
            result = PaymentResult(Outcome.CANCELLED, message="provider never received it")
            self.transition(row.payment_id, PaymentState.CANCELLED, result)
            return result
        cancelled = _cancel_result(method, key)
        self.transition(row.payment_id, _FINAL_BY_OUTCOME[cancelled.outcome], cancelled)
        return cancelled

    def resolve_cancel(self, row: PaymentRow, method: PaymentMethod) -> PaymentResult:
        """Void an approved payment whose sale will not complete.

        If the void cannot be confirmed the payment becomes UNKNOWN, so the next start-up
        resolution asks the provider again instead of forgetting it.
        """
        result = _cancel_result(method, row.idempotency_key)
        state = (
            PaymentState.CANCELLED if result.outcome is Outcome.CANCELLED else PaymentState.UNKNOWN
        )
        self.transition(row.payment_id, state, result)
        return result


def _journal_doc(row: PaymentRow) -> dict:
    return {
        "payment_id": row.payment_id,
        "sale_id": row.sale_id,
        "method": row.method,
        "amount": row.amount,
        "state": str(row.state),
        "reference": row.reference,
    }


def _cancel_result(method: PaymentMethod, key: str) -> PaymentResult:
    try:
        return method.cancel(key)
    except Exception as exc:
        return PaymentResult(Outcome.UNKNOWN, message=f"cancel failed: {exc}")
