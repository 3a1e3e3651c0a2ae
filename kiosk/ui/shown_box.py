"""A BoxLayout that can be hidden in place: no size, no opacity, and no touches.

Kivy lets a *disabled* widget swallow every touch that lands on it, and the children of a
box squeezed to zero size still keep their minimum size (``KioskButton.size_hint_min``), so a
hidden block's buttons would overlap its neighbours and eat their taps. ``ShownBox`` passes
touches on untouched while ``shown`` is False.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout


class ShownBox(BoxLayout):
    shown = BooleanProperty(True)

    def on_touch_down(self, touch: Any) -> bool:
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch: Any) -> bool:
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch: Any) -> bool:
        return super().on_touch_up(touch) if self.shown else False
