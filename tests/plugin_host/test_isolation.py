"""A plugin that raises or hangs is disabled and named; the sale goes on."""

import threading

import pytest
from pluggy import PluginValidationError

from kiosk.domain.events import ScanClaim
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.plugin_trust import AllowedPlugin
from kiosk.plugins import PluginHost
from tests.plugin_host import example_plugin

ONIGIRI = "4901234000018"  # from the demo catalogue
RICE = "4901234000193"


class Exploding:
    @hookimpl
    def kiosk_adjust_basket(self, basket):
        raise ZeroDivisionError("promotion table is corrupt")


class Hanging:
    def __init__(self):
        self.release = threading.Event()

    @hookimpl
    def kiosk_claim_scan(self, scan):
        self.release.wait(10)


def test_documented_example_plugin_changes_the_totals(runtime):
    runtime.host.register(example_plugin, "big_basket_coupon")
    runtime.handle_scan(Scan(RICE))  # ¥2,480
    assert runtime.checkout.totals.total == 2380
    assert runtime.checkout.totals.discount_total == -100


def test_raising_plugin_is_disabled_and_the_sale_continues(runtime):
    runtime.host.register(Exploding(), "exploding")
    outcome = runtime.handle_scan(Scan(ONIGIRI))
    assert outcome.accepted
    assert runtime.checkout.totals.total == 150
    assert "exploding" not in runtime.host.names
    [problem] = [p for p in runtime.host.problems if p.plugin == "exploding"]
    assert "ZeroDivisionError: promotion table is corrupt" in problem.staff_message()
    runtime.handle_scan(Scan(ONIGIRI))  # not called again
    assert runtime.checkout.totals.total == 300


def test_hanging_plugin_is_abandoned_after_its_deadline(runtime):
    hanging = Hanging()
    runtime.host.register(hanging, "hanging")
    runtime.host.deadline_s = 0.2
    try:
        outcome = runtime.handle_scan(Scan(ONIGIRI))
    finally:
        hanging.release.set()
    assert outcome.accepted and outcome.line_id is not None
    assert "hanging" not in runtime.host.names
    assert any("did not answer within 0.2 s" in p.message for p in runtime.host.problems)


def test_a_hook_typo_is_caught_at_boot():
    class Typo:
        @hookimpl
        def kiosk_adjust_baskets(self, basket):
            return []

    host = PluginHost()
    host.register(Typo(), "typo")
    with pytest.raises(PluginValidationError):
        host.check()


def test_a_plugin_that_fails_to_import_is_reported_not_fatal():
    host = PluginHost()
    host.load_builtins(["plugins.does_not_exist"])
    assert host.problems[0].plugin == "plugins.does_not_exist"
    assert "failed to load" in host.problems[0].message


class _Dist:
    def __init__(self, name, version):
        self.metadata, self.version = {"Name": name}, version


class _EntryPoint:
    def __init__(self, name, obj, dist=("acme-coupons", "1.0")):
        self.name, self._obj, self.dist = name, obj, _Dist(*dist)

    def load(self):
        return self._obj


def test_third_party_plugins_load_only_when_allowed(monkeypatch):
    installed = [_EntryPoint("coupon_x", example_plugin), _EntryPoint("rogue", Exploding())]
    monkeypatch.setattr("kiosk.plugins.entry_points", lambda group: installed)
    host = PluginHost()
    host.load_entry_points([AllowedPlugin("coupon_x", "acme-coupons", "1.0")])
    assert host.names == ["coupon_x"]


def test_first_result_wins_and_order_is_last_registered_first():
    class Claims:
        def __init__(self, tag):
            self.tag = tag

        @hookimpl
        def kiosk_claim_scan(self, scan):
            return ScanClaim(self.tag)

    host = PluginHost()
    host.register(Claims("first-registered"), "a")
    host.register(Claims("last-registered"), "b")
    claim = host.call_first("kiosk_claim_scan", scan=None, checkout=None)
    assert claim.plugin == "last-registered"


def test_an_allowed_plugin_that_is_not_installed_is_a_named_problem(monkeypatch):
    """GIVEN an allow-list entry whose entry point no installed distribution declares (a
    typo, or the package never installed) WHEN the kiosk loads its plugins THEN staff and
    `kiosk doctor` see a problem naming it, instead of a kiosk selling without it in silence.

    Found by hand: `big_basket_coupn` in the allow-list sold with no discount, no log line
    and a clean doctor."""
    installed = [_EntryPoint("coupon_x", example_plugin)]
    monkeypatch.setattr("kiosk.plugins.entry_points", lambda group: installed)
    host = PluginHost()
    host.load_entry_points(
        [
            AllowedPlugin("coupon_x", "acme-coupons", "1.0"),
            AllowedPlugin("coupon_y", "acme-coupons-y", "2.1"),
        ]
    )
    assert host.names == ["coupon_x"]
    [problem] = host.problems
    assert problem.plugin == "coupon_y"
    assert "not installed" in problem.staff_message()
    assert "acme-coupons-y 2.1" in problem.staff_message()
