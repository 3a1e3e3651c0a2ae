"""Its ``start`` approves with the amount as text: the wrong type for ``PaymentResult.amount``."""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult


class SloppyMethod(PaymentMethod):
    id = "sloppy"
    name_ja = "雑な決済"
    name_en = "Sloppy pay"
    icon = "card"

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        return PaymentResult(Outcome.APPROVED, amount=str(amount))  # type: ignore[arg-type]

    def status(self, idempotency_key: str) -> PaymentResult:
        return PaymentResult(Outcome.NOT_FOUND)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        return PaymentResult(Outcome.DECLINED)


@hookimpl
def kiosk_payment_methods(runtime: Any) -> list[PaymentMethod]:
    return [SloppyMethod()]
