"""Card (クレジット・デビット) through a networked terminal speaking KTP/1.

Settings (``[plugins.pay_card]``, :class:`PayCardSettings`): ``host``/``port`` of the
terminal, ``offline_per_payment_cap`` and ``offline_total_cap`` (yen) to allow
store-and-forward payments while the terminal's card network is down, ``simulate``. Without ``host``/``port`` the plugin
refuses to start unless simulators were asked for (``simulate = true`` or the ``simulated``
hardware profile); then a :class:`CardTerminalSimulator` runs on 127.0.0.1, following the
script of the hardware profile's simulated payment terminal when one is open, so the
developer device panel's terminal controls (decline next, drop…) apply to card payments.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kiosk.config import plugin_settings_model
from kiosk.hookspecs import hookimpl
from kiosk.payments.probe import CachedProbe
from kiosk.payments.simulation import SimulatorSettings, not_configured, use_simulator
from plugins.pay_card.client import TerminalClient
from plugins.pay_card.method import CardMethod, StoreAndForward
from plugins.pay_card.simulator import CardTerminalSimulator, profile_terminal

NAME = "pay_card"
OFFLINE_USED_KEY = "pay_card.offline_used"  # yen approved offline, not yet forwarded
LINK_TTL_S = 3.0  # how long the terminal's answer to "link" stands


def card_method(
    client: TerminalClient, saf: StoreAndForward | None = None, link_ttl_s: float = LINK_TTL_S
) -> CardMethod:
    """The card method on ``client``, asking the terminal's own word on its card network
    (KTP/1 "link") at most every ``link_ttl_s`` for both of its questions — never the back
    office, which is not in the payment path."""
    link = CachedProbe(client.link, ttl_s=link_ttl_s)
    method = CardMethod(
        client,
        store_and_forward=saf,
        online=lambda: link.get() == "up",
        reachable=lambda: link.get() in ("up", "down"),
    )
    method.link = link
    return method


__all__ = [
    "CardMethod",
    "CardTerminalSimulator",
    "PayCardSettings",
    "Plugin",
    "StoreAndForward",
    "TerminalClient",
]


class PayCardSettings(SimulatorSettings):
    host: str | None = Field(None, min_length=1)  # the terminal's address on the store LAN
    port: int | None = Field(None, ge=1, le=65535)
    offline_per_payment_cap: int | None = Field(None, ge=0)  # yen, store-and-forward
    offline_total_cap: int | None = Field(None, ge=0)


class Plugin:
    def __init__(self) -> None:
        self.method: CardMethod | None = None
        self.simulator: CardTerminalSimulator | None = None

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[PayCardSettings]]:
        return NAME, PayCardSettings

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[CardMethod]:
        if self.method is None:
            self.method = self._make(runtime)
        return [self.method]

    def _make(self, runtime: Any) -> CardMethod:
        config = runtime.config
        settings = plugin_settings_model(config, NAME, PayCardSettings)
        if use_simulator(config, settings, connected=bool(settings.host and settings.port)):
            self.simulator = CardTerminalSimulator(
                follow=profile_terminal(runtime.device("terminal"))
            )
            host, port = "127.0.0.1", self.simulator.start().port
        elif not settings.host:
            raise not_configured(config, NAME, "host", "missing: the card terminal's address")
        elif not settings.port:
            raise not_configured(config, NAME, "port", "missing: the card terminal's TCP port")
        else:
            host, port = settings.host, settings.port
        saf = None
        if settings.offline_per_payment_cap and settings.offline_total_cap:
            saf = StoreAndForward(
                settings.offline_per_payment_cap,
                settings.offline_total_cap,
                used=int(runtime.stored_value(OFFLINE_USED_KEY, 0)),
                persist=lambda used: runtime.store_value(OFFLINE_USED_KEY, used),
            )
        method = card_method(TerminalClient(str(host), int(port)), saf)
        method.simulated = self.simulator is not None
        return method

    @hookimpl
    def kiosk_shutdown(self, runtime: Any) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
