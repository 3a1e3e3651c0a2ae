"""A QR wallet provider (PayPay style) on 127.0.0.1, for development, tests and the kit.

HTTP + JSON, modelled on the wallets' merchant APIs. ``merchantPaymentId`` is the kiosk's
idempotency key: the same id twice is one payment.

    POST   /v2/payments                {merchantPaymentId, userAuthorizationId, amount}
    GET    /v2/payments/{id}           → COMPLETED | FAILED | CANCELED, or 404
    DELETE /v2/payments/{id}           cancel (also for an id never seen: a tombstone);
                                       allowed until 00:14:59 the day after; then 400
                                       CANCEL_WINDOW_CLOSED and a refund is needed
    POST   /v2/codes                   {merchantPaymentId, amount} → {url} (dynamic QR, MPM)
    POST   /v2/refunds                 {merchantRefundId, merchantPaymentId, amount}
    GET    /v2/refunds/{id}            → COMPLETED, or 404

Test controls: ``decline_next()``, ``hold_reply_next(charged)`` (the answer comes only after
the kiosk stopped waiting), ``shopper_pays(merchant_payment_id)`` (the shopper's app pays a
dynamic code), ``pay_shown_code()`` (it pays the newest code waiting), ``now`` (the
provider's clock). Customer codes are never logged.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD_BOUND_S = 10.0  # a held reply is released at the latest after this (or on stop())


def cancel_deadline(accepted_at: datetime) -> datetime:
    """Cancels are accepted until 00:14:59 on the day after the payment."""
    return datetime.combine(accepted_at.date() + timedelta(days=1), time(0, 14, 59))


@dataclass
class _Payment:
    amount: int
    status: str  # COMPLETED | FAILED | CANCELED | CREATED (dynamic code waiting)
    accepted_at: datetime
    refunded: int = 0
    charges: int = 0


class QrProviderSimulator:
    def __init__(self) -> None:
        self.payments: dict[str, _Payment] = {}
        self.refunds: dict[str, int] = {}
        self.now = datetime(2026, 11, 22, 12, 0)
        self._script: deque[tuple[str, bool]] = deque()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ---

    def start(self) -> QrProviderSimulator:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                simulator._dispatch(self, "POST")

            def do_GET(self) -> None:
                simulator._dispatch(self, "GET")

            def do_DELETE(self) -> None:
                simulator._dispatch(self, "DELETE")

            def log_message(self, *args: Any) -> None:  # never log requests (codes)
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the provider first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- test controls ---

    def decline_next(self) -> None:
        self._script.append(("decline", False))

    def hold_reply_next(self, charged: bool) -> None:
        self._script.append(("hold", charged))

    def shopper_pays(self, merchant_payment_id: str) -> None:
        with self._lock:
            payment = self.payments[merchant_payment_id]
            if payment.status == "CREATED":
                payment.status, payment.charges = "COMPLETED", 1

    def pay_shown_code(self) -> int | None:
        """The shopper's app pays the newest dynamic code still waiting (the one on the
        kiosk's screen); its amount, or None when no code waits."""
        with self._lock:
            waiting = [p for p in self.payments.values() if p.status == "CREATED"]
            if not waiting:
                return None
            payment = waiting[-1]  # dicts keep insertion order: the newest code
            payment.status, payment.charges = "COMPLETED", 1
            return payment.amount

    def net(self, merchant_payment_id: str) -> int:
        p = self.payments.get(merchant_payment_id)
        return p.amount - p.refunded if p and p.status == "COMPLETED" else 0

    def charge_count(self, merchant_payment_id: str) -> int:
        p = self.payments.get(merchant_payment_id)
        return p.charges if p else 0

    # --- the API ---

    def _dispatch(self, handler: BaseHTTPRequestHandler, verb: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length) or b"{}") if length else {}
        parts = [p for p in handler.path.split("/") if p][1:]  # drop "v2"
        status, reply = self._route(verb, parts, body)
        try:
            handler.send_response(status)
            data = json.dumps(reply).encode()
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass  # the kiosk stopped waiting

    def _route(self, verb: str, parts: list[str], body: dict[str, Any]) -> tuple[int, dict]:
        if verb == "POST" and parts == ["payments"]:
            return self._create_payment(body)
        if verb == "POST" and parts == ["codes"]:
            return self._create_code(body)
        if verb == "POST" and parts == ["refunds"]:
            return self._refund(body)
        if verb == "GET" and len(parts) == 2 and parts[0] == "payments":
            return self._get_payment(parts[1])
        if verb == "GET" and len(parts) == 2 and parts[0] == "refunds":
            return self._get_refund(parts[1])
        if verb == "DELETE" and len(parts) == 2 and parts[0] == "payments":
            return self._cancel(parts[1])
        return HTTPStatus.NOT_FOUND, _error("NOT_FOUND")

    def _create_payment(self, body: dict[str, Any]) -> tuple[int, dict]:
        key, amount = str(body["merchantPaymentId"]), int(body["amount"]["amount"])
        with self._lock:
            if key in self.payments:
                return HTTPStatus.OK, self._payment_doc(key)
            action, charged = self._script.popleft() if self._script else ("pay", True)
            if action == "hold":
                self.payments[key] = _Payment(amount, "HOLD", self.now)
        if action == "hold":
            self._released.wait(HOLD_BOUND_S)
            with self._lock:
                payment = self.payments[key]
                if payment.status == "HOLD":
                    payment.status = "COMPLETED" if charged else "FAILED"
                    payment.charges = int(charged)
                    if not charged:
                        del self.payments[key]  # as if the request never arrived
                        return HTTPStatus.GATEWAY_TIMEOUT, _error("TIMEOUT")
                return HTTPStatus.OK, self._payment_doc(key)
        with self._lock:
            ok = action == "pay"
            self.payments[key] = _Payment(amount, "COMPLETED" if ok else "FAILED", self.now)
            self.payments[key].charges = int(ok)
            return HTTPStatus.CREATED, self._payment_doc(key)

    def _create_code(self, body: dict[str, Any]) -> tuple[int, dict]:
        key, amount = str(body["merchantPaymentId"]), int(body["amount"]["amount"])
        with self._lock:
            self.payments.setdefault(key, _Payment(amount, "CREATED", self.now))
        return HTTPStatus.CREATED, {"data": {"url": f"https://qr.example/pay/{key}"}}

    def _get_payment(self, key: str) -> tuple[int, dict]:
        with self._lock:
            payment = self.payments.get(key)
            if payment is None or payment.status == "HOLD":
                return HTTPStatus.NOT_FOUND, _error("DYNAMIC_QR_PAYMENT_NOT_FOUND")
            return HTTPStatus.OK, self._payment_doc(key)

    def _cancel(self, key: str) -> tuple[int, dict]:
        with self._lock:
            payment = self.payments.get(key)
            if payment is None or payment.status == "HOLD":
                self.payments[key] = _Payment(0, "CANCELED", self.now)  # tombstone
                return HTTPStatus.ACCEPTED, {"data": {"status": "CANCELED"}}
            if payment.status == "COMPLETED" and self.now > cancel_deadline(payment.accepted_at):
                return HTTPStatus.BAD_REQUEST, _error("CANCEL_WINDOW_CLOSED")
            if payment.status in ("COMPLETED", "CREATED"):
                payment.status = "CANCELED"
            return HTTPStatus.ACCEPTED, {"data": {"status": payment.status}}

    def _refund(self, body: dict[str, Any]) -> tuple[int, dict]:
        refund_id, key = str(body["merchantRefundId"]), str(body["merchantPaymentId"])
        amount = int(body["amount"]["amount"])
        with self._lock:
            if refund_id in self.refunds:
                return HTTPStatus.OK, {"data": {"status": "COMPLETED", "amount": amount}}
            payment = self.payments.get(key)
            if payment is None or payment.status != "COMPLETED":
                return HTTPStatus.BAD_REQUEST, _error("PAYMENT_NOT_REFUNDABLE")
            if amount > payment.amount - payment.refunded:
                return HTTPStatus.BAD_REQUEST, _error("REFUND_AMOUNT_TOO_LARGE")
            payment.refunded += amount
            self.refunds[refund_id] = amount
            return HTTPStatus.CREATED, {"data": {"status": "COMPLETED", "amount": amount}}

    def _get_refund(self, refund_id: str) -> tuple[int, dict]:
        with self._lock:
            if refund_id not in self.refunds:
                return HTTPStatus.NOT_FOUND, _error("REFUND_NOT_FOUND")
            return HTTPStatus.OK, {
                "data": {"status": "COMPLETED", "amount": self.refunds[refund_id]}
            }

    def _payment_doc(self, key: str) -> dict:
        p = self.payments[key]
        return {
            "data": {
                "merchantPaymentId": key,
                "paymentId": f"PP{abs(hash(key)) % 10**8:08d}",
                "status": p.status,
                "amount": {"amount": p.amount, "currency": "JPY"},
                "acceptedAt": p.accepted_at.isoformat(),
            }
        }


def _error(code: str) -> dict:
    return {"resultInfo": {"code": code}}
