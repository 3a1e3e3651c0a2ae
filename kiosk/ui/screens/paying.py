"""Payment progress (お支払い中): what to do for this method, live figures, the ways out.

``runtime.pay`` runs on the runtime worker thread (never on the UI thread); this screen shows
``ctl.pay_busy`` / ``ctl.pay_error`` and ``ctl.payment`` (:mod:`kiosk.ui.payment_state`:
cash put in and still due, the merchant-presented QR code, whether Cancel is safe now).
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty

from kiosk.ui.basket_view import yen_text
from kiosk.ui.qr import qr_texture
from kiosk.ui.widgets import KioskScreen

MERCHANT_QR_INSTRUCTION = "Scan the code on the right with your payment app."
INSTRUCTIONS = {
    "cash": "Please put your notes and coins in the cash slot. Your change comes out below.",
    "card": "Tap, insert or swipe your card on the card terminal.",
    "qr": "Show your payment app's code to the scanner.",
    "qr_merchant": MERCHANT_QR_INSTRUCTION,  # pay_qr's mode "both": the code comes at once
    "emoney": "Touch your IC card on the reader and hold it until it beeps.",
}
DEFAULT_INSTRUCTION = "Follow the instructions on the payment terminal."


class PayingScreen(KioskScreen):
    cash = BooleanProperty(False)  # show "inserted" and "still to pay"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # on the screen only while there is a code: an empty Image still draws a white box
        self.code_image = Factory.PaymentCode()

    def on_ctl(self, _screen: Any, ctl: Any) -> None:
        ctl.payment.bind(code=self._show_code)

    def instruction(self, method_id: str, code: str, _language: str) -> str:
        if code:
            return self.ctl.t(MERCHANT_QR_INSTRUCTION)
        return self.ctl.t(INSTRUCTIONS.get(method_id, DEFAULT_INSTRUCTION))

    def status(self, busy: bool, *_watch: Any) -> str:
        """The status line under the amounts ("" for none: gettext("") is the header)."""
        payment = self.ctl.payment
        if busy and not payment.cancelling and payment.status:
            return payment.status_text(self.ctl.language)  # the plugin's own words
        msgid = payment.status_msgid(busy)
        return self.ctl.t(msgid) if msgid else ""

    def money(self, amount: int, language: str) -> str:
        return yen_text(int(amount), language)

    def _show_code(self, _payment: Any, code: str) -> None:
        """Made once per payment (not per frame); a new attempt takes it away."""
        image, row = self.code_image, self.ids.row
        if code:
            image.texture = qr_texture(code)
            if image.parent is None:
                row.add_widget(image)
        elif image.parent is not None:
            row.remove_widget(image)
            image.texture = None
