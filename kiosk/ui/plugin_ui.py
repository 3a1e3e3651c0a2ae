"""What plugins add to the touch UI: screens (``kiosk_ui_screens``) and overlays
(``kiosk_ui_overlays``).

The hooks run on the plugin host's worker threads, so they return descriptions only; the
root builds the widgets on the UI thread (:func:`plugin_screens`, :func:`plugin_overlays`).
A description of the wrong type is left out and logged, naming the plugin's hook: the
kiosk keeps its own screens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PluginScreen:
    """A screen a plugin adds.

    ``screen`` is made as ``screen(name=name, ctl=ctl)`` (a
    :class:`kiosk.ui.widgets.KioskScreen` subclass fits); ``kv_files`` are loaded before it
    is made; ``shopper`` screens time out to the attract screen like the shopping screen;
    ``attach(root)`` runs once every screen exists: it is how the plugin opens its screen
    (a button it adds to the shopping screen, ``ctl.scan_interceptors``, ``ctl.go(name)``).
    """

    name: str
    screen: Callable[..., Any]
    kv_files: Sequence[Path] = ()
    shopper: bool = True
    attach: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class PluginOverlay:
    """A widget shown above the screens while ``shown(ctl)`` is true.

    The root re-evaluates ``shown`` when the controller's screen, state, staff mode or
    message change; ``watch(widget, update)``, if given, is called once with the made widget
    and a callback to call when something else the predicate reads changes (the hand-off
    plugin binds it to its console message).
    """

    name: str
    make: Callable[[Any], Any]
    shown: Callable[[Any], bool]
    watch: Callable[[Any, Callable[..., None]], None] | None = None


def _host(ctl: Any) -> Any:
    return getattr(ctl.runtime, "host", None)


def _checked(items: list[Any], kind: type, hook: str) -> list[Any]:
    good = [item for item in items if isinstance(item, kind)]
    for item in items:
        if not isinstance(item, kind):
            log.error("%s returned %r, not a %s: left out", hook, item, kind.__name__)
    return good


def plugin_screens(ctl: Any) -> list[PluginScreen]:
    host = _host(ctl)
    if host is None:
        return []
    found = host.call_each("kiosk_ui_screens", ctl=ctl)
    return _checked(found, PluginScreen, "kiosk_ui_screens")


def plugin_overlays(ctl: Any) -> list[PluginOverlay]:
    host = _host(ctl)
    if host is None:
        return []
    found = host.call_each("kiosk_ui_overlays", ctl=ctl)
    return _checked(found, PluginOverlay, "kiosk_ui_overlays")


def load_kv_files(screens: Sequence[PluginScreen]) -> None:
    """Load each plugin screen's rules once per process (Kivy's Builder is global)."""
    from kivy.lang import Builder

    for screen in screens:
        for kv in screen.kv_files:
            path = str(kv)
            if path not in Builder.files:
                Builder.load_file(path)
