"""A wallet method whose ``start`` shows a code and waits until the shopper cancels."""

from __future__ import annotations

import threading
from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult


class WaitingMethod(PaymentMethod):
    id = "waiting"
    name_ja = "待つ決済"
    name_en = "Waiting wallet"
    icon = "qr"
    start_deadline_s = 60.0

    def __init__(self) -> None:
        self.shopper_left = threading.Event()  # one payment per worker: enough for a test

    def interrupt(self) -> bool:
        self.shopper_left.set()
        return True

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        self.show_code(f"https://pay.example/{idempotency_key}", due=amount)
        self.shopper_left.wait()
        return PaymentResult(Outcome.CANCELLED, message="the shopper cancelled")

    def status(self, idempotency_key: str) -> PaymentResult:
        return PaymentResult(Outcome.CANCELLED)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        return PaymentResult(Outcome.DECLINED)


class Plugin:
    def __init__(self) -> None:
        self.method = WaitingMethod()

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[PaymentMethod]:
        return [self.method]
