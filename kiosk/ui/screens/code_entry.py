"""Member card / coupon entry: typed digits become a Scan the plugins may claim."""

from __future__ import annotations

from typing import Any

from kiosk.ui.widgets import KioskScreen


class CodeEntryScreen(KioskScreen):
    def on_enter(self, *_args: Any) -> None:
        self.ids.pad.value = ""

    def submit(self) -> None:
        """The digits go as a "keypad" scan: a plugin takes what is its own (the loyalty
        plugin a member's phone number), the others may claim it (card, coupon)."""
        code = self.ids.pad.value
        if not code:
            return
        self.ids.pad.value = ""
        self.ctl.scan_code(code, "keypad")
        self.ctl.go("shopping")
