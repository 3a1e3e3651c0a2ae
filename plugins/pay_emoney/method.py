"""E-money (電子マネー): the shopper touches a card; short of balance, the rest stays due.

When the card holds less than the amount, the method takes the whole balance and approves
that (``amount`` in the result is what was taken); the runtime keeps the rest due for another
method (split tender: e-money + card or cash). A card removed mid-write (処理未了) is an
unknown outcome the reader's log settles.

The reader is asked again every ``poll_s`` until a card is touched, for at most
``touch_wait_s`` (then ``CANCELLED``: no card was touched, nothing charged); the shopper may
cancel the wait (:meth:`EMoneyMethod.interrupt`).
"""

from __future__ import annotations

import threading
import time

from kiosk.domain.money import Yen
from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentProgress, PaymentResult
from plugins.pay_emoney.simulator import EMoneyReaderSimulator, NoCard, TouchLost, Txn

_NOT_READY = ("closed", "error")  # device states in which the reader takes no card


class EMoneyMethod(PaymentMethod):
    id = "emoney"
    name_key = N_("E-money (IC card)")  # plugins/pay_emoney/locale: tile and receipt
    domain = "plugins.pay_emoney"
    icon = "emoney"
    max_amount = 20_000  # the stored-value ceiling of transit IC cards

    def __init__(
        self, reader: EMoneyReaderSimulator, touch_wait_s: float = 20.0, poll_s: float = 0.1
    ) -> None:
        self.reader = reader
        self.touch_wait_s = touch_wait_s
        self.start_deadline_s = touch_wait_s + 30  # the shopper's touch, then the charge
        self.poll_s = poll_s
        self._cancelled = threading.Event()
        self._waiting = False

    def network_up(self) -> bool:
        """The reader is ready (UnifiedPOS-style lifecycle: not closed, not in error); the
        simulator has no lifecycle and is always ready. Never the back office."""
        return str(getattr(self.reader, "state", "idle")) not in _NOT_READY

    def network_problem(self) -> str:
        state = getattr(self.reader, "state", "idle")
        return "" if self.network_up() else f"e-money reader {state}: not ready"

    def interrupt(self) -> bool:
        """The shopper cancelled before touching a card."""
        if not self._waiting:
            return False
        self._cancelled.set()
        return True

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        self._cancelled.clear()
        self._waiting = True
        self.report(PaymentProgress(self.id, due=amount))
        deadline = time.monotonic() + self.touch_wait_s
        try:
            while True:
                try:
                    txn = self.reader.pay(idempotency_key, amount)
                    break
                except NoCard:
                    if time.monotonic() >= deadline or self._cancelled.wait(self.poll_s):
                        why = "cancelled" if self._cancelled.is_set() else "no card touched"
                        return PaymentResult(Outcome.CANCELLED, message=why)
                except TouchLost as exc:
                    return PaymentResult(Outcome.UNKNOWN, message=str(exc))
        finally:
            self._waiting = False
        return _result(txn)

    def status(self, idempotency_key: str) -> PaymentResult:
        refunded = self.reader.refunds.get(idempotency_key)
        if refunded is not None:
            return PaymentResult(Outcome.REFUNDED, amount=refunded)
        txn = self.reader.status(idempotency_key)
        return PaymentResult(Outcome.NOT_FOUND) if txn is None else _result(txn)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        self.reader.cancel(idempotency_key)
        return PaymentResult(Outcome.CANCELLED, message="取消: balance restored")

    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        given = self.reader.refund(idempotency_key, amount, refund_key)
        if given is None:
            return PaymentResult(Outcome.DECLINED, message="nothing refundable")
        return PaymentResult(Outcome.REFUNDED, amount=given)


def _result(txn: Txn) -> PaymentResult:
    if txn.state == "approved":
        return PaymentResult(
            Outcome.APPROVED,
            amount=txn.amount,
            reference=f"EM-{txn.card.card_id[-4:]}-{id(txn) % 100000:05d}",
            masked="*" * 12 + txn.card.card_id[-4:],
            message=f"balance left {txn.card.balance} yen",
        )
    if txn.state == "cancelled":
        return PaymentResult(Outcome.CANCELLED)
    return PaymentResult(Outcome.DECLINED, message="card refused or no balance (残高不足)")
