"""An e-money reader/writer (交通系IC, iD, QUICPay style) with cards that hold a balance.

Test controls: ``present(balance, card_id=…)`` queues the card the next shopper touches,
``decline_next()`` (the card is refused: blocked / 利用不可), ``lose_touch_next(charged)`` (the
card leaves the reader mid-write: 処理未了 — the kiosk does not learn the outcome). The reader
keeps a log per payment key, which ``status`` reads and which settles a 処理未了 payment.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass
class Card:
    card_id: str  # e.g. "JE80-1234-5678-9012"; never leaves the reader except its last 4
    balance: int


@dataclass
class Txn:
    card: Card
    amount: int  # what was taken from the card
    state: str  # approved | declined | cancelled
    refunded: int = 0
    charges: int = 1


class TouchLost(TimeoutError):
    """The card left the reader during the write (処理未了): outcome unknown."""


class NoCard(TimeoutError):
    """No card was touched before the reader gave up."""


class EMoneyReaderSimulator:
    def __init__(self) -> None:
        self.cards: deque[Card] = deque()
        self.log: dict[str, Txn] = {}
        self.refunds: dict[str, int] = {}
        self._script: deque[tuple[str, bool]] = deque()
        self._lock = threading.Lock()

    # --- test controls ---

    def present(self, balance: int, card_id: str = "JE80-1234-5678-9012") -> Card:
        card = Card(card_id, balance)
        self.cards.append(card)
        return card

    def decline_next(self) -> None:
        self._script.append(("decline", False))

    def lose_touch_next(self, charged: bool) -> None:
        self._script.append(("lost", charged))

    # --- reader commands (what the method calls) ---

    def pay(self, key: str, amount: int) -> Txn:
        """Take up to ``amount`` from the touched card. Raises :class:`TouchLost`/`NoCard`."""
        with self._lock:
            if key in self.log:
                return self.log[key]
            if not self.cards:
                raise NoCard("no card was touched")
            card = self.cards.popleft()
            action, charged = self._script.popleft() if self._script else ("pay", True)
            if action == "decline":
                self.log[key] = Txn(card, 0, "declined", charges=0)
                return self.log[key]
            taken = min(card.balance, amount)
            if charged and taken > 0:
                card.balance -= taken
                self.log[key] = Txn(card, taken, "approved")
            elif taken == 0:
                self.log[key] = Txn(card, 0, "declined", charges=0)
            if action == "lost":
                raise TouchLost("card removed during the write (処理未了)")
            return self.log[key]

    def status(self, key: str) -> Txn | None:
        with self._lock:
            return self.log.get(key)

    def cancel(self, key: str) -> None:
        with self._lock:
            txn = self.log.get(key)
            if txn is not None and txn.state == "approved":
                txn.card.balance += txn.amount - txn.refunded
                txn.state = "cancelled"

    def refund(self, key: str, amount: int, refund_key: str) -> int | None:
        with self._lock:
            if refund_key in self.refunds:
                return self.refunds[refund_key]
            txn = self.log.get(key)
            if txn is None or txn.state != "approved" or amount > txn.amount - txn.refunded:
                return None
            txn.refunded += amount
            txn.card.balance += amount
            self.refunds[refund_key] = amount
            return amount

    def net(self, key: str) -> int:
        txn = self.log.get(key)
        return txn.amount - txn.refunded if txn and txn.state == "approved" else 0
