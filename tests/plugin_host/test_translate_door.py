"""GIVEN a plugin WHEN its hook asks ``runtime.translate(key)`` THEN the key comes from the
plugin's own catalogue (the package that holds its code and ``locale/``), in the shopper's
language or the one it names; ``domain="kiosk"`` reaches the core's; a third party's scoped
runtime gets the same door."""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk.messages import package_domain

RUN_OUT = "This coupon has run out."  # a key of plugins/coupons/locale only


class Asker:
    def __init__(self) -> None:
        self.said: dict[str, str] = {}

    @hookimpl
    def kiosk_masterdata_applied(self, runtime: Any, version: int) -> None:
        self.said["own"] = runtime.translate(RUN_OUT)
        self.said["ja"] = runtime.translate(RUN_OUT, "ja")
        self.said["core"] = runtime.translate("Pay", "ko", domain="kiosk")
        self.said["fields"] = runtime.translate("Items: {n}", "en", domain="kiosk", n=3)


Asker.__module__ = "plugins.coupons.fake"  # as if it were the coupons plugin's code


def test_a_plugin_translates_from_its_own_catalogue(runtime):
    runtime.language = "ko"
    asker = Asker()
    runtime.host.register(asker, "asker")
    runtime.host.call("kiosk_masterdata_applied", runtime=runtime, version=1)
    assert asker.said["own"] != RUN_OUT and asker.said["own"] == runtime.translate(
        RUN_OUT, domain="plugins.coupons"
    )
    assert asker.said["ja"] != RUN_OUT and asker.said["ja"] != asker.said["own"]
    assert asker.said["core"] == runtime.translate("Pay", "ko") != "Pay"
    assert asker.said["fields"] == "Items: 3"
    assert runtime.translate(RUN_OUT, "ko") == RUN_OUT  # not a core key


def test_a_plugins_domain_is_the_package_that_ships_its_catalogue():
    assert package_domain("plugins.handoff.plugin") == "plugins.handoff"
    assert package_domain("plugins.tax_free") == "plugins.tax_free"
    assert package_domain("kiosk_feedback_example.plugin") == "kiosk_feedback_example"
