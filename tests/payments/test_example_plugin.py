"""The example third-party payment plugin: loaded only through the allow-list, and conformant.

Needs ``pip install -e examples/kiosk-pay-example`` (scripts/setup-venv.sh does it).
"""

from __future__ import annotations

import pytest

from kiosk.plugin_trust import AllowedPlugin
from kiosk.plugins import PluginHost
from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest

example = pytest.importorskip(
    "kiosk_pay_example", reason="examples/kiosk-pay-example not installed"
)


EXAMPLE = AllowedPlugin("example_pay", "kiosk-pay-example", "0.1.0")


def _method_ids(host: PluginHost) -> list[str]:
    return [m.id for m in host.call_each("kiosk_payment_methods", runtime=None)]


def test_example_plugin_loads_when_the_store_allows_it():
    host = PluginHost()
    host.load_entry_points([EXAMPLE])
    host.check()
    assert "example_pay" in host.names
    assert _method_ids(host) == ["example_house_card"]


def test_example_plugin_is_not_loaded_when_it_is_not_allowed():
    host = PluginHost()
    host.load_entry_points([])
    assert "example_pay" not in host.names
    assert _method_ids(host) == []


def test_each_kiosk_gets_its_own_example_plugin_instance():
    first, second = PluginHost(), PluginHost()
    first.load_entry_points([EXAMPLE])
    second.load_entry_points([EXAMPLE])
    assert first.pm.get_plugin("example_pay") is not second.pm.get_plugin("example_pay")


class TestExamplePluginConformance(PaymentMethodConformance):
    @pytest.fixture
    def payment_plugin(self):
        from kiosk_pay_example.testing import HouseCardController

        provider = example.HouseCardProvider()
        method = example.HouseCardMethod(provider)
        return PluginUnderTest(method, HouseCardController(provider), 700)
