"""GIVEN a paid sale WHEN the shopper opens the e-receipt QR and then asks for paper too
THEN the paper receipt carries the same e-receipt link as a QR code, and the sale reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import DEFAULT_CONFIG
from kiosk.ui.settings import UiSettings
from tests.ui.test_payment_screens import ONIGIRI, shop

pytestmark = pytest.mark.ui


def pay_cash(kiosk) -> None:
    shop(kiosk, ONIGIRI)
    kiosk.runtime.method("cash").drawer.insert(1000)
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, "現金")
    kiosk.wait_screen("receipt")


def test_paper_too_prints_the_e_receipt_code(kiosk) -> None:
    pay_cash(kiosk)
    kiosk.tap(kiosk.widget("ereceipt", "receipt"))
    kiosk.wait_screen("ereceipt")
    url = kiosk.ctl.ereceipt_url
    assert url
    kiosk.tap(kiosk.widget("print_too", "ereceipt"))
    kiosk.wait_screen("thanks")
    paper = (kiosk.runtime.config.data_dir / "last-receipt.txt").read_text(encoding="utf-8")
    assert f"[QR] {url}" in paper
    assert "[QR] SR1:" in paper


def store_config(tmp_path, backoffice: str = "") -> Path:
    """The demo store, with or without a back office; with :data:`STORE_UI` the kiosk has
    the ``[ui]`` of a store's file that does not set ``ereceipt_url`` (``kiosk run`` does
    not layer the demo's receipts.example.jp address)."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    if backoffice:
        token = 'token = "K01.a-token-from-enrol-kiosk"'
        text = text.replace("[backoffice]\n", f'[backoffice]\nurl = "{backoffice}"\n{token}\n')
    config = tmp_path / "kiosk.toml"
    config.write_text(text, encoding="utf-8")
    return config


#: a store's kiosk.toml without a ``[ui]`` table: the settings' defaults
STORE_UI = UiSettings()


def test_a_stores_e_receipt_link_is_its_back_office_not_an_example_address(
    kiosk_factory, tmp_path
) -> None:
    """GIVEN a store's kiosk.toml with a back office and no ``[ui] ereceipt_url`` WHEN a
    shopper pays and asks for the e-receipt THEN its code is a signed link to the back
    office (the QR pointed at https://receipts.example.jp before)."""
    kiosk = kiosk_factory(
        config_file=store_config(tmp_path, "http://192.0.2.10:8700"), settings=STORE_UI
    )
    pay_cash(kiosk)
    button = kiosk.widget("ereceipt", "receipt")
    assert button.opacity == 1 and not button.disabled
    kiosk.tap(button)
    kiosk.wait_screen("ereceipt")
    url = kiosk.ctl.ereceipt_url
    assert url.startswith("http://192.0.2.10:8700/r/") and "&s=" in url
    assert "example" not in url


def test_without_a_back_office_or_an_address_no_e_receipt_is_offered(
    kiosk_factory, tmp_path
) -> None:
    """GIVEN a store's kiosk.toml with neither a back office nor ``[ui] ereceipt_url`` WHEN
    a shopper has paid THEN the receipt choice has no e-receipt button (a code would lead
    nowhere), and printing still works."""
    kiosk = kiosk_factory(config_file=store_config(tmp_path), settings=STORE_UI)
    pay_cash(kiosk)
    button = kiosk.widget("ereceipt", "receipt")
    assert kiosk.ctl.ereceipt_url == ""
    assert button.opacity == 0 and button.disabled and button.width == 0
    kiosk.tap(kiosk.widget("print", "receipt"))
    kiosk.wait_screen("thanks")
