"""Staff overlay (係員呼出中): locks the kiosk until a staff PIN with the right role unlocks it.

Shown when the checkout needs an attendant (age check, removal approval, device fault, help)
and when someone asks to leave kiosk mode. The shopper sees plain-language reasons; staff see
a detail line. The PIN pad is ours (no OS keyboard); PINs are checked in :mod:`kiosk.staff`.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout

from kiosk.ui.basket_view import reason_label


class StaffOverlay(FloatLayout):
    ctl = ObjectProperty(None)
    field = StringProperty("staff_id")  # which entry the pad types into: staff_id | pin
    staff_id = StringProperty("")
    pin = StringProperty("")

    def reasons_text(self, attendant: list[dict], mode: str, _language: str) -> str:
        if mode == "exit":
            return self.ctl.t("A manager PIN is needed to leave kiosk mode.")
        labels = dict.fromkeys(self.ctl.t(reason_label(a["reason"])) for a in attendant)
        return "\n".join(labels) or self.ctl.t("Staff are on their way")

    def detail_text(self, attendant: list[dict]) -> str:
        return " · ".join(f"{a['reason']}: {a['detail']}" for a in attendant if a["detail"])

    def on_pad(self, value: str) -> None:
        if self.field == "pin":
            self.pin = value
        else:
            self.staff_id = value

    def choose(self, field: str) -> None:
        self.field = field
        self.ids.pad.value = self.pin if field == "pin" else self.staff_id

    def ok(self) -> None:
        if self.field == "staff_id":
            self.choose("pin")
            return
        staff_id, pin = self.staff_id, self.pin
        self.reset()
        self.ctl.flows.unlock(staff_id, pin)

    def reset(self, *_args: Any) -> None:
        self.staff_id = self.pin = ""
        self.field = "staff_id"
        if "pad" in self.ids:
            self.ids.pad.value = ""
