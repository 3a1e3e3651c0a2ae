"""Semi-self widgets: the console message bar and the staff station's screen.

They show :class:`plugins.handoff.ui.model.SemiSelfModel` (their ``model``) and call only it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.list_view import KioskRecycleView  # noqa: F401  (registers the kv class)
from kiosk.ui.pin_entry import PinEntry
from kiosk.ui.widgets import KioskScreen

KV = Path(__file__).with_name("semi_self.kv")


class ConsoleMessageBar(BoxLayout):
    """A message the attendant sent from the console, until OK (or a minute)."""

    ctl = ObjectProperty(None)
    model = ObjectProperty(None)


class StationSignIn(PinEntry, BoxLayout):
    """Staff ID and PIN on our own pad (the same fields as the staff overlay)."""

    ctl = ObjectProperty(None)
    model = ObjectProperty(None)

    def submit(self, staff_id: str, pin: str) -> None:
        self.model.sign_in(staff_id, pin)


class StationRegister(BoxLayout):
    """The fast scan list, the PLU keypad, age approval and "hand off"."""

    ctl = ObjectProperty(None)
    model = ObjectProperty(None)

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
        self.model.add_plu(plu)


class StationResult(BoxLayout):
    """Where the shopper goes: "go to kiosk N", or the hand-off QR when on paper."""

    ctl = ObjectProperty(None)
    model = ObjectProperty(None)

    def qr(self, code: str) -> Any:
        if not code:
            return None
        from kiosk.ui.qr import qr_texture

        return qr_texture(code, scale=4)


class StationScreen(KioskScreen):
    """The staff registration station (登録機): sign in → register → hand off.

    Made as ``StationScreen(name=..., ctl=ctl, model=model)`` (the plugin's
    ``kiosk_ui_screens`` gives the root a factory with its model).
    """

    model = ObjectProperty(None)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        model = self.model
        self.panels = {
            "sign_in": StationSignIn(ctl=self.ctl, model=model),
            "register": StationRegister(ctl=self.ctl, model=model),
            "result": StationResult(ctl=self.ctl, model=model),
        }
        model.fbind("step", self._show)
        self._show()

    def _show(self, *_args: Any) -> None:
        body = self.ids.body
        panel = self.panels[self.model.step]
        if panel.parent is body:
            return
        body.clear_widgets()
        body.add_widget(panel)
