"""The built-in QR method passes the payment conformance kit against its HTTP provider."""

from __future__ import annotations

import pytest

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest
from plugins.pay_qr import QrProviderSimulator
from plugins.pay_qr.controller import QrController, method_for


class TestQrConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        provider = QrProviderSimulator().start()
        method = method_for(provider)
        controller = QrController(provider, method)
        yield PluginUnderTest(method, controller, 1500)
        controller.close()
        provider.stop()
