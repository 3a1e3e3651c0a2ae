"""The example's conformance-kit controller (shipped so the kiosk's own CI can run it too)."""

from __future__ import annotations

from kiosk.testing.payment_conformance import SimulatorController
from kiosk_pay_example.method import HouseCardMethod
from kiosk_pay_example.provider import HouseCardProvider


class HouseCardController(SimulatorController):
    def __init__(self, provider: HouseCardProvider) -> None:
        self.provider = provider

    def decline_next(self) -> None:
        self.provider.decline_next()

    def lose_reply_next(self, charged: bool) -> None:
        self.provider.lose_reply_next(charged)

    def charged(self, idempotency_key: str) -> int:
        return self.provider.net(idempotency_key)

    def charge_count(self, idempotency_key: str) -> int:
        charge = self.provider.lookup(idempotency_key)
        return charge.charges if charge else 0

    def fresh_method(self) -> HouseCardMethod:
        return HouseCardMethod(self.provider)
