"""Tender names on paper in the receipt's language: a Korean receipt says 현금, not "Cash";
a receipt or return invoice rebuilt from its document names a method as the installed
plugin does, else as the document kept it at the payment, else (a legacy document that
kept no names) by the built-in methods' legacy names, else by its id — the core learns no new
method's name (kiosk/domain/method_names.py)."""

from __future__ import annotations

from kiosk.domain.method_names import tender_name
from kiosk.domain.receipt import receipt_from_document
from kiosk.domain.receipt_text import render_receipt
from kiosk.domain.return_invoice import ReturnInvoice
from kiosk.domain.return_receipt_text import render_return_invoice
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import Tender
from plugins.pay_card.method import CardMethod
from tests.returns.sales import mixed_basket_with_coupon, sale_document
from tests.returns.test_function_return_plan import ISSUER, _document

CARD_KEPT = {"ja": "クレジットカード", "en": "Credit card", "zh-Hans": "信用卡", "ko": "신용카드"}


def _card_installed(method_id: str, language: str) -> str | None:
    """What the runtime gives with the card plugin installed (and nothing else)."""
    return CardMethod.name(CardMethod, language) if method_id == "card" else None  # type: ignore[arg-type]


def _with_kept_names(document: dict, names: dict[str, str]) -> dict:
    return {**document, "tenders": [{**t, "names": names} for t in document["tenders"]]}


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


def test_the_sale_document_keeps_each_tenders_name_in_every_language():
    # the factory's tender is named by its id (Tender(p, "card", "card", "card", …))
    document = sale_document(mixed_basket_with_coupon())
    assert document["tenders"][0]["names"] == dict.fromkeys(("ja", "en", "zh-Hans", "ko"), "card")


def test_installed_then_kept_then_the_id():
    kept = {"method": "card", "names": {"ja": "カード(当時)", "en": "Card (then)"}}
    assert tender_name(kept, "ko", _card_installed) == "신용카드"  # the plugin's, now
    assert tender_name(kept, "ja") == "カード(当時)"  # no plugin: as kept
    assert tender_name(kept, "ko") == "Card (then)"  # kept without Korean: English
    assert tender_name({"method": "acme_pay"}, "ja", _card_installed) == "acme_pay"


def test_a_legacy_document_names_a_built_in_method_only_when_it_kept_no_names():
    """A document stored before tenders kept ``names``: the built-in methods' legacy names
    (the back office has no plugin to ask); a vendor's method still by its id; kept names,
    and an installed method, always come first."""
    assert [tender_name({"method": "cash"}, lang) for lang in ("ja", "en", "zh-Hans", "ko")] == [
        "現金",
        "Cash",
        "现金",
        "현금",
    ]
    assert tender_name({"method": "card", "names": {}}, "ja") == "クレジットカード"
    assert tender_name({"method": "acme_pay"}, "ja") == "acme_pay"
    assert tender_name({"method": "cash", "names": {"ja": "現金(当時)"}}, "ja") == "現金(当時)"
    assert tender_name({"method": "card"}, "ja", _card_installed) == "クレジットカード"


def test_a_korean_receipt_rebuilt_from_its_document_names_the_card_in_korean():
    document = {**sale_document(mixed_basket_with_coupon()), "language": "ko"}
    text = "\n".join(render_receipt(receipt_from_document(document, ISSUER, (), _card_installed)))
    assert "신용카드" in text and "Credit card" not in text
    # the back office (no plugins): the names the document kept
    kept = _with_kept_names(document, CARD_KEPT)
    assert "신용카드" in "\n".join(render_receipt(receipt_from_document(kept, ISSUER)))


def test_a_return_invoice_names_the_refunds_method_not_its_id():
    original = _with_kept_names(sale_document(mixed_basket_with_coupon()), CARD_KEPT)
    plan = plan_return(original, {3: 1}, return_id="r", reason="other", staff_id="S001")
    assert _document(plan)["tenders"][0]["names"] == CARD_KEPT  # copied from the sale
    for language, expected in (("ja", "返金 クレジットカード"), ("ko", "환불 신용카드")):
        document = {**_document(plan), "language": language}
        for installed in (_card_installed, None):
            invoice = ReturnInvoice.from_document(document, ISSUER, installed)
            text = "\n".join(render_return_invoice(invoice))
            assert expected in text, (language, installed, text)
