"""The example plugin passes the kiosk's payment conformance kit."""

from __future__ import annotations

import pytest
from kiosk_pay_example import HouseCardMethod, HouseCardProvider
from kiosk_pay_example.testing import HouseCardController

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest


class TestHouseCardConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        provider = HouseCardProvider()
        return PluginUnderTest(HouseCardMethod(provider), HouseCardController(provider), 700)
