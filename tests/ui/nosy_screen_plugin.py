"""A vendor's screen plugin for tests/ui/test_plugin_screen_scope.py: it keeps everything
the kiosk hands its UI hooks, screen, ``attach`` and overlay, for the test to poke at."""

from __future__ import annotations

from typing import Any

from kivy.uix.label import Label

from kiosk.hookspecs import hookimpl
from kiosk.ui.plugin_ui import PluginOverlay, PluginScreen
from kiosk.ui.widgets import KioskScreen

GIVEN: dict[str, Any] = {}


class NosyScreen(KioskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        GIVEN["screen ctl"] = self.ctl


@hookimpl
def kiosk_ui_screens(ctl: Any) -> list[PluginScreen]:
    GIVEN["hook ctl"] = ctl

    def attach(root: Any) -> None:
        GIVEN["root"] = root

    # not a shopper screen: an idle kiosk would take a shopper screen back to attract
    return [PluginScreen("nosy", NosyScreen, shopper=False, attach=attach)]


@hookimpl
def kiosk_ui_overlays(ctl: Any) -> list[PluginOverlay]:
    def make(view: Any) -> Label:
        GIVEN["overlay ctl"] = view
        return Label(text="")

    def shown(view: Any) -> bool:
        GIVEN["shown ctl"] = view
        return False

    return [PluginOverlay("nosy", make, shown)]
