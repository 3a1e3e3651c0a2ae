"""A return invoice names its reason in the paper's language (破損・不良 on a Japanese
invoice), in the words staff chose it by on the return screen; never the internal code
("damaged") — a store's own reason code is printed as it is."""

from __future__ import annotations

import pytest

from kiosk.domain.return_invoice import ReturnInvoice
from kiosk.domain.return_receipt_text import REASON_NAMES, render_return_invoice
from kiosk.domain.returns import plan_return
from kiosk.ui.returns.model import REASONS, rt
from tests.returns.sales import mixed_basket_with_coupon, sale_document
from tests.returns.test_function_return_plan import ISSUER, _document


def paper(reason: str, language: str) -> str:
    original = sale_document(mixed_basket_with_coupon())
    plan = plan_return(original, {3: 1}, return_id="r", reason=reason, staff_id="S001")
    invoice = ReturnInvoice.from_document({**_document(plan), "language": language}, ISSUER)
    return "\n".join(render_return_invoice(invoice))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "理由: 破損・不良"),
        ("en", "Reason: Damaged"),
        ("zh-Hans", "原因: 破损/不良"),
        ("ko", "사유: 파손·불량"),
    ],
)
def test_the_reason_is_named_in_the_invoices_language(language: str, expected: str):
    text = paper("damaged", language)
    assert expected in text
    assert "damaged" not in text


def test_a_stores_own_reason_code_is_printed_as_it_is():
    assert "理由: 値札違い" in paper("値札違い", "ja")


@pytest.mark.parametrize("language", ["ja", "en", "zh-Hans", "ko"])
def test_paper_and_return_screen_name_each_built_in_reason_alike(language: str):
    assert REASON_NAMES[language] == {code: rt(msgid, language) for code, msgid in REASONS.items()}


def test_the_back_office_names_each_built_in_reason_as_the_paper_does():
    """GIVEN the built-in reason codes WHEN the back office labels them THEN in the words of
    the English and Japanese paper (before: "Damaged 破損" on the page, 破損・不良 on the
    return invoice and the staff's button; "誤購入" for 商品違い)."""
    from kiosk.backoffice.returns.labels import reason_label

    for code, english in REASON_NAMES["en"].items():
        assert reason_label(code) == f"{english} {REASON_NAMES['ja'][code]}"
    assert reason_label("damaged") == "Damaged 破損・不良"
    assert reason_label("値札違い") == "値札違い"
