"""GIVEN the kiosk app in a real window WHEN a shopper does a whole sale with touches, a
wedge scanner, a plugin scan source, look-up, an age check and cash THEN exactly that sale
is in the store and the kiosk is back on the attract screen."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kiosk.domain.scan import Scan, Symbology
from kiosk.store.models import SaleLineRow

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"  # おにぎり 鮭 ¥150, keyboard wedge
TEA = "4901234000148"  # 緑茶 500ml ¥138, camera/plugin scan source
BEER = "4901234000292"  # ビール 350ml ¥228, age restricted


class ThreadedSource:
    """A plugin scan source whose emit is called from its own thread, like a camera."""

    name = "test-camera"

    def __init__(self) -> None:
        self.emit = None
        self.stopped = False

    def start(self, emit) -> None:
        self.emit = emit

    def stop(self) -> None:
        self.stopped = True

    def fire(self, code: str) -> None:
        worker = threading.Thread(target=self.emit, args=(Scan(code, Symbology.EAN13, self.name),))
        worker.start()
        worker.join()


def test_whole_sale_by_touch(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    source = ThreadedSource()
    kiosk.app.sources.add(source)

    # attract → start
    kiosk.wait_screen("attract")
    kiosk.tap(kiosk.widget("start"))
    kiosk.wait_screen("shopping")

    # 1. a keyboard-wedge burst
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="wedge scan line")
    # 2. a plugin scan source, from another thread
    source.fire(TEA)
    kiosk.wait(lambda: len(ctl.rows) == 2, what="source scan line")
    kiosk.settle()
    assert ctl.last_name == "緑茶 500ml"

    # 3. look-up: kana keypad search for キャベツ (no barcode, PLU 107)
    kiosk.tap(kiosk.widget("lookup", "shopping"))
    lookup = kiosk.wait_screen("lookup")
    kiosk.tap_text(lookup.ids.departments, ctl.t("Search by name"))
    kiosk.settle()
    kiosk.tap_keys(lookup.ids.pad, "きや")
    kiosk.tap_text(lookup.ids.pad, "小")
    kiosk.tap_text(lookup.ids.pad, "へ")
    kiosk.tap_text(lookup.ids.pad, "゛")
    kiosk.tap_text(lookup.ids.pad, "つ")
    assert lookup.query == "きゃべつ"
    assert [p.sku for p in lookup.results] == ["SKU0062"]
    kiosk.tap(lookup.ids.results.children[-1])
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: len(ctl.rows) == 3, what="look-up line")

    # 4. age-restricted: locked until a staff PIN typed on the PIN pad
    kiosk.type_burst(BEER)
    kiosk.wait(lambda: ctl.state == "needs_attendant", what="attendant lock")
    kiosk.settle()
    overlay = kiosk.root.staff
    assert overlay.parent is not None
    assert ctl.t("Age check needed for this item") in overlay.ids.reasons.text
    kiosk.tap(kiosk.widget("pay", "shopping"))  # covered by the overlay: nothing happens
    assert ctl.screen == "shopping"
    kiosk.tap_keys(overlay.ids.pad, "S001")
    kiosk.tap(overlay.ids.ok)
    assert overlay.field == "pin"
    kiosk.tap_keys(overlay.ids.pad, "1234")
    kiosk.tap(overlay.ids.ok)
    kiosk.wait(lambda: ctl.state == "shopping", what="unlock")
    kiosk.settle()
    assert overlay.parent is None
    assert len(ctl.rows) == 4
    assert ctl.total_text == "￥714"  # 150 + 138 + 198 + 228

    # 5. pay by cash: the shopper puts in ¥1,000
    runtime.method("cash").drawer.insert(1000)
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, "現金")
    kiosk.wait_screen("receipt")
    assert ctl.sale["change"] == 286
    assert kiosk.widget("change", "receipt").text == "￥286"

    # 6. print the receipt (no printer in this kiosk: it goes to the data dir), then attract
    kiosk.tap(kiosk.widget("print", "receipt"))
    kiosk.wait_screen("thanks")
    receipt = (runtime.config.data_dir / "last-receipt.txt").read_text(encoding="utf-8")
    assert "ビール" in receipt
    kiosk.tap(kiosk.widget("next", "thanks"))
    kiosk.wait_screen("attract")

    # the store holds exactly that sale
    assert runtime.store.sale_count() == 1
    sale = runtime.store.list_sales()[0]
    assert sale.total == 714
    assert sale.change == 286
    with runtime.store.transaction() as session:
        skus = sorted(session.scalars(select(SaleLineRow.sku)))
    assert skus == ["SKU0001", "SKU0014", "SKU0029", "SKU0062"]
    assert runtime.store.verify_journal().ok
