"""A sale's lines keep their names in every shopper language, so what is printed later from
the document — a reprint, the return invoice, the return screen — names the goods in the
language the sale was made in, as its first receipt did.

Found by hand: a Chinese shopper's card sale printed 幕之内便当; its return invoice, printed
from the document, read "※Makunouchi bento -￥598 / 1件" under Chinese labels."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.domain.basket import Basket
from kiosk.domain.receipt import receipt_from_document
from kiosk.domain.return_invoice import ReturnInvoice
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import document_line_name
from tests.returns.sales import BENTO, sale_document
from tests.returns.test_function_return_plan import ISSUER, _document

NAMES = {"zh-Hans": "幕之内便当", "ko": "마쿠노우치 도시락"}
EXPECTED = {"ja": "商品22", "en": "Item 22", **NAMES}


def bento_sale(language: str) -> dict:
    basket = Basket()
    basket.add(dataclasses.replace(BENTO, names=NAMES))
    return {**sale_document(basket), "language": language}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_a_reprint_from_the_document_names_the_goods_in_the_sales_language(language: str):
    """GIVEN a sale made in LANGUAGE WHEN its receipt is made again from the document
    THEN its line carries the product's name in that language."""
    receipt = receipt_from_document(bento_sale(language), ISSUER)
    assert [line.name for line in receipt.lines] == [EXPECTED[language]]


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_return_invoice_names_the_goods_in_the_sales_language(language: str):
    """GIVEN a sale made in LANGUAGE WHEN a line of it is returned
    THEN the return invoice names it in that language, like its labels."""
    plan = plan_return(bento_sale(language), {1: 1}, return_id="r", reason="damaged", staff_id="S1")
    invoice = ReturnInvoice.from_document(_document(plan), ISSUER)
    assert invoice.language == language
    assert [line.name for line in invoice.lines] == [EXPECTED[language]]


def test_a_document_from_before_the_names_falls_back_to_english_then_japanese():
    """GIVEN a line document that kept only name_ja and name_en (an older kiosk)
    THEN a Korean reading gets the English name, and a line without one the Japanese."""
    old = {"name_ja": "弁当", "name_en": "Bento"}
    assert document_line_name(old, "ko") == "Bento"
    assert document_line_name(old, "ja") == "弁当"
    assert document_line_name({"name_ja": "弁当", "name_en": ""}, "en") == "弁当"
