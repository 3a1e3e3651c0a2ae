"""Inactivity check: "Are you still there?" with a countdown before the basket is suspended."""

from __future__ import annotations

from kivy.properties import ObjectProperty
from kivy.uix.floatlayout import FloatLayout


class StillThereOverlay(FloatLayout):
    ctl = ObjectProperty(None)
