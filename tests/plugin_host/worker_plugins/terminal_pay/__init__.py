"""A payment plugin whose terminal library reads its socket with no timeout.

It talks one line per call to the terminal at ``[plugins.terminal_pay] port``; a terminal
that never answers leaves ``start`` stuck in ``socket.recv`` (in C: no thread of the kiosk
could stop it). It logs through the worker's logging, writes an outbox event per sale and
shows a status line on the paying screen.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult

log = logging.getLogger("terminal_pay")

CHARGING = {"ja": "決済中", "en": "Charging", "zh-Hans": "正在付款", "ko": "결제 중"}


class TerminalMethod(PaymentMethod):
    id = "terminal"
    name_ja = "端末決済"
    name_en = "Terminal"
    icon = "card"
    start_deadline_s = 1.0
    call_deadline_s = 5.0

    def __init__(self, port: int) -> None:
        self.port = port

    def _ask(self, line: str) -> PaymentResult:
        with socket.create_connection(("127.0.0.1", self.port)) as conn:
            conn.sendall(line.encode() + b"\n")
            answer = conn.recv(1024).decode().split()  # no timeout: as the vendor wrote it
        outcome, amount, reference = answer
        return PaymentResult(Outcome(outcome), int(amount), reference=reference)

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        self.show_status(CHARGING)
        log.info("terminal: charging %d yen", amount)
        return self._ask(f"START {idempotency_key} {amount}")

    def status(self, idempotency_key: str) -> PaymentResult:
        return self._ask(f"STATUS {idempotency_key}")

    def cancel(self, idempotency_key: str) -> PaymentResult:
        return self._ask(f"CANCEL {idempotency_key}")

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        return self._ask(f"REFUND {idempotency_key} {amount} {refund_key}")


class Plugin:
    def __init__(self) -> None:
        self.runtime: Any = None

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[PaymentMethod]:
        self.runtime = runtime
        return [TerminalMethod(int(runtime.config.plugin_settings("terminal_pay")["port"]))]

    @hookimpl
    def kiosk_sale_completed(self, sale: Any) -> None:
        if self.runtime is not None:
            self.runtime.send_event("terminal_pay.sale", {"sale_id": sale.sale_id})
