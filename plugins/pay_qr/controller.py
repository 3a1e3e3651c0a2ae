"""The conformance-kit controller for the QR method (customer-presented codes)."""

from __future__ import annotations

from kiosk.testing.payment_conformance import SimulatorController
from plugins.pay_qr.method import QrMethod
from plugins.pay_qr.provider import QrProviderSimulator

SHOPPER_CODE = "abcd-efgh-shopper"  # simulator codes are not digit runs


def method_for(provider: QrProviderSimulator) -> QrMethod:
    return QrMethod(provider.base_url, timeout_s=0.5, status_polls=2, poll_interval_s=0.01)


class QrController(SimulatorController):
    def __init__(self, provider: QrProviderSimulator, method: QrMethod) -> None:
        self.provider = provider
        self.methods = [method]

    def prepare(self, amount: int) -> None:
        self.methods[-1].present_code(SHOPPER_CODE)

    def decline_next(self) -> None:
        self.provider.decline_next()

    def lose_reply_next(self, charged: bool) -> None:
        self.provider.hold_reply_next(charged)

    def charged(self, idempotency_key: str) -> int:
        return self.provider.net(idempotency_key)

    def charge_count(self, idempotency_key: str) -> int:
        return self.provider.charge_count(idempotency_key)

    def fresh_method(self) -> QrMethod:
        self.methods.append(method_for(self.provider))
        return self.methods[-1]

    def close(self) -> None:
        for method in self.methods:
            method.close()
