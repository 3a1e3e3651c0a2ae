"""E-money (交通系IC, iD, QUICPay style) through a reader/writer.

Settings (``[plugins.pay_emoney]``, :class:`PayEmoneySettings`): ``reader``, the role of the
reader in the hardware profile, and ``simulate``. Without a reader the plugin refuses to
start unless simulators were asked for (``simulate = true`` or the ``simulated`` hardware
profile); then an in-process :class:`EMoneyReaderSimulator` takes the payments (training),
and the developer device panel touches cards on it (role ``emoney``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kiosk.config import plugin_settings_model
from kiosk.hookspecs import hookimpl
from kiosk.payments.simulation import (
    SimulatorSettings,
    not_configured,
    show_on_panel,
    use_simulator,
)
from plugins.pay_emoney.method import EMoneyMethod
from plugins.pay_emoney.simulator import EMoneyReaderSimulator

NAME = "pay_emoney"

__all__ = ["EMoneyMethod", "EMoneyReaderSimulator", "PayEmoneySettings", "Plugin"]


class PayEmoneySettings(SimulatorSettings):
    reader: str | None = Field(None, min_length=1)  # hardware-profile role of the reader


class Plugin:
    def __init__(self) -> None:
        self.method: EMoneyMethod | None = None

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[PayEmoneySettings]]:
        return NAME, PayEmoneySettings

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[EMoneyMethod]:
        if self.method is None:
            self.method = self._make(runtime)
        return [self.method]

    def _make(self, runtime: Any) -> EMoneyMethod:
        config = runtime.config
        settings = plugin_settings_model(config, NAME, PayEmoneySettings)
        reader = None
        if settings.reader:
            reader = runtime.device(settings.reader)
        if use_simulator(config, settings, connected=reader is not None):
            simulator = EMoneyReaderSimulator()
            # cards are touched from the developer device panel ("emoney": Touch card)
            show_on_panel(runtime, "emoney", "EMoneyReader", simulator)
            method = EMoneyMethod(simulator)
            method.simulated = True
            return method
        if reader is None and settings.reader:
            raise not_configured(
                config,
                NAME,
                "reader",
                f"no such device: hardware profile {config.hardware_profile!r} has no open "
                f"device {settings.reader!r}",
            )
        if reader is None:
            raise not_configured(
                config, NAME, "reader", "missing: the e-money reader's device role"
            )
        return EMoneyMethod(reader)
