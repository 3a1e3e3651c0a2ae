"""The provider side of the example: house-card accounts, idempotent by payment key."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass
class Charge:
    amount: int
    state: str  # approved | declined | cancelled
    refunded: int = 0
    charges: int = 0


class LostReply(TimeoutError):
    """The provider did (or did not) act, but its answer never arrived."""


class HouseCardProvider:
    def __init__(self, balance: int = 100_000) -> None:
        self.balance = balance
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, int] = {}
        self._script: deque[tuple[str, bool]] = deque()
        self._lock = threading.Lock()

    # simulator controls
    def decline_next(self) -> None:
        self._script.append(("decline", False))

    def lose_reply_next(self, charged: bool) -> None:
        self._script.append(("lost", charged))

    # the provider API
    def charge(self, key: str, amount: int) -> Charge:
        with self._lock:
            if key in self.charges:
                return self.charges[key]
            action, charged = self._script.popleft() if self._script else ("ok", True)
            ok = action == "ok" or charged
            if action == "decline" or amount > self.balance:
                ok = False
            if ok:
                self.balance -= amount
                self.charges[key] = Charge(amount, "approved", charges=1)
            elif action != "lost":
                self.charges[key] = Charge(amount, "declined")
            if action == "lost":
                raise LostReply("no answer from the house-card provider")
            return self.charges[key]

    def lookup(self, key: str) -> Charge | None:
        with self._lock:
            return self.charges.get(key)

    def void(self, key: str) -> None:
        with self._lock:
            charge = self.charges.setdefault(key, Charge(0, "cancelled"))  # tombstone
            if charge.state == "approved":
                self.balance += charge.amount - charge.refunded
            charge.state = "cancelled"

    def refund(self, key: str, amount: int, refund_key: str) -> int | None:
        with self._lock:
            if refund_key in self.refunds:
                return self.refunds[refund_key]
            charge = self.charges.get(key)
            if charge is None or charge.state != "approved":
                return None
            if amount > charge.amount - charge.refunded:
                return None
            charge.refunded += amount
            self.balance += amount
            self.refunds[refund_key] = amount
            return amount

    def net(self, key: str) -> int:
        charge = self.charges.get(key)
        return charge.amount - charge.refunded if charge and charge.state == "approved" else 0
