"""What a payment method plugin implements.

A method never sees card data: it hands an amount and an idempotency key to a terminal or a
provider and gets back a result with an opaque reference and, at most, a masked number
(first 6 / last 4). The same key sent twice must never charge twice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.money import Yen


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # timeout, disconnect: resolve by status() then cancel(), never retry
    NOT_FOUND = "not_found"  # status(): the provider never saw this key
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: Outcome
    amount: Yen = 0  # amount applied to the sale
    reference: str = ""  # provider's opaque token / approval number
    masked: str = ""  # at most first 6 / last 4 digits
    tendered: Yen = 0  # cash inserted (cash methods)
    change: Yen = 0  # change paid out (cash methods)
    message: str = ""  # for staff and logs; never card data


class PaymentMethod(ABC):
    """Base class for payment methods. Subclasses set the class attributes and the four calls."""

    id: str = ""
    name_ja: str = ""
    name_en: str = ""
    icon: str = ""
    works_offline: bool = False
    min_amount: Yen = 1
    max_amount: Yen = 10_000_000

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en

    def available(self, online: bool) -> bool:
        """Whether the method can take a payment now (e.g. its device is connected)."""
        return online or self.works_offline

    def accepts(self, amount: Yen) -> bool:
        return self.min_amount <= amount <= self.max_amount

    @abstractmethod
    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        """Take ``amount``. Blocks until the outcome is known or is UNKNOWN."""

    @abstractmethod
    def status(self, idempotency_key: str) -> PaymentResult:
        """What happened to the payment with this key (used to resolve UNKNOWN)."""

    @abstractmethod
    def cancel(self, idempotency_key: str) -> PaymentResult:
        """Cancel/void the payment with this key; CANCELLED if nothing is charged afterwards."""

    @abstractmethod
    def refund(self, idempotency_key: str, amount: Yen) -> PaymentResult:
        """Give back ``amount`` of an approved payment."""
