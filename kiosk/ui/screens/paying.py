"""Payment progress (お支払い中): what to do for this method, live figures, the ways out.

``runtime.pay`` runs on the runtime worker thread (never on the UI thread); this screen shows
``ctl.pay_busy`` / ``ctl.pay_error`` and ``ctl.payment`` (:mod:`kiosk.ui.payment_state`:
cash put in and still due, the merchant-presented QR code, whether Cancel is safe now).
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty

from kiosk.ui.basket_view import yen_text
from kiosk.ui.qr import qr_texture
from kiosk.ui.widgets import KioskScreen

INSTRUCTIONS = {
    "cash": "Please put your notes and coins in the cash slot. Your change comes out below.",
    "card": "Tap, insert or swipe your card on the card terminal.",
    "qr": "Show your payment app's code to the scanner.",
    "emoney": "Touch your IC card on the reader and hold it until it beeps.",
}
DEFAULT_INSTRUCTION = "Follow the instructions on the payment terminal."
MERCHANT_QR_INSTRUCTION = "Open your payment app and scan the code on this screen."


class PayingScreen(KioskScreen):
    cash = BooleanProperty(False)  # show "inserted" and "still to pay"

    def on_ctl(self, _screen: Any, ctl: Any) -> None:
        ctl.payment.bind(code=self._show_code)

    def instruction(self, method_id: str, code: str, _language: str) -> str:
        if code:
            return self.ctl.t(MERCHANT_QR_INSTRUCTION)
        return self.ctl.t(INSTRUCTIONS.get(method_id, DEFAULT_INSTRUCTION))

    def money(self, amount: int, language: str) -> str:
        return yen_text(int(amount), language)

    def _show_code(self, _payment: Any, code: str) -> None:
        # drawn once per payment (not per frame); a new attempt clears it
        self.ids.qr.texture = qr_texture(code) if code else None
