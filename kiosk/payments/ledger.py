"""Payments as a persisted state machine (see :mod:`kiosk.payments.states`).

The idempotency key is written (state ``created``) before the first request leaves the
kiosk, and the state is written again before and after every call to the method, so a crash
at any point leaves a row that says what to ask the provider on restart. An ``unknown``
outcome is settled by ``status()`` and then ``cancel()``; the ledger never sends a second
charge. Voids and refunds are rows of their own linked to the payment they undo.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from kiosk.domain.money import Yen
from kiosk.payments import carddata, checks
from kiosk.payments.deadline import Overran, call_within
from kiosk.payments.errors import (
    AmountOutOfLimits,
    IllegalPaymentTransition,
    RefundNotAllowed,
    UnknownPayment,
)
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.payments.states import (
    OPEN_STATES,
    STATE_BY_OUTCOME,
    PaymentKind,
    PaymentState,
    allowed,
)
from kiosk.store import LocalStore, journal
from kiosk.store.models import PaymentRow, SaleRow

log = logging.getLogger(__name__)

_DONE = (Outcome.CANCELLED, Outcome.REFUNDED)  # cancel(): nothing stays charged


def new_key() -> str:
    """A fresh idempotency key (hyphenated UUID: never a long digit run in logs or files)."""
    return str(uuid.uuid4())


def new_row(
    sale_id: str,
    method: str,
    amount: Yen,
    now: datetime,
    kind: PaymentKind = PaymentKind.PAYMENT,
    original_payment_id: str | None = None,
) -> PaymentRow:
    """A ``created`` row with a fresh id and idempotency key, for the caller to add (a
    return adds its refund rows in the transaction that writes its draft)."""
    return PaymentRow(
        payment_id=str(uuid.uuid4()),
        idempotency_key=new_key(),
        sale_id=sale_id,
        method=method,
        amount=amount,
        state=PaymentState.CREATED,
        kind=kind,
        original_payment_id=original_payment_id,
        reference="",
        masked="",
        tendered=0,
        change=0,
        refunded=0,
        approved_amount=0,
        message="",
        created_at=now,
        updated_at=now,
    )


#: told when a method breaks the contract (method, call, what is wrong); the runtime
#: disables the plugin that offered the method
ContractViolation = Callable[[PaymentMethod, str, str], None]


class PaymentLedger:
    def __init__(
        self,
        store: LocalStore,
        clock: Callable[[], datetime] = datetime.now,
        on_contract_violation: ContractViolation | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.on_contract_violation = on_contract_violation

    # --- rows ----------------------------------------------------------------------------

    def create(
        self,
        sale_id: str,
        method: str,
        amount: Yen,
        kind: PaymentKind = PaymentKind.PAYMENT,
        original_payment_id: str | None = None,
    ) -> PaymentRow:
        now = self.clock()
        row = new_row(sale_id, method, amount, now, kind, original_payment_id)
        with self.store.transaction() as session:
            session.add(row)
            journal.append(session, f"{kind}_created", _journal_doc(row), at=now)
        return row

    def transition(
        self, payment_id: str, state: PaymentState, result: PaymentResult | None = None
    ) -> PaymentRow:
        """Move one row to ``state`` (checked against the state machine) and journal it."""
        now = self.clock()
        with self.store.transaction() as session:
            row = session.get(PaymentRow, payment_id)
            if row is None:
                raise UnknownPayment(payment_id)
            if not allowed(row.state, state):
                raise IllegalPaymentTransition(payment_id, row.state, state)
            row.state = state
            row.updated_at = now
            if result is not None:
                _apply(row, result, state)
            if state is PaymentState.REFUNDED and row.kind == PaymentKind.REFUND:
                self._book_refund(session, row, now)
            if state is PaymentState.CANCELLED and row.kind == PaymentKind.VOID:
                self._book_void(session, row, now)
            journal.append(session, f"{row.kind}_{state}", _journal_doc(row), at=now)
            return row

    def get(self, payment_id: str) -> PaymentRow:
        with self.store.transaction() as session:
            row = session.get(PaymentRow, payment_id)
            if row is None:
                raise UnknownPayment(payment_id)
            return row

    def open_payments(self) -> list[PaymentRow]:
        """Rows a crash or a lost reply left created/requested/unknown (every kind)."""
        with self.store.transaction() as session:
            query = select(PaymentRow).where(PaymentRow.state.in_([s.value for s in OPEN_STATES]))
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    def approved_payments(self) -> list[PaymentRow]:
        with self.store.transaction() as session:
            query = select(PaymentRow).where(
                PaymentRow.state == PaymentState.APPROVED,
                PaymentRow.kind == PaymentKind.PAYMENT,
            )
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    def approved_without_sale(self) -> list[PaymentRow]:
        """Approved payments whose sale was never committed and that no void is undoing yet.

        Only meaningful at start-up (no sale in progress): each is charged-but-no-sale.
        """
        with self.store.transaction() as session:
            undoing = select(PaymentRow.original_payment_id).where(
                PaymentRow.kind == PaymentKind.VOID,
                PaymentRow.state.in_([s.value for s in OPEN_STATES]),
                PaymentRow.original_payment_id.is_not(None),
            )
            query = select(PaymentRow).where(
                PaymentRow.state == PaymentState.APPROVED,
                PaymentRow.kind == PaymentKind.PAYMENT,
                PaymentRow.sale_id.not_in(select(SaleRow.sale_id)),
                PaymentRow.payment_id.not_in(undoing),
            )
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    def linked(self, payment_id: str) -> list[PaymentRow]:
        """The voids and refunds of one payment."""
        with self.store.transaction() as session:
            query = select(PaymentRow).where(PaymentRow.original_payment_id == payment_id)
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    def for_sale(self, sale_id: str) -> list[PaymentRow]:
        with self.store.transaction() as session:
            query = select(PaymentRow).where(PaymentRow.sale_id == sale_id)
            return list(session.scalars(query.order_by(PaymentRow.created_at)))

    # --- driving a method ----------------------------------------------------------------

    def pay(
        self, sale_id: str, method: PaymentMethod, amount: Yen
    ) -> tuple[PaymentRow, PaymentResult]:
        """Create, request and settle one payment; an UNKNOWN outcome is resolved, not retried.

        :raises AmountOutOfLimits: before anything is written or sent.
        """
        if not method.accepts(amount):
            raise AmountOutOfLimits(method.id, amount, method.min_amount, method.max_amount)
        row = self.create(sale_id, method.id, amount)
        self.transition(row.payment_id, PaymentState.REQUESTED)
        result = self._call(method, "start", method.start, amount, row.idempotency_key)
        if result.outcome is Outcome.APPROVED and not 0 <= result.amount <= amount:
            log.error("%s approved %d of %d yen; resolving", method.id, result.amount, amount)
            result = PaymentResult(Outcome.UNKNOWN, message="approved amount out of range")
        if result.outcome not in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED):
            result = PaymentResult(
                Outcome.UNKNOWN, message=result.message or f"start said {result.outcome}"
            )
        row = self.transition(row.payment_id, STATE_BY_OUTCOME[result.outcome], result)
        if result.outcome is Outcome.UNKNOWN:
            result = self.resolve(row, method)
            row = self.get(row.payment_id)
        return row, result

    def resolve(self, row: PaymentRow, method: PaymentMethod) -> PaymentResult:
        """Settle an open row: ask the provider, then cancel what stays unclear."""
        if row.kind == PaymentKind.VOID:
            return self._resolve_void(row, method)
        if row.kind == PaymentKind.REFUND:
            return self._resolve_refund(row, method)
        status = self._call(method, "status", method.status, row.idempotency_key)
        if status.outcome is Outcome.APPROVED and not 0 <= status.amount <= row.amount:
            status = PaymentResult(Outcome.UNKNOWN, message="status amount out of range")
        if status.outcome in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED):
            self.transition(row.payment_id, STATE_BY_OUTCOME[status.outcome], status)
            return status
        # NOT_FOUND or still unclear: cancel. For NOT_FOUND the cancel is a tombstone, so a
        # request still in flight is refused when it arrives instead of charging later.
        cancelled = self._call(method, "cancel", method.cancel, row.idempotency_key)
        if cancelled.outcome in _DONE:
            cancelled = PaymentResult(Outcome.CANCELLED, message=cancelled.message or "voided")
            self.transition(row.payment_id, PaymentState.CANCELLED, cancelled)
            return cancelled
        unclear = PaymentResult(Outcome.UNKNOWN, message=cancelled.message or "still unclear")
        self.transition(row.payment_id, PaymentState.UNKNOWN, unclear)
        return unclear

    def void(self, payment_id: str, method: PaymentMethod) -> PaymentResult:
        """Void an approved payment whose sale will not complete (a linked ``void`` row).

        CANCELLED once nothing stays charged. If the void cannot be confirmed the void row
        stays open (unknown) and the payment approved, so the next resolution tries again.
        """
        original = self.get(payment_id)
        if original.state == PaymentState.CANCELLED:
            return PaymentResult(Outcome.CANCELLED, message="already voided")
        if original.state != PaymentState.APPROVED:
            raise IllegalPaymentTransition(payment_id, original.state, "voided")
        row = self.create(
            original.sale_id,
            original.method,
            original.approved_amount,
            PaymentKind.VOID,
            original.payment_id,
        )
        self.transition(row.payment_id, PaymentState.REQUESTED)
        return self._resolve_void(row, method)

    def refund(self, payment_id: str, amount: Yen, method: PaymentMethod) -> PaymentResult:
        """Give back ``amount`` of an approved payment (a linked ``refund`` row).

        :raises RefundNotAllowed: the payment is not approved or less than ``amount`` is left.
        """
        original = self.get(payment_id)
        left = original.approved_amount - original.refunded - self._refunds_in_flight(payment_id)
        if original.state != PaymentState.APPROVED or not 0 < amount <= left:
            raise RefundNotAllowed(
                f"payment {payment_id} is {original.state} with {left} yen refundable; "
                f"cannot refund {amount}"
            )
        row = self.create(
            original.sale_id, original.method, amount, PaymentKind.REFUND, original.payment_id
        )
        return self.send_refund(row.payment_id, method)

    def send_refund(self, payment_id: str, method: PaymentMethod) -> PaymentResult:
        """Send a refund row written beforehand (``created``, e.g. with a return document's
        draft in one transaction), or settle it if it was already sent.

        A row whose ``method`` differs from its original payment's is a cash refund for a
        method that cannot refund: it goes to the method's ``pay_out(amount, refund_key)``.
        A row already sent is never sent blindly again: it is settled by ``status()``.
        """
        row = self.get(payment_id)
        if row.kind != PaymentKind.REFUND:
            raise RefundNotAllowed(f"payment {payment_id} is a {row.kind}, not a refund")
        if row.state == PaymentState.REFUNDED:
            return PaymentResult(Outcome.REFUNDED, amount=row.amount, message="already refunded")
        if row.state in (PaymentState.DECLINED, PaymentState.CANCELLED):
            return PaymentResult(Outcome.DECLINED, message=row.message or "declined")
        if row.state != PaymentState.CREATED:
            return self._resolve_refund(row, method)
        original = self._original(row)
        self.transition(row.payment_id, PaymentState.REQUESTED)
        result = self._dispatch_refund(row, original, method)
        if result.outcome in (Outcome.REFUNDED, Outcome.DECLINED):
            self.transition(row.payment_id, STATE_BY_OUTCOME[result.outcome], result)
            return result
        self.transition(row.payment_id, PaymentState.UNKNOWN, result)
        return self._resolve_refund(self.get(row.payment_id), method)

    # --- resolution of voids and refunds ---------------------------------------------------

    def _resolve_void(self, row: PaymentRow, method: PaymentMethod) -> PaymentResult:
        original = self.get(row.original_payment_id or "")
        result = self._call(method, "cancel", method.cancel, original.idempotency_key)
        if result.outcome in _DONE:
            done = PaymentResult(Outcome.CANCELLED, message=result.message or "voided")
            self.transition(row.payment_id, PaymentState.CANCELLED, done)
            return done
        if result.outcome is Outcome.DECLINED:
            self.transition(row.payment_id, PaymentState.DECLINED, result)
            return result
        unclear = PaymentResult(Outcome.UNKNOWN, message=result.message or "void unconfirmed")
        self.transition(row.payment_id, PaymentState.UNKNOWN, unclear)
        return unclear

    def _resolve_refund(self, row: PaymentRow, method: PaymentMethod) -> PaymentResult:
        status = self._call(method, "status", method.status, row.idempotency_key)
        if status.outcome is Outcome.REFUNDED:
            self.transition(row.payment_id, PaymentState.REFUNDED, status)
            return status
        if status.outcome is Outcome.NOT_FOUND:
            # the refund never arrived: send it again under the same refund key (a refund
            # cannot charge anyone, and the key makes a repeat give back only once)
            again = self._dispatch_refund(row, self._original(row), method)
            if again.outcome in (Outcome.REFUNDED, Outcome.DECLINED):
                self.transition(row.payment_id, STATE_BY_OUTCOME[again.outcome], again)
                return again
            status = again
        unclear = PaymentResult(Outcome.UNKNOWN, message=status.message or "refund unconfirmed")
        self.transition(row.payment_id, PaymentState.UNKNOWN, unclear)
        return unclear

    def _original(self, row: PaymentRow) -> PaymentRow | None:
        """The payment a refund row gives back; None when another kiosk took it (a return
        of that kiosk's sale made here, paid out in cash)."""
        try:
            return self.get(row.original_payment_id or "")
        except UnknownPayment:
            if row.kind == PaymentKind.REFUND and row.original_payment_id:
                return None
            raise

    def _dispatch_refund(
        self, row: PaymentRow, original: PaymentRow | None, method: PaymentMethod
    ) -> PaymentResult:
        """Send refund ``row`` once under its own key: through the method that took the money,
        or, when a return refunds it by another method (cash from the changer), as that
        method's ``pay_out``. The first send and a resend after NOT_FOUND go the same way."""
        if original is not None and original.method == row.method:
            return self._call(
                method,
                "refund",
                method.refund,
                original.idempotency_key,
                row.amount,
                row.idempotency_key,
            )
        pay_out = getattr(method, "pay_out", None)
        if pay_out is None:
            return PaymentResult(Outcome.DECLINED, message=f"{method.id} cannot pay out")
        return self._call(method, "pay_out", pay_out, row.amount, row.idempotency_key)

    def _refunds_in_flight(self, payment_id: str) -> Yen:
        return sum(
            r.amount
            for r in self.linked(payment_id)
            if r.kind == PaymentKind.REFUND and r.state in OPEN_STATES
        )

    # --- one call to the method --------------------------------------------------------

    def _call(
        self, method: PaymentMethod, what: str, function: Callable[..., PaymentResult], *args
    ) -> PaymentResult:
        """Call a method under its deadline. An exception, an overrun or a result of the
        wrong shape is an UNKNOWN outcome (the callers resolve it). Card-like data is
        scrubbed."""
        seconds = _deadline(method, what)
        try:
            finished = call_within(seconds, f"{method.id}.{what}", function, *args)
        except Overran:
            log.error("payment method %s: %s overran its %g s deadline", method.id, what, seconds)
            if what == "start":
                _stop_waiting(method)  # a shopper's wait ends here, not at the method's
            return PaymentResult(Outcome.UNKNOWN, message=f"{what}: no answer in {seconds:g} s")
        if finished.error is not None:
            exc = finished.error
            log.warning("payment method %s raised in %s: %s", method.id, what, type(exc).__name__)
            return PaymentResult(Outcome.UNKNOWN, message=f"{what} failed: {type(exc).__name__}")
        result = finished.value
        problem = checks.payment_result(result)
        if problem is not None:
            self._broke_contract(method, what, f"returned {problem.removeprefix('is ')}")
            return PaymentResult(Outcome.UNKNOWN, message=f"{what} returned no valid result")
        return _without_card_data(method.id, result)

    def _broke_contract(self, method: PaymentMethod, what: str, problem: str) -> None:
        if self.on_contract_violation is None:
            log.error("payment method %s: %s %s", method.id, what, problem)
        else:
            self.on_contract_violation(method, what, problem)

    # --- bookings on the original row (inside the caller's transaction) --------------------

    @staticmethod
    def _book_refund(session, refund: PaymentRow, now: datetime) -> None:
        original = session.get(PaymentRow, refund.original_payment_id)
        if original is None:
            return
        original.refunded += refund.amount
        original.updated_at = now
        if original.refunded >= original.approved_amount:
            original.state = PaymentState.REFUNDED
        journal.append(session, "payment_refund_booked", _journal_doc(original), at=now)

    @staticmethod
    def _book_void(session, void: PaymentRow, now: datetime) -> None:
        original = session.get(PaymentRow, void.original_payment_id)
        if original is None or original.state != PaymentState.APPROVED:
            return
        original.state = PaymentState.CANCELLED
        original.updated_at = now
        journal.append(session, "payment_voided", _journal_doc(original), at=now)


def _apply(row: PaymentRow, result: PaymentResult, state: PaymentState) -> None:
    row.reference = result.reference or row.reference
    row.masked = result.masked or row.masked
    row.tendered = result.tendered or row.tendered
    row.change = result.change or row.change
    row.message = result.message
    if state is PaymentState.APPROVED and row.kind == PaymentKind.PAYMENT:
        row.approved_amount = result.amount or row.approved_amount or row.amount


def _deadline(method: PaymentMethod, what: str) -> float:
    """The method's declared deadline for ``what`` (the default if it declares nonsense)."""
    name = "start_deadline_s" if what == "start" else "call_deadline_s"
    seconds = getattr(method, name, None)
    if checks.positive_seconds(seconds) is not None:
        log.error(
            "payment method %s: %s is %r; using %g s",
            method.id,
            name,
            seconds,
            getattr(PaymentMethod, name),
        )
        seconds = getattr(PaymentMethod, name)
    return float(seconds)


def _stop_waiting(method: PaymentMethod) -> None:
    try:
        method.interrupt()
    except Exception:  # best effort: the cancel that follows is what counts
        log.exception("payment method %s: interrupt failed", method.id)


def _without_card_data(method_id: str, result: PaymentResult) -> PaymentResult:
    masked, reference, message = result.masked, result.reference, result.message
    if not carddata.is_masked(masked):
        masked = ""
    reference, message = carddata.scrub(reference), carddata.scrub(message)
    if (masked, reference, message) != (result.masked, result.reference, result.message):
        log.error("payment method %s returned card-like data; it was masked", method_id)
        return PaymentResult(
            result.outcome,
            result.amount,
            reference,
            masked,
            result.tendered,
            result.change,
            message,
            result.problems,
        )
    return result


def _journal_doc(row: PaymentRow) -> dict:
    return {
        "payment_id": row.payment_id,
        "kind": str(row.kind),
        "original_payment_id": row.original_payment_id,
        "sale_id": row.sale_id,
        "method": row.method,
        "amount": row.amount,
        "approved_amount": row.approved_amount,
        "refunded": row.refunded,
        "state": str(row.state),
        "reference": row.reference,
        "masked": row.masked,
    }
