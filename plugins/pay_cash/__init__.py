"""Cash (現金): the shopper inserts notes and coins, the changer pays out the change.

Uses the kiosk's changer device (``runtime.device("changer")``, from the hardware profile).
With no changer the plugin refuses to start unless simulators were asked for (``simulate =
true`` in ``[plugins.pay_cash]`` or the ``simulated`` hardware profile); then the in-process
:class:`SimulatedCashChanger` takes the money (training). A simulated changer device (the
``simulated`` profile with ``open_hardware``) is training too, driven from the device panel.
Registers through ``kiosk_payment_methods`` like any vendor plugin.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import plugin_settings_model
from kiosk.hookspecs import hookimpl
from kiosk.payments.simulation import (
    SimulatorSettings,
    is_simulated_device,
    not_configured,
    use_simulator,
)
from plugins.pay_cash.method import CashMethod
from plugins.pay_cash.records import CashRecords
from plugins.pay_cash.simulator import SimulatedCashChanger

__all__ = ["CashMethod", "CashRecords", "PayCashSettings", "Plugin", "SimulatedCashChanger"]

NAME = "pay_cash"
RECORDS_FILE = "pay_cash_records.json"


class PayCashSettings(SimulatorSettings):
    """Only ``simulate``: the changer itself comes from the hardware profile."""


class Plugin:
    def __init__(self) -> None:
        self.method: CashMethod | None = None

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[PayCashSettings]]:
        return NAME, PayCashSettings

    @hookimpl(trylast=True)
    def kiosk_payment_methods(self, runtime: Any) -> list[CashMethod]:
        if self.method is None:
            config = runtime.config
            settings = plugin_settings_model(config, NAME, PayCashSettings)
            changer = runtime.device("changer")
            simulated = changer is not None and is_simulated_device(changer)
            if changer is None or (settings.simulate and not simulated):
                if not use_simulator(config, settings, connected=changer is not None):
                    raise not_configured(
                        config,
                        NAME,
                        "",
                        f"no cash changer: hardware profile {config.hardware_profile!r} has "
                        "no [devices.changer] open (kiosk run opens the profile's devices)",
                    )
                changer, simulated = SimulatedCashChanger(), True
            data_dir = getattr(config, "data_dir", None)
            records = CashRecords(data_dir / RECORDS_FILE if data_dir else None)
            self.method = CashMethod(changer, records)
            self.method.simulated = simulated
        return [self.method]
