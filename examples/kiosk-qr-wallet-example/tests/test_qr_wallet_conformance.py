"""The example wallet passes the kiosk's payment conformance kit."""

from __future__ import annotations

import pytest
from qr_wallet_install import installed

from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest


@pytest.fixture(scope="module", autouse=True)
def example_installed():
    with installed() as dist:
        yield dist


class TestWalletConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        from kiosk_qr_wallet_example import WalletMethod, WalletProvider
        from kiosk_qr_wallet_example.testing import WalletController

        provider = WalletProvider()
        method = WalletMethod(provider, wait_s=1.0, poll_s=0.01)
        return PluginUnderTest(method, WalletController(provider), 700)
