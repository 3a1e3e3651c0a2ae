"""Plain-language messages: the shopper banner, the problem bar (with a staff detail line)
and the training-mode strip.

Device faults, disabled plugins (``runtime.host.problems``) and the back office relay's alerts
(``runtime.sync_alerts()``, :mod:`kiosk.ui.sync_problems`) show here; nothing the shopper sees
is a traceback. A problem for staff alone (a backlog of unsent sales) has no shopper line.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout


class MessageBanner(BoxLayout):
    ctl = ObjectProperty(None)
    # in the shopping screen's slot above the basket (KioskRoot._place_banner), not floating
    inline = BooleanProperty(False)


class ProblemBar(BoxLayout):
    ctl = ObjectProperty(None)


class TrainingBanner(BoxLayout):
    """The strip above every screen while the kiosk is in training mode (a payment method
    takes money from a simulator): shoppers and staff must never mistake it for a till."""

    ctl = ObjectProperty(None)
