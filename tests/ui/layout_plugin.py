"""A test plugin for the UI layout hooks: an overlay over the shopping screen, and a
malformed screen description that the root must leave out."""

from __future__ import annotations

from kivy.uix.label import Label

from kiosk.hookspecs import hookimpl
from kiosk.ui.plugin_ui import PluginOverlay


@hookimpl
def kiosk_ui_overlays(ctl):
    return [
        PluginOverlay(
            "shelf_hint",
            make=lambda ctl: Label(text="shelf hint"),
            shown=lambda ctl: ctl.screen == "shopping",
        )
    ]


@hookimpl
def kiosk_ui_screens(ctl):
    return [("not", "a screen")]
