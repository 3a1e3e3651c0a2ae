"""The hand-off plugin's kiosk UI, through ``kiosk_ui_screens`` and ``kiosk_ui_overlays``.

One :class:`~plugins.handoff.ui.model.SemiSelfModel` per kiosk UI, made on the UI thread the
first time the root builds something of ours (the hooks run on the plugin host's workers and
return descriptions only): the staff station's screen (``role = "station"``), the console
message bar over every screen, and the controller's scan, claim and start hooks. Nothing is
added when the plugin has no console actions (it is not configured on this kiosk).
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.plugin_ui import PluginOverlay, PluginScreen, load_kv_files


class UiParts:
    """What one kiosk UI gets from the plugin; ``model`` is made on first use (UI thread)."""

    def __init__(self, ctl: Any, plugin: Any) -> None:
        self.ctl, self.plugin = ctl, plugin
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            from plugins.handoff.ui.model import SemiSelfModel

            model = self._model = SemiSelfModel(self.ctl, self.plugin)
            self.ctl.scan_interceptors.append(model.intercept)
            self.ctl.claim_handlers.append(model.claimed)
            self.ctl.start_handlers.append(model.start)
        return self._model

    def screens(self) -> list[PluginScreen]:
        """The station's screen (``role = "station"``); other roles add no screen."""
        from plugins.handoff.ui.screens import KV, StationScreen

        if self.plugin.role.value != "station":
            return []

        def make(**kwargs: Any) -> Any:
            return StationScreen(model=self.model, **kwargs)

        def attach(_root: Any) -> None:  # the staff profile opens on its own screen
            self.ctl.screen = "station"

        return [PluginScreen("station", make, kv_files=(KV,), shopper=False, attach=attach)]

    def overlays(self) -> list[PluginOverlay]:
        """The console's message bar, over every screen while there is a message; making it
        makes the model, so every role gets the console's notices and the hooks."""
        from plugins.handoff.ui.screens import KV, ConsoleMessageBar

        def make(ctl: Any) -> Any:
            load_kv_files([PluginScreen("console_message", ConsoleMessageBar, kv_files=(KV,))])
            return ConsoleMessageBar(ctl=ctl, model=self.model)

        def watch(widget: Any, update: Any) -> None:
            widget.model.bind(console_message=update)

        def shown(_ctl: Any) -> bool:
            return bool(self.model.console_message)

        return [PluginOverlay("console_message", make, shown, watch=watch)]


def parts_for(plugin: Any, ctl: Any) -> UiParts | None:
    """The plugin's UI parts for ``ctl`` (one set per UI), or None when not configured."""
    if plugin.actions is None:
        return None
    parts = plugin.ui_parts
    if parts is None or parts.ctl is not ctl:
        parts = plugin.ui_parts = UiParts(ctl, plugin)
    return parts
