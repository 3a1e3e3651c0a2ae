"""The conformance-kit controller for the card method and its TCP terminal simulator."""

from __future__ import annotations

from kiosk.testing.payment_conformance import SimulatorController
from plugins.pay_card.client import TerminalClient
from plugins.pay_card.method import CardMethod
from plugins.pay_card.simulator import CardTerminalSimulator


def client_for(terminal: CardTerminalSimulator, sale_timeout_s: float = 5.0) -> TerminalClient:
    return TerminalClient(
        "127.0.0.1", terminal.port, sale_timeout_s=sale_timeout_s, query_timeout_s=5.0
    )


class CardController(SimulatorController):
    def __init__(self, terminal: CardTerminalSimulator) -> None:
        self.terminal = terminal

    def decline_next(self) -> None:
        self.terminal.decline_next()

    def lose_reply_next(self, charged: bool) -> None:
        self.terminal.drop_next(charged)

    def charged(self, idempotency_key: str) -> int:
        return self.terminal.net(idempotency_key)

    def charge_count(self, idempotency_key: str) -> int:
        return self.terminal.charges.get(idempotency_key, 0)

    def fresh_method(self) -> CardMethod:
        return CardMethod(client_for(self.terminal))
