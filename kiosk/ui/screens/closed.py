"""The closed/paused cover over the attract screen (``ctl.availability`` not "open").

The kiosk closes itself when its database is not confirmed as its own (the store identity
check); the hand-off plugin's console pauses or closes it. Either way the current shopper
finishes and no new one can start.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty
from kivy.uix.floatlayout import FloatLayout


class ClosedOverlay(FloatLayout):
    """ "This checkout is closed / paused": covers the attract screen, so Start is blocked."""

    ctl = ObjectProperty(None)

    def on_touch_down(self, touch: Any) -> bool:
        super().on_touch_down(touch)
        return True  # nothing underneath may be pressed

    def on_touch_up(self, touch: Any) -> bool:
        super().on_touch_up(touch)
        return True
