"""The example's conformance-kit controller (shipped so the kiosk's own CI can run it too)."""

from __future__ import annotations

from kiosk.testing.payment_conformance import SimulatorController
from kiosk_qr_wallet_example.method import WalletMethod
from kiosk_qr_wallet_example.provider import WalletProvider


class WalletController(SimulatorController):
    def __init__(self, provider: WalletProvider) -> None:
        self.provider = provider

    def prepare(self, amount: int) -> None:
        self.provider.shopper_pays_next()  # the shopper's app pays the code once shown

    def decline_next(self) -> None:
        self.provider.decline_next()

    def lose_reply_next(self, charged: bool) -> None:
        self.provider.lose_reply_next(charged)

    def charged(self, idempotency_key: str) -> int:
        return self.provider.net(idempotency_key)

    def charge_count(self, idempotency_key: str) -> int:
        payment = self.provider.lookup(idempotency_key)
        return payment.charges if payment else 0

    def fresh_method(self) -> WalletMethod:
        return WalletMethod(self.provider, wait_s=1.0, poll_s=0.01)
