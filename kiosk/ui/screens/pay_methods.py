"""Payment method choice (お支払い方法): one tile per method the runtime offers now."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import ListProperty, StringProperty

from kiosk.ui.i18n import list_text
from kiosk.ui.icons import attach_icon
from kiosk.ui.widgets import KioskScreen


class PayMethodsScreen(KioskScreen):
    methods = ListProperty()
    lang = StringProperty("")

    def on_methods(self, *_args: Any) -> None:
        grid = self.ids.tiles
        grid.clear_widgets()
        for method in self.methods:
            names = method["names"]
            name = names.get(self.ctl.language) or names.get("en", method["id"])
            tile = Factory.MethodTile(text=name)
            attach_icon(tile, method["icon"], method.get("icon_image", ""))
            tile.method_id = method["id"]
            tile.bind(on_release=lambda b: self.ctl.flows.pay(b.method_id))
            grid.add_widget(tile)

    def notice(self, methods: list[Any], offline: list[dict[str, str]], language: str) -> str:
        """Why methods are missing: those whose own payment service is not answering (by
        name; the back office is never the reason), or that none is available at all; ""
        when every method is offered."""
        if offline:
            names = list_text([n.get(language) or n.get("en", "") for n in offline], language)
            if methods:
                msgid = "{methods} cannot be used right now (the payment service is not answering). Please choose another way to pay or call staff."
            else:
                msgid = "{methods} cannot be used right now (the payment service is not answering). Please call staff."
            return self.ctl.t(msgid).format(methods=names)
        return "" if methods else self.ctl.t("No payment method is available. Please call staff.")
