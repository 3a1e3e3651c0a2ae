"""The kiosk side: a PaymentMethod over the house-card provider."""

from __future__ import annotations

from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk_pay_example.provider import Charge, HouseCardProvider, LostReply


class HouseCardMethod(PaymentMethod):
    id = "example_house_card"
    # the tile's and the receipt's name: a key of this package's own catalogue
    # (kiosk_pay_example/locale/<lang>/LC_MESSAGES/kiosk_pay_example.po), all four languages
    name_key = N_("House card")
    domain = "kiosk_pay_example"
    icon = "card"
    works_offline = False
    min_amount = 1
    max_amount = 50_000

    def __init__(self, provider: HouseCardProvider) -> None:
        self.provider = provider

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        try:
            return _result(self.provider.charge(idempotency_key, amount))
        except LostReply as exc:
            return PaymentResult(Outcome.UNKNOWN, message=str(exc))

    def status(self, idempotency_key: str) -> PaymentResult:
        if idempotency_key in self.provider.refunds:
            return PaymentResult(Outcome.REFUNDED, amount=self.provider.refunds[idempotency_key])
        charge = self.provider.lookup(idempotency_key)
        return PaymentResult(Outcome.NOT_FOUND) if charge is None else _result(charge)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        self.provider.void(idempotency_key)
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        given = self.provider.refund(idempotency_key, amount, refund_key)
        if given is None:
            return PaymentResult(Outcome.DECLINED, message="not refundable")
        return PaymentResult(Outcome.REFUNDED, amount=given)


def _result(charge: Charge) -> PaymentResult:
    if charge.state == "approved":
        return PaymentResult(Outcome.APPROVED, amount=charge.amount, reference="HC-opaque")
    if charge.state == "cancelled":
        return PaymentResult(Outcome.CANCELLED)
    return PaymentResult(Outcome.DECLINED, message="house card declined")
