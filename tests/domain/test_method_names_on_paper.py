"""Tender names on paper in the receipt's language: a Korean receipt says 현금, not "Cash";
a return invoice names the refund's method, not its id ("返金 クレジットカード", not "card")."""

from __future__ import annotations

from kiosk.domain.method_names import method_name
from kiosk.domain.receipt import receipt_from_document
from kiosk.domain.receipt_text import render_receipt
from kiosk.domain.return_invoice import ReturnInvoice
from kiosk.domain.return_receipt_text import render_return_invoice
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import Tender
from tests.returns.sales import mixed_basket_with_coupon, sale_document
from tests.returns.test_function_return_plan import ISSUER, _document


def test_a_tender_is_named_in_the_receipts_language():
    tender = Tender("p1", "cash", "現金", "Cash", 500, names=(("zh-Hans", "现金"), ("ko", "현금")))
    assert [tender.name(lang) for lang in ("ja", "en", "zh-Hans", "ko")] == [
        "現金",
        "Cash",
        "现金",
        "현금",
    ]
    # a method without translations (a plugin's) falls back to its English name
    assert Tender("p2", "acme", "アクメ", "Acme Pay", 1).name("ko") == "Acme Pay"


def test_built_in_methods_have_names_in_four_languages_and_others_keep_their_id():
    assert method_name("card", "ko") == "신용카드" and method_name("qr", "zh-Hans") == "扫码支付"
    assert method_name("emoney", "fr") == "E-money (IC card)"
    assert method_name("acme_pay", "ja") == "acme_pay"


def test_a_korean_receipt_rebuilt_from_its_document_names_the_card_in_korean():
    document = {**sale_document(mixed_basket_with_coupon()), "language": "ko"}
    text = "\n".join(render_receipt(receipt_from_document(document, ISSUER)))
    assert "신용카드" in text and "Credit card" not in text


def test_a_return_invoice_names_the_refunds_method_not_its_id():
    original = sale_document(mixed_basket_with_coupon())
    plan = plan_return(original, {3: 1}, return_id="r", reason="other", staff_id="S001")
    for language, expected in (("ja", "返金 クレジットカード"), ("ko", "환불 신용카드")):
        document = {**_document(plan), "language": language}
        text = "\n".join(render_return_invoice(ReturnInvoice.from_document(document, ISSUER)))
        assert expected in text, (language, text)
