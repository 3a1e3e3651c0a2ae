"""Shopping screen (お買い物): the basket, the last item, the total and what to do next."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import KioskScreen


class BasketRow(BoxLayout):
    """One basket line in the RecycleView: name (※ reduced rate), − qty +, amount, remove."""

    ctl = ObjectProperty(None)
    line_id = NumericProperty(0)
    name = StringProperty("")
    qty = StringProperty("")
    amount = StringProperty("")
    reduced = BooleanProperty(False)
    weighed = BooleanProperty(False)


class ShoppingScreen(KioskScreen):
    def rows_for_view(self, rows: list[dict]) -> list[dict]:
        return [dict(row, ctl=self.ctl) for row in rows]
