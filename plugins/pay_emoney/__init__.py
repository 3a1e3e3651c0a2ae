"""E-money (交通系IC, iD, QUICPay style) through a reader/writer; a simulator by default."""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from plugins.pay_emoney.method import EMoneyMethod
from plugins.pay_emoney.simulator import EMoneyReaderSimulator

__all__ = ["EMoneyMethod", "EMoneyReaderSimulator", "Plugin"]


class Plugin:
    def __init__(self) -> None:
        self.method: EMoneyMethod | None = None

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[EMoneyMethod]:
        if self.method is None:
            reader = getattr(runtime.devices, "emoney_reader", None) or EMoneyReaderSimulator()
            self.method = EMoneyMethod(reader)
        return [self.method]
