"""How a confirmed record's tax gets back to the buyer: refund channels.

The store, or a refund operator it contracts, pays the consumption-tax amount once customs
has confirmed the export. A channel is one way of paying: cash at the counter, a reversal
on the card the buyer paid with, or a provider (a refund operator's API). Every call carries
a refund key; a channel must pay at most once per key.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.domain.money import Yen
from kiosk.payments.method import Outcome, PaymentMethod


@dataclass(frozen=True, slots=True)
class RefundRequest:
    record_id: str
    sale_id: str
    amount: Yen
    refund_key: str
    buyer_name: str = ""
    tenders: tuple[dict[str, Any], ...] = field(default=())  # payment_id, method, amount
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class RefundResult:
    ok: bool
    reference: str = ""
    message: str = ""


class RefundChannel(ABC):
    id: str = ""
    name_en: str = ""
    name_ja: str = ""

    @abstractmethod
    def refund(self, request: RefundRequest) -> RefundResult:
        """Pay ``request.amount`` to the buyer, at most once per ``request.refund_key``."""


class CounterCashRefund(RefundChannel):
    """Cash handed over at the tax-free counter; staff confirm they paid it."""

    id, name_en, name_ja = "cash_counter", "Cash at the counter", "カウンターで現金返金"

    def __init__(self, staff_confirms: Callable[[RefundRequest], bool] = lambda _: True) -> None:
        self.staff_confirms = staff_confirms
        self.paid: dict[str, Yen] = {}

    def refund(self, request: RefundRequest) -> RefundResult:
        if request.refund_key in self.paid:
            return RefundResult(True, f"cash:{request.refund_key}", "already paid")
        if not request.staff_id:
            return RefundResult(False, message="a cash refund needs the paying staff member's id")
        if not self.staff_confirms(request):
            return RefundResult(False, message="staff did not confirm the cash was handed over")
        self.paid[request.refund_key] = request.amount
        return RefundResult(True, f"cash:{request.refund_key}")


class CardReversalRefund(RefundChannel):
    """A partial refund on the card payment of the sale (the method's ``refund`` call)."""

    id, name_en, name_ja = "card", "Back to your card", "カードへ返金"

    def __init__(self, method: PaymentMethod, payment_key: Callable[[str], str]) -> None:
        """``payment_key`` maps a tender's ``payment_id`` to its idempotency key."""
        self.method = method
        self.payment_key = payment_key

    def refund(self, request: RefundRequest) -> RefundResult:
        tender = next(
            (
                t
                for t in request.tenders
                if t["method"] == self.method.id and t["amount"] >= request.amount
            ),
            None,
        )
        if tender is None:
            return RefundResult(
                False, message=f"no {self.method.id} payment of at least the refund on this sale"
            )
        result = self.method.refund(
            self.payment_key(tender["payment_id"]), request.amount, request.refund_key
        )
        if result.outcome is Outcome.REFUNDED:
            return RefundResult(True, result.reference or request.refund_key, result.message)
        return RefundResult(False, message=f"card refund {result.outcome.value}: {result.message}")


class RefundProvider(Protocol):
    """A refund operator's API (e.g. the refund service of a 承認送受信事業者)."""

    def pay_refund(self, record_id: str, amount: Yen, refund_key: str) -> str:
        """Pay and return the provider's reference; raise on failure."""
        ...


class ProviderRefund(RefundChannel):
    id, name_en, name_ja = "provider", "Refund operator", "返金事業者"

    def __init__(self, provider: RefundProvider) -> None:
        self.provider = provider

    def refund(self, request: RefundRequest) -> RefundResult:
        try:
            reference = self.provider.pay_refund(
                request.record_id, request.amount, request.refund_key
            )
        except Exception as exc:  # a provider's own error types are unknown here
            return RefundResult(False, message=f"provider refused: {exc}")
        return RefundResult(True, reference)
