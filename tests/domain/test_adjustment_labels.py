"""GIVEN an adjustment labelled by a plugin's message key THEN the shopper's language is
used everywhere it is shown, and the sale document keeps its v1 label_ja/label_en fields
beside the label in every language (docs/plugins.md "Translations")."""

import dataclasses

from kiosk.domain.receipt import receipt_from_document
from kiosk.messages import Localised, Message
from tests.domain.test_receipt import ISSUER, _sale

LABEL = Message.of(
    "{label} x{n}", "plugins.promotions", label=Localised.of(ja="よりどり", en="Mix"), n=2
)


def _document(language: str) -> dict:
    sale = _sale(language)
    [coupon] = sale.adjustments
    return dataclasses.replace(
        sale, adjustments=(dataclasses.replace(coupon, message=LABEL),)
    ).to_document()


def test_the_document_keeps_v1_fields_and_adds_every_language() -> None:
    [adjustment] = _document("ko")["adjustments"]
    assert (adjustment["label_ja"], adjustment["label_en"]) == ("よりどり 2点", "Mix x2")
    assert adjustment["labels"] == {
        "ja": "よりどり 2点",
        "en": "Mix x2",
        "zh-Hans": "よりどり ×2",  # the store named it in ja/en only: its own name, ja first
        "ko": "よりどり 2개",
    }


def test_a_reprint_shows_the_label_in_the_shoppers_language() -> None:
    receipt = receipt_from_document(_document("ja"), ISSUER)
    assert [a.label for a in receipt.adjustments] == ["よりどり 2点"]
    receipt = receipt_from_document(_document("en"), ISSUER)
    assert [a.label for a in receipt.adjustments] == ["Mix x2"]
    receipt = receipt_from_document(_document("ko"), ISSUER)
    assert [a.label for a in receipt.adjustments] == ["よりどり 2개"]


def test_an_older_document_without_labels_still_reprints() -> None:
    document = _document("en")
    del document["adjustments"][0]["labels"]
    assert [a.label for a in receipt_from_document(document, ISSUER).adjustments] == ["Mix x2"]
