"""Semi-self screens: the closed/paused overlay, the console message bar, the staff station.

They show :class:`kiosk.ui.semi_self.SemiSelfModel` (``ctl.semi``) and call only it.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk.ui.list_view import KioskRecycleView  # noqa: F401  (registers the kv class)
from kiosk.ui.pin_entry import PinEntry
from kiosk.ui.widgets import KioskScreen


class ClosedOverlay(FloatLayout):
    """ "This checkout is closed / paused": covers the attract screen, so Start is blocked."""

    ctl = ObjectProperty(None)

    def on_touch_down(self, touch: Any) -> bool:
        super().on_touch_down(touch)
        return True  # nothing underneath may be pressed

    def on_touch_up(self, touch: Any) -> bool:
        super().on_touch_up(touch)
        return True


class ConsoleMessageBar(BoxLayout):
    """A message the attendant sent from the console, until OK (or a minute)."""

    ctl = ObjectProperty(None)


class StationSignIn(PinEntry, BoxLayout):
    """Staff ID and PIN on our own pad (the same fields as the staff overlay)."""

    ctl = ObjectProperty(None)

    def submit(self, staff_id: str, pin: str) -> None:
        self.ctl.semi.sign_in(staff_id, pin)


class StationRegister(BoxLayout):
    """The fast scan list, the PLU keypad, age approval and "hand off"."""

    ctl = ObjectProperty(None)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl.fbind("rows", self._rows)
        self._rows()

    def _rows(self, *_args: Any) -> None:
        self.ids.basket.data = [dict(row, ctl=self.ctl) for row in self.ctl.rows]
        if self.ctl.rows:
            self.ids.basket.scroll_y = 0  # the newest line in view

    def add_plu(self) -> None:
        plu = self.ids.pad.value
        self.ids.pad.value = ""
        self.ctl.semi.add_plu(plu)


class StationResult(BoxLayout):
    """Where the shopper goes: "go to kiosk N", or the hand-off QR when on paper."""

    ctl = ObjectProperty(None)

    def qr(self, code: str) -> Any:
        if not code:
            return None
        from kiosk.ui.qr import qr_texture

        return qr_texture(code, scale=4)


class StationScreen(KioskScreen):
    """The staff registration station (登録機): sign in → register → hand off."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.panels = {
            "sign_in": StationSignIn(ctl=self.ctl),
            "register": StationRegister(ctl=self.ctl),
            "result": StationResult(ctl=self.ctl),
        }
        self.ctl.semi.fbind("step", self._show)
        self._show()

    def _show(self, *_args: Any) -> None:
        body = self.ids.body
        panel = self.panels[self.ctl.semi.step]
        if panel.parent is body:
            return
        body.clear_widgets()
        body.add_widget(panel)
