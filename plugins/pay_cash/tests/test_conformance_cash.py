"""The built-in cash method passes the payment conformance kit (in-process changer)."""

from __future__ import annotations

import pytest

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest
from plugins.pay_cash import CashMethod, CashRecords, SimulatedCashChanger
from plugins.pay_cash.controller import CashController


class TestCashConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self, tmp_path):
        changer = SimulatedCashChanger()
        path = tmp_path / "cash.json"
        method = CashMethod(changer, CashRecords(path), deposit_timeout_s=5.0)
        return PluginUnderTest(method, CashController(changer, path), amount=1280)
