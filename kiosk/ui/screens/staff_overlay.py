"""Staff overlay (係員呼出中): locks the kiosk until a staff PIN with the right role unlocks it.

Shown when the checkout needs an attendant (age check, removal approval, device fault, help)
and when someone asks to leave kiosk mode. The shopper sees plain-language reasons; staff see
a detail line. The PIN pad is ours (no OS keyboard); PINs are checked in :mod:`kiosk.staff`.
"""

from __future__ import annotations

from kivy.properties import ObjectProperty
from kivy.uix.floatlayout import FloatLayout

from kiosk.domain.events import AttendantReason
from kiosk.ui.basket_view import reason_label
from kiosk.ui.pin_entry import PinEntry
from kiosk.ui.sync_problems import overlay_text


class StaffOverlay(PinEntry, FloatLayout):
    ctl = ObjectProperty(None)

    def reasons_text(self, attendant: list[dict], mode: str, _language: str) -> str:
        if mode == "exit":
            return self.ctl.t("A manager PIN is needed to leave kiosk mode.")
        if mode == "returns":
            return self.ctl.returns.rt("Returns: staff sign in to find the sale and refund.")
        if mode == "formal":
            return self.ctl.t("Reprint a receipt for expenses")
        labels = dict.fromkeys(self._label(a) for a in attendant)
        return "\n".join(labels) or self.ctl.t("Staff are on their way")

    def _label(self, call: dict) -> str:
        label = self.ctl.t(reason_label(call["reason"]))
        if call["reason"] == AttendantReason.CASH_LEFT:  # the detail is the yen put in
            return label.format(amount=self.ctl.yen(int(call["detail"] or 0)))
        return label

    def detail_text(self, attendant: list[dict], mode: str = "") -> str:
        """The items concerned (age check, removal), named in the shopper's language; none
        while staff use the overlay for something else (a 領収書 reprint opened over an age
        check is not about the beer)."""
        if self.staff_only(mode):
            return ""
        return " · ".join(
            dict.fromkeys(
                a["detail"]
                for a in attendant
                if a["detail"] and a["reason"] != AttendantReason.CASH_LEFT  # in the reason
            )
        )

    @staticmethod
    def staff_only(mode: str) -> bool:
        """Opened by staff (leaving kiosk mode, a return, a 領収書 reprint), not for a shopper's
        checkout."""
        return mode in ("exit", "returns", "formal")

    @staticmethod
    def only_a_call(attendant: list[dict], mode: str) -> bool:
        """Nothing but the shopper's own call for staff: they may take it back."""
        return (
            mode not in ("exit", "returns")
            and bool(attendant)
            and all(a["reason"] == "help_requested" for a in attendant)
        )

    def sync_text(self, alerts: list, _language: str, *_opened: object) -> str:
        """The back office relay's standing problems for staff, with what to do (the problem
        bar's line can be dismissed; here they stay until the relay recovers). Written again
        whenever the overlay opens (``_opened``: its reasons and mode), so "since" reads
        against the store clock of now."""
        if not alerts:
            return ""
        runtime = self.ctl.runtime
        return overlay_text(
            alerts, self.ctl.t, self.ctl.language, runtime.config.kiosk_id, runtime.clock()
        )

    def submit(self, staff_id: str, pin: str) -> None:
        self.ctl.flows.unlock(staff_id, pin)
