"""Simulated payment terminal: approve, decline, time out, drop the connection, approve late.

Script the next payments with ``approve_next()``, ``decline_next(reason)``, ``time_out_next()``,
``drop_connection_next(charged=...)`` and ``approve_late_next()``; unscripted payments are
approved. A late approval stays pending until ``release_late()``; then ``query(key)`` says
approved and a late ``payment_result`` data event is sent. Keys are idempotent: a key seen
before returns its first result and is never charged twice (``charges`` counts real charges).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

from kiosk.devices.base import DriverSink
from kiosk.devices.errors import DeviceDisconnected, DeviceTimeout
from kiosk.devices.payment_terminal import (
    Outcome,
    PaymentRequest,
    PaymentResult,
    PaymentTerminalDriver,
)


class SimulatedPaymentTerminal(PaymentTerminalDriver):
    driver_name = "sim"

    def __init__(self, masked_number: str = "411111******1111", brand: str = "VISA") -> None:
        self.masked_number = masked_number
        self.brand = brand
        self.script: deque[tuple[str, Any]] = deque()
        self.results: dict[str, PaymentResult] = {}
        self.pending_late: dict[str, PaymentRequest] = {}
        self.charges = 0
        self.connected = False
        self._lock = threading.Lock()
        self._sink: DriverSink | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SimulatedPaymentTerminal:
        return cls(**dict(options))

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self.connected = True

    def close(self) -> None:
        self.connected = False
        self._sink = None

    def check_health(self) -> str:
        return "ok" if self.connected else "disconnected"

    # --- script ---

    def approve_next(self) -> None:
        self.script.append(("approve", None))

    def decline_next(self, reason: str = "card declined") -> None:
        self.script.append(("decline", reason))

    def time_out_next(self) -> None:
        self.script.append(("timeout", None))

    def drop_connection_next(self, charged: bool = False) -> None:
        self.script.append(("drop", charged))

    def approve_late_next(self) -> None:
        self.script.append(("late", None))

    def release_late(self) -> list[PaymentResult]:
        """Approve every late payment now and send their late ``payment_result`` events."""
        with self._lock:
            late, self.pending_late = self.pending_late, {}
            results = [self._approve(request) for request in late.values()]
        for result in results:
            if self._sink is not None:
                self._sink.driver_data("payment_result", result)
        return results

    # --- PaymentTerminalDriver ---

    def authorize(self, request: PaymentRequest, timeout: float) -> PaymentResult:
        if not self.connected:
            raise DeviceDisconnected("the simulated terminal is not connected")
        with self._lock:
            known = self.results.get(request.idempotency_key)
            if known is not None:
                return known
            if request.idempotency_key in self.pending_late:
                raise DeviceTimeout("the terminal is still processing this payment")
            action, arg = self.script.popleft() if self.script else ("approve", None)
            if action == "approve":
                return self._approve(request)
            if action == "decline":
                return self._store(request, Outcome.DECLINED, message=str(arg))
            if action == "timeout":
                return self._store(request, Outcome.TIMEOUT, message="no card presented")
            if action == "drop":
                if arg:
                    self._approve(request)
                raise DeviceDisconnected("the terminal connection dropped mid-payment")
            self.pending_late[request.idempotency_key] = request
            raise DeviceTimeout("the terminal did not answer in time")

    def query(self, idempotency_key: str) -> PaymentResult | None:
        if not self.connected:
            raise DeviceDisconnected("the simulated terminal is not connected")
        with self._lock:
            if idempotency_key in self.pending_late:
                request = self.pending_late[idempotency_key]
                return PaymentResult(
                    idempotency_key, Outcome.UNKNOWN, request.amount, message="still in progress"
                )
            return self.results.get(idempotency_key)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        with self._lock:
            request = self.pending_late.pop(idempotency_key, None)
            known = self.results.get(idempotency_key)
            amount = request.amount if request else known.amount if known else 0
            result = PaymentResult(
                idempotency_key, Outcome.CANCELLED, amount, token=known.token if known else None
            )
            self.results[idempotency_key] = result
            return result

    # --- internals (lock held) ---

    def _approve(self, request: PaymentRequest) -> PaymentResult:
        self.charges += 1
        return self._store(
            request,
            Outcome.APPROVED,
            token=f"sim-{self.charges:06d}",
            masked_number=self.masked_number,
            brand=self.brand,
            approval_code=f"{self.charges:06d}",
        )

    def _store(self, request: PaymentRequest, outcome: Outcome, **fields: Any) -> PaymentResult:
        result = PaymentResult(request.idempotency_key, outcome, request.amount, **fields)
        self.results[request.idempotency_key] = result
        return result
