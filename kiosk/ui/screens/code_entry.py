"""Member card / coupon entry: typed digits become a Scan the plugins may claim."""

from __future__ import annotations

from typing import Any

from kiosk.ui.widgets import KioskScreen


class CodeEntryScreen(KioskScreen):
    def on_enter(self, *_args: Any) -> None:
        self.ids.pad.value = ""

    def submit(self) -> None:
        code = self.ids.pad.value
        if code:
            self.ids.pad.value = ""
            self.ctl.scan_code(code, "keypad")
            self.ctl.go("shopping")
