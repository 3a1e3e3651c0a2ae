"""deliver_receipt / deliver_formal_receipt: the printer's columns, QR codes on paper, the
e-receipt link only when the shopper chose both, the file when there is no printer."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from kiosk.devices.drivers.escpos_receipt import ReceiptStyle
from kiosk.devices.errors import PrinterOutOfPaper
from kiosk.devices.printer import POSPrinter
from kiosk.devices.sim.printer import SimulatedPrinter
from kiosk.domain.basket import Basket
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.receipt import Receipt
from kiosk.domain.sale import Tender
from kiosk.domain.tax import compute_totals
from kiosk.ereceipt_link import check_link, key_from_token, read_link
from kiosk.runtime.actions import SaleActions
from kiosk.store.local import LocalStore
from kiosk.store.models import JournalRow
from kiosk.ui.receipt_output import (
    deliver_formal_receipt,
    deliver_receipt,
    ereceipt_link,
    public_base,
)
from tests.domain.test_receipt import ISSUER, _sale

from .escpos_tokens import texts, tokenize

TOKEN = "K01.secret-part-of-the-token"


def _runtime(tmp_path, printer=None, store=None, **config):
    values = dict(
        receipt_width=42,
        data_dir=tmp_path,
        backoffice_url="https://bo.example.jp",
        backoffice_token=TOKEN,
        revenue_stamp_note="収入印紙は店頭で貼付します",
    )
    values.update(config)
    return _Runtime(SimpleNamespace(**values), SimpleNamespace(printer=printer), store)


class _Runtime(SaleActions):
    """The runtime's receipt doors (printer layout, output, journal) over a fake config."""

    def __init__(self, config, devices, store) -> None:
        self.config, self.devices, self.store = config, devices, store
        self.clock = lambda: datetime(2026, 12, 6, 15, 0)

    def receipt(self, sale):
        return Receipt.from_sale(sale, ISSUER)


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


@pytest.fixture
def store(tmp_path):
    local = LocalStore(tmp_path / "kiosk.sqlite3")
    yield local
    local.close()


def _big_cash_sale():
    basket = Basket()
    product = Product(
        "E1", "電動アシスト自転車", "E-bike", 60_000, TaxCategory.STANDARD, plu="9001"
    )
    basket.add(product)
    return dataclasses.replace(
        _sale_now(),
        lines=tuple(basket.lines),
        adjustments=(),
        totals=compute_totals(basket.lines),
        tenders=(Tender("p1", "cash", "現金", "Cash", 60_000),),
        change=0,
    )


def test_formal_receipt_then_its_reprint_marked_and_journalled(tmp_path, t20, store):
    """GIVEN a ¥60,000 cash sale WHEN the shopper asks for a 領収書 twice THEN the first is
    an original with the store's stamp note and the addressee, the second says 再発行 at top
    and bottom; both are in the hash-chained journal, without the addressee."""
    printer, driver = t20
    runtime, sale = _runtime(tmp_path, printer, store), _big_cash_sale()
    deliver_formal_receipt(runtime, sale, "山田太郎", "お品代として")
    first = texts(driver.jobs[0])
    assert not any("再発行" in line for line in first)
    assert any("収入印紙は店頭で貼付します" in line for line in first)
    assert any("山田太郎 様" in line for line in first)
    deliver_formal_receipt(runtime, sale, "山田太郎")
    second = texts(driver.jobs[1])
    assert second[0].strip() == "＊＊ 再発行 ＊＊" and second[-1].strip() == "＊＊ 再発行 ＊＊"
    assert runtime.formal_receipts_issued(sale.sale_id) == 2
    assert runtime.formal_receipts_issued("another-sale") == 0
    assert store.verify_journal().ok
    with store.transaction() as session:
        kept = "".join(session.scalars(select(JournalRow.payload)))
    assert "山田" not in kept


def test_a_formal_receipt_cut_short_counts_as_issued(tmp_path, t20, store):
    printer, driver = t20
    runtime, sale = _runtime(tmp_path, printer, store), _big_cash_sale()
    driver.run_out_of_paper_during_next_receipt()
    with pytest.raises(PrinterOutOfPaper):
        deliver_formal_receipt(runtime, sale)
    driver.load_paper()
    deliver_formal_receipt(runtime, sale)
    assert any("再発行" in line for line in texts(driver.jobs[-1]))
