"""Plain-language messages: the shopper banner and the problem bar (with a staff detail line).

Device faults and disabled plugins (``runtime.host.problems``) show here; nothing the shopper
sees is a traceback.
"""

from __future__ import annotations

from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout


class MessageBanner(BoxLayout):
    ctl = ObjectProperty(None)


class ProblemBar(BoxLayout):
    ctl = ObjectProperty(None)
