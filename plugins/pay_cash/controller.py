"""The conformance-kit controller for the cash method and its in-process changer."""

from __future__ import annotations

from pathlib import Path

from kiosk.testing.payment_conformance import SimulatorController
from plugins.pay_cash.method import CashMethod
from plugins.pay_cash.records import CashRecords
from plugins.pay_cash.simulator import SimulatedCashChanger, pieces_for


class CashController(SimulatorController):
    """``charged`` is the machine's net take (one shopper per test, so per key)."""

    def __init__(self, changer: SimulatedCashChanger, records_path: Path) -> None:
        self.changer = changer
        self.records_path = records_path

    def prepare(self, amount: int) -> None:
        self.changer.insert(-(-amount // 1000) * 1000)  # round up to notes: change is paid

    def decline_next(self) -> None:
        self.changer._plans.clear()
        self.changer.queue(pieces_for(100), press_return=True)  # inserts a coin, then gives up

    def lose_reply_next(self, charged: bool) -> None:
        if charged:
            self.changer.lose_next_end_deposit()
        else:
            self.changer.unplug_next()

    def charged(self, idempotency_key: str) -> int:
        return self.changer.net

    def charge_count(self, idempotency_key: str) -> int:
        return self.changer.deposits

    def fresh_method(self) -> CashMethod:
        return CashMethod(self.changer, CashRecords(self.records_path))
