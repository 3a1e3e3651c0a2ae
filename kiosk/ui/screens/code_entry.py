"""Member card / coupon entry: typed digits become a Scan the plugins may claim."""

from __future__ import annotations

from typing import Any

from kiosk.ui.screens.enrol import looks_like_phone
from kiosk.ui.widgets import KioskScreen


class CodeEntryScreen(KioskScreen):
    def on_enter(self, *_args: Any) -> None:
        self.ids.pad.value = ""

    def submit(self) -> None:
        """A phone number looks the member up; other digits go as a scan (card, coupon)."""
        code = self.ids.pad.value
        if not code:
            return
        self.ids.pad.value = ""
        if looks_like_phone(code) and self.ctl.loyalty.available:
            self.ctl.loyalty.identify_phone(code)
        else:
            self.ctl.scan_code(code, "keypad")
        self.ctl.go("shopping")
