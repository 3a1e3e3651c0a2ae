"""An example third-party payment plugin (entry point ``example_pay`` in ``kiosk.plugins``)."""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk_pay_example.method import HouseCardMethod
from kiosk_pay_example.provider import HouseCardProvider

__all__ = ["HouseCardMethod", "HouseCardProvider", "Plugin"]


class Plugin:
    """One instance per kiosk (the plugin host makes it)."""

    def __init__(self) -> None:
        self.method = HouseCardMethod(HouseCardProvider())

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[HouseCardMethod]:
        return [self.method]
