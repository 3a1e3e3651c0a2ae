"""QR wallet payments (PayPay style): the shopper's code (CPM) or a dynamic code (MPM).

``mode`` says which (``[plugins.pay_qr] mode``). CPM (``"shopper"``, customer-presented):
the scanner reads the code from the shopper's phone — while ``start`` waits for it
(:meth:`QrMethod.take_code`, which the runtime calls with scans made while paying), or
claimed beforehand through ``kiosk_claim_scan`` / :meth:`QrMethod.present_code` — and the
method asks the provider to charge it under the kiosk's merchant payment id (the idempotency
key). MPM (``"merchant"``, merchant-presented): the method creates a dynamic QR, hands its
payload to the screen (:meth:`PaymentMethod.show_code`, the public display API), and polls until the
shopper pays. Either wait is bounded (``mpm_wait_s``) and the shopper may cancel it
(:meth:`QrMethod.interrupt`); a withdrawn dynamic code is cancelled at the provider. A
timeout is followed by status polls; what stays unclear is cancelled. Cancels are accepted
until 00:14:59 the next day; later, a void becomes a full refund. Offered while the
provider's API answers (:meth:`QrMethod.network_up`, a cached probe), whatever the back office.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx

from kiosk.domain.money import Yen
from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.payments.probe import CachedProbe

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 1.0  # the gateway probe: a reachable provider answers well within it
PROBE_TTL_S = 5.0
MODES = ("shopper", "merchant")  # who shows the code: the shopper's app, or the kiosk

_STATUS = {
    "COMPLETED": Outcome.APPROVED,
    "FAILED": Outcome.DECLINED,
    "CANCELED": Outcome.CANCELLED,
    "EXPIRED": Outcome.CANCELLED,
}


class QrMethod(PaymentMethod):
    id = "qr"
    name_key = N_("QR code payment")  # plugins/pay_qr/locale: the tile and the receipt
    domain = "plugins.pay_qr"
    icon = "qr"
    works_offline = False
    max_amount = 500_000

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 10.0,
        status_polls: int = 3,
        poll_interval_s: float = 1.0,
        mpm_wait_s: float = 120.0,
        mode: str = "shopper",
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"QR mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.http = httpx.Client(base_url=base_url, timeout=httpx.Timeout(timeout_s, connect=3.0))
        self.status_polls = status_polls
        self.poll_interval_s = poll_interval_s
        self.mpm_wait_s = mpm_wait_s
        # start waits for the shopper up to mpm_wait_s, then polls: its deadline is above that
        self.start_deadline_s = mpm_wait_s + status_polls * (timeout_s + poll_interval_s) + 15
        self.call_deadline_s = 4 * timeout_s + 5  # a late cancel asks status, then refunds
        self._sleep = sleep or self._pause
        self._code: str | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()  # a code arrived, or the shopper cancelled
        self._cancelled = threading.Event()  # the shopper cancelled: cut the poll pause short
        self._waiting = False  # start() waits for the shopper (cancel still possible)
        self._interrupted = False
        #: the provider's gateway, asked at most every few seconds (its own network, never
        #: the back office's): the payment screen opens often
        self.gateway = CachedProbe(self._answers, ttl_s=PROBE_TTL_S)

    def close(self) -> None:
        self.http.close()

    def network_up(self) -> bool:
        return self.gateway.get()

    def network_problem(self) -> str:
        return "" if self.network_up() else f"QR provider {self.http.base_url} not answering"

    def available(self, online: bool) -> bool:
        return online  # the provider must answer: QR takes nothing without it

    def _answers(self) -> bool:
        """Whether the provider's API answers at all (any reply below 500): a short GET."""
        try:
            response = self.http.get("/", timeout=PROBE_TIMEOUT_S)
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    def present_code(self, code: str) -> None:
        """The shopper's payment code (read by the scanner); used by the next ``start``."""
        with self._lock:
            self._code = code
        self._wake.set()

    def take_code(self, code: str) -> bool:
        """A wallet code scanned while ``start`` waits for one (shopper mode only)."""
        with self._lock:
            if not (self._waiting and self.mode == "shopper" and is_wallet_code(code)):
                return False
            self._code = code
        self._wake.set()
        return True

    def interrupt(self) -> bool:
        """The shopper cancelled: stop waiting for their code, or withdraw the dynamic code."""
        with self._lock:
            if not self._waiting:
                return False
            self._interrupted = True
        self._cancelled.set()
        self._wake.set()
        return True

    def _pause(self, seconds: float) -> None:
        self._cancelled.wait(seconds)

    # --- PaymentMethod ---

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        with self._lock:
            code, self._code = self._code, None
            self._interrupted, self._waiting = False, code is None
            self._wake.clear()
            self._cancelled.clear()
        try:
            if code is None and self.mode == "merchant":
                return self._merchant_presented(amount, idempotency_key)
            if code is None:
                code = self._wait_for_code(amount)
                if code is None:
                    return PaymentResult(Outcome.CANCELLED, message="no code shown: not sent")
        finally:
            with self._lock:
                self._waiting = False
        self.show_amount(amount, waiting=False)  # the charge is made now: no cancel
        return self._charge(code, amount, idempotency_key)

    def _wait_for_code(self, amount: Yen) -> str | None:
        """CPM: the shopper shows their app's code to the scanner (bounded, cancellable)."""
        self.show_amount(amount)
        self._wake.wait(self.mpm_wait_s)
        with self._lock:
            code, self._code = self._code, None
            if self._interrupted or code is None:
                return None
            self._waiting = False  # too late to cancel: the charge is made next
            return code

    def _charge(self, code: str, amount: Yen, idempotency_key: str) -> PaymentResult:
        body = {
            "merchantPaymentId": idempotency_key,
            "userAuthorizationId": code,
            "amount": {"amount": amount, "currency": "JPY"},
        }
        try:
            response = self.http.post("/v2/payments", json=body)
        except httpx.ConnectError:
            self.gateway.forget()  # the next look at the methods asks the provider again
            return PaymentResult(Outcome.CANCELLED, message="provider unreachable: not sent")
        except httpx.HTTPError as exc:
            log.warning("qr payment %s: %s; polling status", idempotency_key, type(exc).__name__)
            return self._poll(idempotency_key)
        if response.status_code >= 500:
            return self._poll(idempotency_key)
        return _payment_result(response)

    def status(self, idempotency_key: str) -> PaymentResult:
        try:
            refund = self.http.get(f"/v2/refunds/{idempotency_key}")
            if refund.status_code == 200:
                return PaymentResult(Outcome.REFUNDED, amount=refund.json()["data"]["amount"])
            response = self.http.get(f"/v2/payments/{idempotency_key}")
        except httpx.HTTPError as exc:
            return PaymentResult(Outcome.UNKNOWN, message=f"status: {type(exc).__name__}")
        if response.status_code == 404:
            return PaymentResult(Outcome.NOT_FOUND)
        return _payment_result(response)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        try:
            response = self.http.delete(f"/v2/payments/{idempotency_key}")
        except httpx.HTTPError as exc:
            return PaymentResult(Outcome.UNKNOWN, message=f"cancel: {type(exc).__name__}")
        if response.status_code == 400 and _code(response) == "CANCEL_WINDOW_CLOSED":
            return self._refund_all(idempotency_key)
        if response.status_code >= 400:
            return PaymentResult(Outcome.UNKNOWN, message=f"cancel refused: {_code(response)}")
        return PaymentResult(Outcome.CANCELLED, message="cancelled at the provider")

    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        body = {
            "merchantRefundId": refund_key,
            "merchantPaymentId": idempotency_key,
            "amount": {"amount": amount, "currency": "JPY"},
        }
        try:
            response = self.http.post("/v2/refunds", json=body)
        except httpx.HTTPError as exc:
            return PaymentResult(Outcome.UNKNOWN, message=f"refund: {type(exc).__name__}")
        if response.status_code >= 400:
            return PaymentResult(Outcome.DECLINED, message=f"refund refused: {_code(response)}")
        return PaymentResult(Outcome.REFUNDED, amount=response.json()["data"]["amount"])

    # --- internals ---

    def _refund_all(self, key: str) -> PaymentResult:
        """Past the cancel window (00:14:59 the next day) a void is a full refund."""
        status = self.status(key)
        if status.outcome is not Outcome.APPROVED:
            return PaymentResult(Outcome.UNKNOWN, message="cannot void: status unclear")
        result = self.refund(key, status.amount, f"{key}:void")
        if result.outcome is not Outcome.REFUNDED:
            return PaymentResult(Outcome.UNKNOWN, message=f"void refund: {result.message}")
        return PaymentResult(
            Outcome.REFUNDED, amount=result.amount, message="past the cancel window: refunded"
        )

    def _poll(self, key: str) -> PaymentResult:
        for attempt in range(self.status_polls):
            result = self.status(key)
            if result.outcome in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED):
                return result
            if attempt + 1 < self.status_polls:
                self._sleep(self.poll_interval_s)
        return PaymentResult(Outcome.UNKNOWN, message="no answer; status still unclear")

    def _merchant_presented(self, amount: Yen, key: str) -> PaymentResult:
        body = {"merchantPaymentId": key, "amount": {"amount": amount, "currency": "JPY"}}
        try:
            response = self.http.post("/v2/codes", json=body)
        except httpx.ConnectError:
            return PaymentResult(Outcome.CANCELLED, message="provider unreachable: not sent")
        except httpx.HTTPError:
            return PaymentResult(Outcome.UNKNOWN, message="dynamic code: no answer")
        if response.status_code >= 400:
            return PaymentResult(Outcome.DECLINED, message=f"code refused: {_code(response)}")
        payload = response.json()["data"]["url"]
        self.show_code(payload, due=amount)  # the public display API any method may use
        polls = max(1, int(self.mpm_wait_s / max(self.poll_interval_s, 0.001)))
        for _ in range(polls):
            result = self.status(key)
            if result.outcome in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED):
                return result
            if self._interrupted:
                break
            self._sleep(self.poll_interval_s)
        # not paid in time, or the shopper cancelled: withdraw the code (a payment made in the
        # meantime is voided by the cancel, so nothing stays charged)
        return self.cancel(key)


class MerchantQrMethod(QrMethod):
    """The kiosk's screen shows a dynamic code the shopper's app scans (MPM), offered as a
    tile of its own beside the shopper-code method when ``mode = "both"``."""

    id = "qr_merchant"
    name_key = N_("QR code payment (code on screen)")

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url, mode="merchant", **kwargs)


def _payment_result(response: httpx.Response) -> PaymentResult:
    if response.status_code >= 400:
        return PaymentResult(Outcome.DECLINED, message=f"refused: {_code(response)}")
    data = response.json()["data"]
    status = data.get("status", "")
    if status == "CREATED":
        return PaymentResult(Outcome.UNKNOWN, message="waiting for the shopper")
    outcome = _STATUS.get(status, Outcome.UNKNOWN)
    amount = int(data["amount"]["amount"]) if outcome is Outcome.APPROVED else 0
    return PaymentResult(outcome, amount=amount, reference=str(data.get("paymentId", "")))


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json()["resultInfo"]["code"])
    except (ValueError, KeyError, TypeError):
        return str(response.status_code)


def is_wallet_code(code: str) -> bool:
    """Shopper payment codes: 18–20 digits (wallet apps' barcode form). Never logged."""
    return code.isdigit() and 18 <= len(code) <= 20
