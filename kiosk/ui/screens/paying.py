"""Payment progress (お支払い中): what to do for this method, then retry or go back on failure.

``runtime.pay`` runs on the runtime worker thread (never on the UI thread); this screen only
shows ``ctl.pay_busy`` / ``ctl.pay_error`` and offers the safe ways out.
"""

from __future__ import annotations

from kiosk.ui.widgets import KioskScreen

INSTRUCTIONS = {
    "cash": "Please put your notes and coins in the cash slot. Your change comes out below.",
    "card": "Tap, insert or swipe your card on the card terminal.",
    "qr": "Show your payment app's code to the scanner.",
    "emoney": "Touch your IC card on the reader and hold it until it beeps.",
}
DEFAULT_INSTRUCTION = "Follow the instructions on the payment terminal."


class PayingScreen(KioskScreen):
    def instruction(self, method_id: str, _language: str) -> str:
        return self.ctl.t(INSTRUCTIONS.get(method_id, DEFAULT_INSTRUCTION))
