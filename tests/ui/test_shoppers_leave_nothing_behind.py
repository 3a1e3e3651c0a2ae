"""GIVEN one kiosk app WHEN shopper after shopper scans, pays cash and goes back to attract
THEN the lists (basket, look-up) carry no more bindings than after the first shoppers.

Kivy's ScrollView binds ``bar_color`` on every scroll update and unbinds it only in the
bar's fade-out, which our lists leave out: a kiosk running for days grew one binding per
update (three per sale), each keeping a bound method alive and slowing every dispatch."""

from __future__ import annotations

import pytest

from kiosk.ui.list_view import KioskRecycleView

pytestmark = pytest.mark.ui

RICE = "4901234000193"  # 米 5kg ¥2,480
ONIGIRI = "4901234000018"  # おにぎり 鮭 ¥150


def one_cash_sale(kiosk) -> None:
    cash = kiosk.runtime.method("cash")
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    for n, code in enumerate((RICE, ONIGIRI), 1):
        kiosk.type_burst(code)
        kiosk.wait(lambda n=n: len(kiosk.ctl.rows) == n, what=f"line {n}")
    kiosk.settle()
    cash.drawer.insert(3000)
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, "現金")
    assert kiosk.wait_screen("receipt").ids.change.text == "￥370"
    kiosk.tap(kiosk.widget("none", "receipt"))
    kiosk.wait_screen("thanks")
    kiosk.tap(kiosk.widget("next", "thanks"))
    kiosk.wait_screen("attract")


def list_bindings(kiosk) -> int:
    screens = kiosk.root.manager.screens  # all of them, not only the one shown
    lists = [w for s in screens for w in s.walk() if isinstance(w, KioskRecycleView)]
    assert lists  # the basket at least
    return sum(len(w.get_property_observers("bar_color")) for w in lists)


def test_shoppers_in_a_row_add_no_bindings_to_the_lists(kiosk) -> None:
    for _ in range(2):
        one_cash_sale(kiosk)
    after_two = list_bindings(kiosk)
    for _ in range(4):
        one_cash_sale(kiosk)
    assert kiosk.runtime.store.sale_count() == 6
    assert list_bindings(kiosk) == after_two
