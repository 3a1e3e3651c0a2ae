"""Cash (現金): the shopper inserts notes and coins, the changer pays out the change.

Uses the kiosk's changer device (``runtime.devices.changer``) when there is one, else the
in-process :class:`SimulatedCashChanger`. Registers through ``kiosk_payment_methods`` like
any vendor plugin.
"""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from plugins.pay_cash.method import CashMethod
from plugins.pay_cash.records import CashRecords
from plugins.pay_cash.simulator import SimulatedCashChanger

__all__ = ["CashMethod", "CashRecords", "Plugin", "SimulatedCashChanger"]

RECORDS_FILE = "pay_cash_records.json"


class Plugin:
    def __init__(self) -> None:
        self.method: CashMethod | None = None

    @hookimpl(trylast=True)
    def kiosk_payment_methods(self, runtime: Any) -> list[CashMethod]:
        if self.method is None:
            changer = getattr(runtime.devices, "changer", None) or SimulatedCashChanger()
            data_dir = getattr(runtime.config, "data_dir", None)
            records = CashRecords(data_dir / RECORDS_FILE if data_dir else None)
            self.method = CashMethod(changer, records)
        return [self.method]
