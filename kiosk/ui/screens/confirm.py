"""Ask before something the shopper cannot undo: removing a line, stopping the whole sale.

``ctl.confirm`` holds the question (``text``, the ``yes`` button's label); the root shows
this overlay while it is set. "Yes" runs the action the controller kept, "No" drops it.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout


class ConfirmOverlay(FloatLayout):
    ctl = ObjectProperty(None)
    text = StringProperty("")
    yes = StringProperty("")
    no = StringProperty("")
    danger = BooleanProperty(False)

    def show(self, question: dict[str, Any]) -> None:
        """Take the question's texts (the root calls this before adding the overlay)."""
        self.text, self.yes, self.no = question["text"], question["yes"], question["no"]
        self.danger = bool(question.get("danger"))
