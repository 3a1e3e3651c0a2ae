"""What plugins add to the touch UI: screens (``kiosk_ui_screens``) and overlays
(``kiosk_ui_overlays``).

The hooks run on the plugin host's worker threads, so they return descriptions only; the
root builds the widgets on the UI thread (:func:`plugin_screens`, :func:`plugin_overlays`).
A description of the wrong type is left out and logged, naming the plugin's hook: the
kiosk keeps its own screens. Each plugin's hooks, screens, ``attach`` and overlays get
that plugin's own view of the controller (:mod:`kiosk.ui.plugin_controller`), whose
``runtime`` is the plugin's scoped runtime.
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
    :class:`kiosk.ui.widgets.KioskScreen` subclass fits), ``ctl`` being the plugin's
    :class:`~kiosk.ui.plugin_controller.PluginController`; ``kv_files`` are loaded before it
    is made; ``shopper`` screens time out to the attract screen like the shopping screen;
    ``attach(root)`` runs once every screen exists, with a
    :class:`~kiosk.ui.plugin_controller.PluginRoot` (``root.screen(name)``: its own screens,
    the core's ``ids``): it is how the plugin opens its screen (a button it adds to the
    shopping screen, ``ctl.scan_interceptors``, ``ctl.go(name)``).
    """

    name: str
    screen: Callable[..., Any]
    kv_files: Sequence[Path] = ()
    shopper: bool = True
    attach: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class PluginOverlay:
    """A widget shown above the screens while ``shown(ctl)`` is true (``make`` and ``shown``
    get the plugin's own view of the controller).

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


@dataclass(frozen=True)
class Contributed:
    """One screen or overlay and the plugin's own view of the controller
    (:class:`kiosk.ui.plugin_controller.PluginController`): the root makes and attaches it
    with that view, never with the UI's controller."""

    spec: Any
    ctl: Any


def _checked(found: list[tuple[str, Any]], kind: type, hook: str, ctl: Any) -> list[Contributed]:
    good = []
    for plugin, item in found:
        if isinstance(item, kind):
            good.append(Contributed(item, ctl.plugin_view(plugin)))
        else:
            log.error("%s of %s returned %r, not a %s: left out", hook, plugin, item, kind.__name__)
    return good


def plugin_screens(ctl: Any) -> list[Contributed]:
    """Each plugin's screens, with that plugin's view of ``ctl``."""
    host = _host(ctl)
    if host is None:
        return []
    found = host.call_by_plugin("kiosk_ui_screens", ctl=ctl)
    return _checked(found, PluginScreen, "kiosk_ui_screens", ctl)


def plugin_overlays(ctl: Any) -> list[Contributed]:
    """Each plugin's overlays, with that plugin's view of ``ctl``."""
    host = _host(ctl)
    if host is None:
        return []
    found = host.call_by_plugin("kiosk_ui_overlays", ctl=ctl)
    return _checked(found, PluginOverlay, "kiosk_ui_overlays", ctl)


def load_kv_files(screens: Sequence[PluginScreen]) -> None:
    """Load each plugin screen's rules once per process (Kivy's Builder is global)."""
    from kivy.lang import Builder

    for screen in screens:
        for kv in screen.kv_files:
            path = str(kv)
            if path not in Builder.files:
                Builder.load_file(path)
