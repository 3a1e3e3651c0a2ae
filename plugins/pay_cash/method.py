"""The cash payment method (現金), driving a changer with the calls of ``CashChanger``.

One payment: write the key, start a deposit for the amount due (the changer hands back a
note it could not give change for), report the inserted amount live, stop when it covers the
amount, pay the change. A jam or a shortage while paying change does not undo the sale — the
shopper paid — it comes back as ``problems`` (a 違算 discrepancy record and a staff call).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.devices.base import DataEvent
from kiosk.devices.errors import DeviceError
from kiosk.domain.money import Yen
from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentProgress, PaymentResult
from plugins.pay_cash.records import CashRecord, CashRecords

log = logging.getLogger(__name__)

DEPOSIT_TIMEOUT_S = 180.0  # nothing put in for this long: the shopper is gone, stop waiting
# Cash put in and the shopper gone: the changer keeps it until staff decide (Cancel gives it
# back; the rest put in pays), never handed out to an empty tray (the kiosk calls staff after
# its walk-away time, docs/ui.md). The payment's deadline is then a shift, not a few minutes.
HELD_DEPOSIT_DEADLINE_S = 8 * 3600.0


class Changer(Protocol):
    """The calls of :class:`kiosk.devices.changer.CashChanger` this method uses."""

    @property
    def depositing(self) -> bool: ...
    def subscribe(self, callback: Callable[[DataEvent], None]) -> Callable[[], None]: ...
    def begin_deposit(self, amount_due: int | None = None) -> None: ...
    def end_deposit(self) -> int: ...
    def cancel_deposit(self) -> int: ...
    def dispense_change(self, amount: int) -> int: ...
    def can_make_change(self, amount: int) -> bool: ...


class _Deposit:
    """Follows one deposit's events; ``wait`` returns when it is covered or abandoned."""

    def __init__(self, due: Yen, on_inserted: Callable[[Yen, Yen], None] | None) -> None:
        self.due, self.inserted, self.abandoned = due, 0, False
        self._on_inserted = on_inserted
        self._done = threading.Event()

    def on_event(self, event: Any) -> None:
        if getattr(event, "kind", "") == "deposit_amount":
            self.inserted = int(event.data)
            if self._on_inserted is not None:
                self._on_inserted(self.inserted, self.due)
            if self.inserted >= self.due:
                self._done.set()
        elif getattr(event, "kind", "") == "return_requested":
            self.abandon()

    def abandon(self) -> None:
        self.abandoned = True
        self._done.set()

    def wait(self, timeout: float) -> bool:
        """``timeout`` for the first money; once some is in, until covered or cancelled."""
        if not self._done.wait(timeout) and self.inserted > 0:
            self._done.wait()  # interrupt() (Cancel, staff, the payment's deadline) ends it
        return self.inserted >= self.due and not self.abandoned


class CashMethod(PaymentMethod):
    id = "cash"
    name_key = N_("Cash")  # plugins/pay_cash/locale: the tile and the receipt
    domain = "plugins.pay_cash"
    icon = "cash"
    works_offline = True
    max_amount = 999_999

    def __init__(
        self,
        changer: Changer,
        records: CashRecords | None = None,
        *,
        on_inserted: Callable[[Yen, Yen], None] | None = None,
        deposit_timeout_s: float = DEPOSIT_TIMEOUT_S,
    ) -> None:
        self.changer = changer
        self.records = records or CashRecords()
        self.on_inserted = on_inserted  # (inserted so far, amount due) for the screen
        self.deposit_timeout_s = deposit_timeout_s
        self.start_deadline_s = max(deposit_timeout_s + 60, HELD_DEPOSIT_DEADLINE_S)
        self._current: _Deposit | None = None

    @property
    def drawer(self) -> Changer:  # the name ``kiosk.script`` looks for
        return self.changer

    def press_cancel(self) -> None:
        """The shopper pressed 'cancel' on the screen: give back what was inserted."""
        self.interrupt()

    def interrupt(self) -> bool:
        """Cancel while the deposit waits for more cash; too late once it is covered."""
        deposit = self._current
        if deposit is None or deposit.inserted >= deposit.due:
            return False
        deposit.abandon()
        return True

    # --- PaymentMethod ---

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        known = self.records.get(idempotency_key)
        if known is not None:
            return self._result(known)  # a replay never takes cash twice
        record = CashRecord(idempotency_key, amount)
        self.records.put(record)
        deposit = _Deposit(amount, self._inserted)
        self._current = deposit
        self.report(PaymentProgress(self.id, inserted=0, due=amount))
        unsubscribe = self.changer.subscribe(self._tracking(deposit, record))
        try:
            self.changer.begin_deposit(amount)
            if not deposit.wait(self.deposit_timeout_s):
                returned = self.changer.cancel_deposit()
                record.state, record.returned = "cancelled", returned
                self.records.put(record)
                return self._result(record)
            inserted = self.changer.end_deposit()
        except DeviceError as exc:
            log.warning("cash deposit for %s failed: %s", idempotency_key, exc)
            return PaymentResult(Outcome.UNKNOWN, message=f"changer: {type(exc).__name__}")
        finally:
            unsubscribe()
            self._current = None
        record.state, record.tendered = "approved", inserted
        self.records.put(record)
        record.change, problems = self._pay_out(inserted - amount, "change")
        self.records.put(record)
        return self._result(record, problems)

    def status(self, idempotency_key: str) -> PaymentResult:
        record = self.records.get(idempotency_key)
        if record is None:
            return PaymentResult(Outcome.NOT_FOUND)
        if record.state == "collecting":
            return PaymentResult(Outcome.UNKNOWN, message="deposit interrupted")
        if record.state == "paying_out":  # died while dispensing: count the drawer, never pay again
            return PaymentResult(Outcome.UNKNOWN, message="payout interrupted: count the drawer")
        return self._result(record)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        record = self.records.get(idempotency_key)
        if record is None or record.state == "cancelled":
            return PaymentResult(Outcome.CANCELLED, message="no cash kept")
        if record.state == "collecting":
            owed = record.seen
            if self.changer.depositing:
                owed = owed - self.changer.cancel_deposit()
        else:
            owed = record.amount - record.returned  # approved: the change was already paid
        paid, problems = self._pay_out(owed, "return")
        record.state, record.returned = "cancelled", record.returned + paid
        self.records.put(record)
        return PaymentResult(Outcome.CANCELLED, message="cash returned", problems=problems)

    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        done = self.records.get(refund_key)
        if done is not None:
            return self.status(refund_key)
        original = self.records.get(idempotency_key)
        if original is None or original.state != "approved":
            return PaymentResult(Outcome.DECLINED, message="no approved cash payment")
        # the key first: a crash while dispensing is then UNKNOWN (count the drawer), never
        # a NOT_FOUND that would have the refund sent, and the cash paid, a second time
        record = CashRecord(refund_key, amount, "paying_out", original=idempotency_key)
        self.records.put(record)
        paid, problems = self._pay_out(amount, "refund")
        original.returned += paid
        self.records.put(original)
        record.state, record.returned = "refund", paid
        self.records.put(record)
        return PaymentResult(Outcome.REFUNDED, amount=paid, problems=problems)

    def pay_out(self, amount: Yen, refund_key: str) -> PaymentResult:
        """Refund ``amount`` in cash for a payment another method cannot refund (a return
        paid by a transit IC card), once per ``refund_key``.

        The key is written before the changer dispenses, so a crash mid-payout is reported
        ``UNKNOWN`` by ``status`` (staff count the drawer) and never dispensed again.
        """
        done = self.records.get(refund_key)
        if done is not None:
            return self.status(refund_key)
        record = CashRecord(refund_key, amount, "paying_out", original="payout")
        self.records.put(record)
        paid, problems = self._pay_out(amount, "refund")
        record.state, record.returned = "refund", paid
        self.records.put(record)
        return PaymentResult(Outcome.REFUNDED, amount=paid, problems=problems)

    # --- internals ---

    def _inserted(self, inserted: Yen, due: Yen) -> None:
        if self.on_inserted is not None:
            self.on_inserted(inserted, due)
        self.report(PaymentProgress(self.id, waiting=inserted < due, inserted=inserted, due=due))

    def _tracking(self, deposit: _Deposit, record: CashRecord) -> Callable[[Any], None]:
        def on_event(event: Any) -> None:
            deposit.on_event(event)
            if getattr(event, "kind", "") == "deposit_amount":
                record.seen = deposit.inserted
                self.records.put(record)

        return on_event

    def _pay_out(self, amount: Yen, why: str) -> tuple[Yen, tuple[str, ...]]:
        if amount <= 0:
            return 0, ()
        try:
            paid = self.changer.dispense_change(amount)
        except DeviceError as exc:
            paid, detail = 0, f"{type(exc).__name__}"
        else:
            detail = "jam"
        if paid == amount:
            return paid, ()
        problem = f"違算 {why}: due {amount} yen, paid {paid} yen ({detail}) — pay the rest by hand"
        log.error("cash %s", problem)
        return paid, (problem,)

    @staticmethod
    def _result(record: CashRecord, problems: tuple[str, ...] = ()) -> PaymentResult:
        if record.state == "approved":
            return PaymentResult(
                Outcome.APPROVED,
                amount=record.amount,
                reference=f"cash:{record.key[:8]}",
                tendered=record.tendered,
                change=record.change,
                problems=problems,
            )
        if record.state == "refund":
            return PaymentResult(Outcome.REFUNDED, amount=record.returned)
        return PaymentResult(
            Outcome.CANCELLED,
            tendered=record.seen,
            change=record.returned,
            message="not enough cash inserted; returned",
        )
