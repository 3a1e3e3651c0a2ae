"""deliver_receipt / deliver_formal_receipt: the printer's columns, QR codes on paper, the
e-receipt link only when the shopper chose both, the file when there is no printer."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from types import SimpleNamespace

import pytest

from kiosk.devices.drivers.escpos_receipt import ReceiptStyle
from kiosk.devices.printer import POSPrinter
from kiosk.devices.sim.printer import SimulatedPrinter
from kiosk.domain.basket import Basket
from kiosk.domain.formal_receipt import FormalReceiptRequest
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.receipt import Receipt
from kiosk.domain.sale import Tender
from kiosk.domain.tax import compute_totals
from kiosk.ereceipt_link import check_link, key_from_token, read_link
from kiosk.ui.receipt_output import (
    deliver_formal_receipt,
    deliver_receipt,
    ereceipt_link,
    public_base,
)
from tests.domain.test_receipt import ISSUER, _sale

from .escpos_tokens import texts, tokenize

TOKEN = "K01.secret-part-of-the-token"


def _runtime(tmp_path, printer=None, **config):
    values = dict(
        receipt_width=42,
        data_dir=tmp_path,
        backoffice_url="https://bo.example.jp",
        backoffice_token=TOKEN,
        revenue_stamp_note="収入印紙は店頭で貼付します",
    )
    values.update(config)
    return SimpleNamespace(
        config=SimpleNamespace(**values),
        devices=SimpleNamespace(printer=printer),
        receipt=lambda sale: Receipt.from_sale(sale, ISSUER),
    )


@pytest.fixture
def t20():
    driver = SimulatedPrinter(
        ReceiptStyle(escpos_profile="TM-T20II", columns=48, paper_width_px=576)
    )
    device = POSPrinter(driver, name="printer")
    device.open_claim_enable()
    yield device, driver
    device.close()


def _sale_now():
    return dataclasses.replace(
        _sale(), completed_at=datetime(2026, 12, 6, 14, 5), sale_id="1a2b3c4d-0000"
    )


def test_tm_t20ii_receipt_is_laid_out_at_48_columns_with_its_reference_code(tmp_path, t20):
    """GIVEN a TM-T20II profile (48 columns) WHEN a receipt prints THEN its lines are 48
    columns wide and the sale reference is a GS ( k QR code; no e-receipt link."""
    printer, driver = t20
    assert deliver_receipt(_runtime(tmp_path, printer), _sale_now()) == "printed"
    job = driver.jobs[0]
    assert "-" * 48 in texts(job)
    codes = [
        t.data[1:].decode() for t in tokenize(job) if t.name == "GS ( k" and t.args == (49, 80)
    ]
    assert len(codes) == 1 and codes[0].startswith("SR1:K01:20261206:42:")


def test_paper_and_e_receipt_prints_the_signed_link_too(tmp_path, t20):
    printer, driver = t20
    runtime, sale = _runtime(tmp_path, printer), _sale_now()
    link = ereceipt_link(runtime, sale, public_base("https://r.example.jp/r/{sale_id}"))
    deliver_receipt(runtime, sale, e_receipt_url=link)
    codes = [
        t.data[1:].decode()
        for t in tokenize(driver.jobs[0])
        if t.name == "GS ( k" and t.args == (49, 80)
    ]
    assert codes[0] == link
    assert link.startswith("https://r.example.jp/r/1a2b3c4d-0000?")
    kiosk_id, sale_id, expires, signature = read_link(link)
    claim = check_link(key_from_token(TOKEN), kiosk_id, sale_id, expires, signature, datetime.now())
    assert claim.sale_id == "1a2b3c4d-0000"


def test_without_a_printer_the_file_names_the_codes(tmp_path):
    runtime = _runtime(tmp_path, backoffice_token="")  # standalone: no link to print
    link = ereceipt_link(runtime, _sale_now())
    assert link is None
    assert deliver_receipt(runtime, _sale_now(), e_receipt_url=link) == "saved"
    text = (tmp_path / "last-receipt.txt").read_text(encoding="utf-8")
    assert "[QR] SR1:K01:20261206:42:" in text
    assert "https://" not in text
    assert "\x1f" not in text


def test_formal_receipt_prints_with_stamp_note_for_large_cash_sales(tmp_path, t20):
    printer, driver = t20
    basket = Basket()
    basket.add(
        Product("E1", "電動アシスト自転車", "E-bike", 60_000, TaxCategory.STANDARD, plu="9001")
    )
    totals = compute_totals(basket.lines)
    big = dataclasses.replace(
        _sale_now(),
        lines=tuple(basket.lines),
        adjustments=(),
        totals=totals,
        tenders=(Tender("p1", "cash", "現金", "Cash", 60_000),),
        change=0,
    )
    request = FormalReceiptRequest("山田太郎", "お品代として", reprint=True)
    deliver_formal_receipt(_runtime(tmp_path, printer), big, request)
    lines = texts(driver.jobs[0])
    assert lines[0].strip() == "＊＊ 再発行 ＊＊"
    assert any("収入印紙は店頭で貼付します" in line for line in lines)
    assert any("山田太郎 様" in line for line in lines)
