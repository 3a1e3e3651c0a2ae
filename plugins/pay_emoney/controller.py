"""The conformance-kit controller for the e-money method and its reader simulator."""

from __future__ import annotations

from kiosk.testing.payment_conformance import SimulatorController
from plugins.pay_emoney.method import EMoneyMethod
from plugins.pay_emoney.simulator import EMoneyReaderSimulator


class EMoneyController(SimulatorController):
    def __init__(self, reader: EMoneyReaderSimulator) -> None:
        self.reader = reader

    def prepare(self, amount: int) -> None:
        self.reader.present(balance=amount + 500)

    def decline_next(self) -> None:
        self.reader.decline_next()

    def lose_reply_next(self, charged: bool) -> None:
        self.reader.lose_touch_next(charged)

    def charged(self, idempotency_key: str) -> int:
        return self.reader.net(idempotency_key)

    def charge_count(self, idempotency_key: str) -> int:
        txn = self.reader.status(idempotency_key)
        return txn.charges if txn and txn.amount else 0

    def fresh_method(self) -> EMoneyMethod:
        return EMoneyMethod(self.reader)
