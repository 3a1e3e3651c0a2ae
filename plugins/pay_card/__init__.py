"""Card (クレジット・デビット) through a networked terminal speaking KTP/1.

Settings (``[plugins.pay_card]`` in kiosk.toml): ``host``/``port`` of the terminal (without
them a :class:`CardTerminalSimulator` is started on 127.0.0.1), ``offline_per_payment_cap``
and ``offline_total_cap`` (yen) to allow store-and-forward payments while offline.
"""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from plugins.pay_card.client import TerminalClient
from plugins.pay_card.method import CardMethod, StoreAndForward
from plugins.pay_card.simulator import CardTerminalSimulator

OFFLINE_USED_KEY = "pay_card.offline_used"  # yen approved offline, not yet forwarded

__all__ = ["CardMethod", "CardTerminalSimulator", "Plugin", "StoreAndForward", "TerminalClient"]


class Plugin:
    def __init__(self) -> None:
        self.method: CardMethod | None = None
        self.simulator: CardTerminalSimulator | None = None

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[CardMethod]:
        if self.method is None:
            settings = runtime.config.plugin_settings("pay_card")
            host, port = settings.get("host"), settings.get("port")
            if not host or not port:
                self.simulator = CardTerminalSimulator().start()
                host, port = "127.0.0.1", self.simulator.port
            saf = None
            if settings.get("offline_per_payment_cap") and settings.get("offline_total_cap"):
                saf = StoreAndForward(
                    int(settings["offline_per_payment_cap"]),
                    int(settings["offline_total_cap"]),
                    used=int(runtime.store.get_config(OFFLINE_USED_KEY, 0)),
                    persist=lambda used: runtime.store.set_config(OFFLINE_USED_KEY, used),
                )
            self.method = CardMethod(
                TerminalClient(str(host), int(port)),
                store_and_forward=saf,
                online=lambda: bool(runtime.online),
            )
        return [self.method]

    @hookimpl
    def kiosk_shutdown(self, runtime: Any) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
