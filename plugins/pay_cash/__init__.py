"""Cash: the shopper inserts notes and coins, the changer pays out the change.

This built-in registers through ``kiosk_payment_methods`` like any vendor plugin.
"""

from __future__ import annotations

from kiosk.hookspecs import hookimpl
from plugins.pay_cash.method import CashMethod, ScriptedCashDrawer

__all__ = ["CashMethod", "Plugin", "ScriptedCashDrawer"]


class Plugin:
    def __init__(self) -> None:
        self.method: CashMethod | None = None

    @hookimpl(trylast=True)
    def kiosk_payment_methods(self, runtime) -> list[CashMethod]:
        if self.method is None:
            drawer = getattr(runtime.devices, "changer", None) or ScriptedCashDrawer()
            self.method = CashMethod(drawer)
        return [self.method]
