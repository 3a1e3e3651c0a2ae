"""The built-in card method passes the payment conformance kit against its TCP terminal."""

from __future__ import annotations

import pytest

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest
from plugins.pay_card import CardMethod, CardTerminalSimulator
from plugins.pay_card.controller import CardController, client_for


class TestCardConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        terminal = CardTerminalSimulator().start()
        yield PluginUnderTest(CardMethod(client_for(terminal)), CardController(terminal), 1280)
        terminal.stop()
