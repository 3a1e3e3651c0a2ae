"""The provider side of the example: dynamic payment codes, idempotent by payment key.

In memory, with the controls a test needs: :meth:`WalletProvider.shopper_pays_next` (the
shopper's app pays the next code as soon as it is shown), :meth:`decline_next`,
:meth:`lose_reply_next`. :meth:`pay` is what the shopper's app does with a shown code.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass


@dataclass
class WalletPayment:
    amount: int
    state: str  # created | approved | declined | cancelled
    payload: str = ""
    refunded: int = 0
    charges: int = 0


class LostReply(TimeoutError):
    """The provider did (or did not) act, but its answer never arrived."""


class WalletProvider:
    def __init__(self) -> None:
        self.payments: dict[str, WalletPayment] = {}
        self.refunds: dict[str, int] = {}
        self._by_payload: dict[str, str] = {}
        self._script: deque[tuple[str, bool]] = deque()
        self._shopper_ready = False
        self._lock = threading.Lock()

    # --- simulator controls -----------------------------------------------------------

    def shopper_pays_next(self) -> None:
        self._shopper_ready = True

    def decline_next(self) -> None:
        self._script.append(("decline", False))

    def lose_reply_next(self, charged: bool) -> None:
        self._script.append(("lost", charged))

    # --- the provider API -------------------------------------------------------------

    def create_code(self, key: str, amount: int) -> WalletPayment:
        """A dynamic code for ``amount`` under ``key`` (the same key: the same payment)."""
        with self._lock:
            if key in self.payments:
                return self.payments[key]
            action, charged = self._script.popleft() if self._script else ("ok", True)
            ready, self._shopper_ready = self._shopper_ready, False
            payment = WalletPayment(amount, "created", f"https://wallet.example/p/{uuid.uuid4()}")
            if action == "decline":
                payment.state = "declined"
            elif ready and (action == "ok" or charged):
                payment.state, payment.charges = "approved", 1
            if action == "lost" and not charged:
                raise LostReply("no answer from the wallet provider")
            self.payments[key] = payment
            self._by_payload[payment.payload] = key
            if action == "lost":
                raise LostReply("no answer from the wallet provider")
            return payment

    def pay(self, payload: str) -> bool:
        """The shopper's app pays a code it scanned; False if that code cannot be paid."""
        with self._lock:
            payment = self.payments.get(self._by_payload.get(payload, ""))
            if payment is None or payment.state != "created":
                return False
            payment.state, payment.charges = "approved", payment.charges + 1
            return True

    def lookup(self, key: str) -> WalletPayment | None:
        with self._lock:
            return self.payments.get(key)

    def cancel(self, key: str) -> None:
        """Withdraw the code, or void the payment; a tombstone for a key never seen."""
        with self._lock:
            payment = self.payments.setdefault(key, WalletPayment(0, "cancelled"))
            payment.state = "cancelled"

    def refund(self, key: str, amount: int, refund_key: str) -> int | None:
        with self._lock:
            if refund_key in self.refunds:
                return self.refunds[refund_key]
            payment = self.payments.get(key)
            if payment is None or payment.state != "approved":
                return None
            if amount > payment.amount - payment.refunded:
                return None
            payment.refunded += amount
            self.refunds[refund_key] = amount
            return amount

    def net(self, key: str) -> int:
        payment = self.payments.get(key)
        if payment is None or payment.state != "approved":
            return 0
        return payment.amount - payment.refunded
