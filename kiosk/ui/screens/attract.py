"""Attract screen (待機画面): logo, the store's message, languages, start."""

from __future__ import annotations

from kiosk.ui.widgets import KioskScreen


class AttractScreen(KioskScreen):
    """Shown while idle. Touch "Start" or scan an item to begin (a scan starts a session)."""

    def start(self) -> None:
        self.ctl.start()
