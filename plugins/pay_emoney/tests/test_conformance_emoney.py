"""The built-in e-money method passes the payment conformance kit against its reader."""

from __future__ import annotations

import pytest

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest
from plugins.pay_emoney import EMoneyMethod, EMoneyReaderSimulator
from plugins.pay_emoney.controller import EMoneyController


class TestEMoneyConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        reader = EMoneyReaderSimulator()
        return PluginUnderTest(EMoneyMethod(reader), EMoneyController(reader), 980)
