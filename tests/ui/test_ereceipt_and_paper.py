"""GIVEN a paid sale WHEN the shopper opens the e-receipt QR and then asks for paper too
THEN the paper receipt carries the same e-receipt link as a QR code, and the sale reference."""

from __future__ import annotations

import pytest

from tests.ui.test_payment_screens import ONIGIRI, shop

pytestmark = pytest.mark.ui


def test_paper_too_prints_the_e_receipt_code(kiosk) -> None:
    shop(kiosk, ONIGIRI)
    kiosk.runtime.method("cash").drawer.insert(1000)
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, "現金")
    kiosk.wait_screen("receipt")
    kiosk.tap(kiosk.widget("ereceipt", "receipt"))
    kiosk.wait_screen("ereceipt")
    url = kiosk.ctl.ereceipt_url
    assert url
    kiosk.tap(kiosk.widget("print_too", "ereceipt"))
    kiosk.wait_screen("thanks")
    paper = (kiosk.runtime.config.data_dir / "last-receipt.txt").read_text(encoding="utf-8")
    assert f"[QR] {url}" in paper
    assert "[QR] SR1:" in paper
