"""The cash payment method, driving any object with the cash drawer calls below."""

from __future__ import annotations

from collections import deque
from typing import Protocol

from kiosk.domain.money import Yen
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult


class CashDrawer(Protocol):
    def collect(self, amount: Yen) -> Yen:
        """Accept cash until at least ``amount`` is in; return what was inserted."""

    def dispense(self, amount: Yen) -> Yen:
        """Pay out ``amount`` in change; return what was actually paid out."""


class CashMethod(PaymentMethod):
    id = "cash"
    name_ja = "現金"
    name_en = "Cash"
    icon = "cash"
    works_offline = True

    def __init__(self, drawer: CashDrawer) -> None:
        self.drawer = drawer
        self._results: dict[str, PaymentResult] = {}

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        if idempotency_key in self._results:
            return self._results[idempotency_key]
        inserted = self.drawer.collect(amount)
        if inserted < amount:
            self.drawer.dispense(inserted)
            result = PaymentResult(Outcome.CANCELLED, tendered=inserted, change=inserted,
                                   message="not enough cash inserted; returned")
        else:
            change = self.drawer.dispense(inserted - amount)
            result = PaymentResult(Outcome.APPROVED, amount=amount, tendered=inserted,
                                   change=change, reference=f"cash:{idempotency_key[:8]}")
        self._results[idempotency_key] = result
        return result

    def status(self, idempotency_key: str) -> PaymentResult:
        return self._results.get(idempotency_key, PaymentResult(Outcome.NOT_FOUND))

    def cancel(self, idempotency_key: str) -> PaymentResult:
        result = self._results.get(idempotency_key)
        if result is not None and result.outcome is Outcome.APPROVED:
            self.drawer.dispense(result.amount)
        self._results[idempotency_key] = PaymentResult(Outcome.CANCELLED)
        return self._results[idempotency_key]

    def refund(self, idempotency_key: str, amount: Yen) -> PaymentResult:
        paid = self.drawer.dispense(amount)
        return PaymentResult(Outcome.REFUNDED, amount=paid)


class ScriptedCashDrawer:
    """A drawer for scripts and tests: each ``insert`` queues what the next shopper puts in."""

    def __init__(self) -> None:
        self._queued: deque[Yen] = deque()
        self.paid_out: list[Yen] = []

    def insert(self, amount: Yen) -> None:
        self._queued.append(amount)

    def collect(self, amount: Yen) -> Yen:
        return self._queued.popleft() if self._queued else amount

    def dispense(self, amount: Yen) -> Yen:
        if amount:
            self.paid_out.append(amount)
        return amount
