"""What the paying screen shows while a payment runs: live cash, the QR code, Cancel.

The runtime reports a method's :class:`~kiosk.payments.method.PaymentProgress` from whatever
thread the device or provider answers on; :meth:`PaymentModel.report` moves it to the UI
thread. ``ctl.payment`` is the one instance (made by :class:`kiosk.ui.flows.Flows`).
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty

from kiosk.payments.method import PaymentProgress

# the status line under the amounts, per method, while it waits for the shopper / works
WAITING_TEXT = {
    "emoney": "Waiting for your card…",
    "qr": "Waiting for your app's code…",
}
WORKING_TEXT = {
    "cash": "Paying out your change…",
    "qr": "Code read. Please wait…",
}
MERCHANT_QR_TEXT = "Waiting for your app to pay…"
CANCELLING_TEXT = "Cancelling…"


class PaymentModel(EventDispatcher):
    method = StringProperty("")
    waiting = BooleanProperty(False)  # the method waits for the shopper: Cancel is safe
    cancelling = BooleanProperty(False)  # the shopper pressed Cancel; the outcome is coming
    inserted = NumericProperty(0)  # cash put in so far (yen)
    due = NumericProperty(0)  # what this payment asks for (yen); 0 until the method reports
    code = StringProperty("")  # a merchant-presented QR payload to show
    #: the method's own status line by language (``PaymentMethod.show_status``), or empty
    status = DictProperty({})
    #: the method reported cash-like money put in (not only the cash method): show the rows
    shows_inserted = BooleanProperty(False)

    def begin(self, method_id: str) -> None:
        """A new payment attempt (also "try again"): nothing from the last one stays."""
        self.method, self.waiting, self.cancelling = method_id, False, False
        self.inserted, self.due, self.code = 0, 0, ""
        self.status, self.shows_inserted = {}, False

    def report(self, progress: PaymentProgress) -> None:
        """From any thread: show ``progress`` on the next frame."""
        Clock.schedule_once(lambda _dt: self._show(progress), 0)

    def _show(self, progress: PaymentProgress) -> None:
        if progress.method != self.method:
            return  # a late report of an attempt the shopper has left
        self.waiting = progress.waiting and not self.cancelling
        self.inserted, self.due = progress.inserted, progress.due
        if progress.code:
            self.code = progress.code
        if progress.status:
            self.status = dict(progress.status)
        if progress.inserted:
            self.shows_inserted = True

    def status_text(self, language: str) -> str:
        """The method's own status line in ``language`` (else English), "" for none."""
        return self.status.get(language) or self.status.get("en", "")

    def still_due(self) -> int:
        return max(0, int(self.due) - int(self.inserted))

    def status_msgid(self, busy: bool) -> str:
        """The status line's message id, "" for none."""
        if not busy:
            return ""
        if self.cancelling:
            return CANCELLING_TEXT
        if self.code:
            return MERCHANT_QR_TEXT
        if self.waiting:
            return WAITING_TEXT.get(self.method, "")
        if self.due and self.method in WORKING_TEXT:
            return WORKING_TEXT[self.method]
        return "Please wait…"
