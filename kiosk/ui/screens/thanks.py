"""Thank you (ありがとうございました): shown briefly, then back to the attract screen."""

from __future__ import annotations

from kiosk.ui.widgets import KioskScreen


class ThanksScreen(KioskScreen):
    pass
