"""The kiosk side: a PaymentMethod that shows its own dynamic QR code to the shopper.

``start`` asks the provider for a code, puts it on the paying screen with
:meth:`~kiosk.payments.method.PaymentMethod.show_code` and a status line in the kiosk's four
languages with ``show_status`` (keys of its own catalogue, ``locale/``), then polls until the shopper's app has paid, the shopper
pressed Cancel (``interrupt``) or ``wait_s`` passed; an unpaid code is withdrawn (a payment
made meanwhile is voided by the same cancel, so nothing stays charged). ``start_deadline_s``
is declared above ``wait_s``: the kiosk abandons ``start`` only if the provider hangs.
"""

from __future__ import annotations

import threading
import time

from kiosk.messages import N_, Message
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk_qr_wallet_example.provider import LostReply, WalletPayment, WalletProvider

DOMAIN = "kiosk_qr_wallet_example"  # gettext domain: kiosk_qr_wallet_example/locale
# status lines: keys of this package's own catalogue, shown in the shopper's language
SCAN_WITH_YOUR_APP = Message.of("Scan the code with your wallet app", DOMAIN)
PAID = Message.of("Payment received", DOMAIN)
_OUTCOMES = {
    "approved": Outcome.APPROVED,
    "declined": Outcome.DECLINED,
    "cancelled": Outcome.CANCELLED,
}


class WalletMethod(PaymentMethod):
    id = "example_qr_wallet"
    name_key = N_("Example wallet")  # the tile and the receipt, from the same catalogue
    domain = DOMAIN
    icon = "qr"
    works_offline = False
    min_amount = 1
    max_amount = 100_000

    def __init__(self, provider: WalletProvider, wait_s: float = 90.0, poll_s: float = 0.05):
        self.provider = provider
        self.wait_s = wait_s
        self.poll_s = poll_s
        self.start_deadline_s = wait_s + 15  # the shopper's wait, then one last answer
        self.call_deadline_s = 10.0
        self._stop = threading.Event()
        self._waiting = False

    def available(self, online: bool) -> bool:
        return online  # this method's own network_up() (default True), never the back office

    def interrupt(self) -> bool:
        if not self._waiting:
            return False
        self._stop.set()
        return True

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        try:
            payment = self.provider.create_code(idempotency_key, amount)
        except LostReply as exc:
            return PaymentResult(Outcome.UNKNOWN, message=str(exc))
        if payment.state != "created":
            return _result(payment)  # a replayed key, or declined at once
        self._stop.clear()
        self._waiting = True
        self.show_code(payment.payload, due=amount)
        self.show_status(SCAN_WITH_YOUR_APP)
        try:
            paid = self._wait_until_paid(idempotency_key)
        finally:
            self._waiting = False
        if paid is not None:
            self.show_status(PAID, waiting=False)
            return _result(paid)
        self.provider.cancel(idempotency_key)  # withdraw the code (voids a late payment)
        return PaymentResult(Outcome.CANCELLED, message="code not paid: withdrawn")

    def _wait_until_paid(self, key: str) -> WalletPayment | None:
        deadline = time.monotonic() + self.wait_s
        while True:
            payment = self.provider.lookup(key)
            if payment is not None and payment.state != "created":
                return payment
            if self._stop.wait(self.poll_s) or time.monotonic() >= deadline:
                return None

    def status(self, idempotency_key: str) -> PaymentResult:
        if idempotency_key in self.provider.refunds:
            return PaymentResult(Outcome.REFUNDED, amount=self.provider.refunds[idempotency_key])
        payment = self.provider.lookup(idempotency_key)
        if payment is None:
            return PaymentResult(Outcome.NOT_FOUND)
        if payment.state == "created":
            return PaymentResult(Outcome.UNKNOWN, message="code shown, not paid yet")
        return _result(payment)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        self.provider.cancel(idempotency_key)
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        given = self.provider.refund(idempotency_key, amount, refund_key)
        if given is None:
            return PaymentResult(Outcome.DECLINED, message="not refundable")
        return PaymentResult(Outcome.REFUNDED, amount=given)


def _result(payment: WalletPayment) -> PaymentResult:
    outcome = _OUTCOMES.get(payment.state, Outcome.UNKNOWN)
    amount = payment.amount if outcome is Outcome.APPROVED else 0
    return PaymentResult(outcome, amount=amount, reference="WL-opaque" if amount else "")
