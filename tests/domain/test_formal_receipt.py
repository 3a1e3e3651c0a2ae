"""領収書: addressee, 但し書き, 再発行, and the revenue stamp note (hand-worked amounts)."""

from datetime import datetime

import pytest

from kiosk.domain.formal_receipt import (
    FormalReceiptRequest,
    RevenueStampRule,
    render_formal_receipt,
    stamp_base,
)
from kiosk.domain.product import TaxCategory
from kiosk.domain.receipt import Receipt, ReceiptLine
from kiosk.domain.receipt_layout import display_width
from kiosk.domain.sale import Tender
from kiosk.domain.tax import RateTotal
from tests.domain.test_receipt import ISSUER

NOTE = "収入印紙はサービスカウンターで貼付します"
RULE = RevenueStampRule(NOTE)


def _receipt(rates, tenders, *, training=False):
    total = sum(gross for _, gross, _ in rates)
    return Receipt(
        issuer=ISSUER,
        issued_at=datetime(2026, 12, 6, 14, 5),
        receipt_no=7,
        kiosk_id="K01",
        lines=(ReceiptLine("電動自転車", 1, total, total, False),),
        adjustments=(),
        rates=tuple(RateTotal(tax, gross, t, 0) for tax, gross, t in rates),
        total=total,
        tenders=tuple(
            Tender(f"p{i}", m, {"cash": "現金"}.get(m, "クレジットカード"), m, a)
            for i, (m, a) in enumerate(tenders)
        ),
        change=0,
        training=training,
    )


STD, RED = TaxCategory.STANDARD, TaxCategory.REDUCED


@pytest.mark.parametrize(
    ("rates", "tenders", "base", "due"),
    [
        # ¥55,000 at 10 %: tax 55,000 × 10/110 = 5,000 → ¥50,000 before tax → stamp
        ([(STD, 55_000, 5_000)], [("cash", 55_000)], 50_000, True),
        # ¥54,989 at 10 %: tax ⌊54,989/11⌋ = 4,999 → ¥49,990 → no stamp
        ([(STD, 54_989, 4_999)], [("cash", 54_989)], 49_990, False),
        # ¥54,000 at 8 %: tax 4,000 → ¥50,000 → stamp
        ([(RED, 54_000, 4_000)], [("cash", 54_000)], 50_000, True),
        # card pays it all: no money received, no stamp however large
        ([(STD, 110_000, 10_000)], [("card", 110_000)], 0, False),
        # split: the cash part decides, tax included (the ¥10,000 printed is the whole
        # sale's): ¥54,000 cash + ¥56,000 card of ¥110,000 → ¥54,000 → stamp
        ([(STD, 110_000, 10_000)], [("cash", 54_000), ("card", 56_000)], 54_000, True),
        # ¥49,999 cash + ¥60,001 card → ¥49,999 → no stamp, however large the sale
        ([(STD, 110_000, 10_000)], [("cash", 49_999), ("card", 60_001)], 49_999, False),
        # e-money and QR parts are not money received: ¥50,000 e-money + ¥10,000 QR +
        # ¥55,000 cash of ¥115,000 → ¥55,000 → stamp; the non-cash ¥60,000 never counts
        (
            [(STD, 115_000, 10_454)],
            [("emoney", 50_000), ("qr", 10_000), ("cash", 55_000)],
            55_000,
            True,
        ),
        ([(STD, 115_000, 10_454)], [("emoney", 60_000), ("qr", 55_000)], 0, False),
        # all cash at two rates: ¥30,000 at 10 % (tax 2,727) + ¥27,000 at 8 % (tax 2,000)
        # = ¥57,000 − 4,727 = ¥52,273 → stamp
        ([(STD, 30_000, 2_727), (RED, 27_000, 2_000)], [("cash", 57_000)], 52_273, True),
    ],
)
def test_revenue_stamp_note_follows_the_money_received(rates, tenders, base, due):
    receipt = _receipt(rates, tenders)
    assert stamp_base(receipt) == base
    lines = render_formal_receipt(receipt, FormalReceiptRequest("山田商事", ""), RULE, 42)
    assert (NOTE in lines) is due


@pytest.mark.parametrize("width", [32, 42, 48])
def test_formal_receipt_carries_addressee_proviso_and_invoice_elements(width):
    receipt = _receipt([(STD, 11_000, 1_000)], [("cash", 11_000)])
    request = FormalReceiptRequest("株式会社サンプル商事 経理部", "事務用品代として")
    lines = render_formal_receipt(receipt, request, RULE, width)
    text = "\n".join(lines)
    assert all(display_width(line) <= width for line in lines)
    assert "領 収 書" in text and "再発行" not in text
    assert "株式会社サンプル商事" in text.replace("\n", "") and "様" in text
    assert "但し 事務用品代として" in text
    assert "￥11,000-" in text
    assert "10%対象￥11,000(内消費税等￥1,000)" in text.replace("\n", "").replace(" ", "")
    assert "T5835678256246" in text
    assert "2026年12月06日" in text


def test_blank_addressee_leaves_a_line_and_default_proviso():
    receipt = _receipt([(STD, 1_100, 100)], [("cash", 1_100)])
    lines = render_formal_receipt(receipt, FormalReceiptRequest(), None, 42)
    assert any(line.startswith("____") and line.endswith("様") for line in lines)
    assert "但し お品代として" in lines


def test_reprint_is_marked_at_top_and_bottom():
    receipt = _receipt([(STD, 1_100, 100)], [("cash", 1_100)])
    lines = render_formal_receipt(receipt, FormalReceiptRequest(reprint=True), None, 42)
    marks = [i for i, line in enumerate(lines) if "再発行" in line]
    assert marks[0] == 0 and marks[-1] == len(lines) - 1


def test_other_languages_and_training():
    receipt = _receipt([(STD, 1_100, 100)], [("cash", 1_100)], training=True)
    for language, title in (("en", "RECEIPT"), ("zh-Hans", "收 据"), ("ko", "영 수 증")):
        text = "\n".join(
            render_formal_receipt(receipt, FormalReceiptRequest(), None, 42, language=language)
        )
        assert title in text and "練習" in text


def test_control_characters_in_typed_text_are_refused():
    with pytest.raises(ValueError, match="control character"):
        FormalReceiptRequest("山田\x1bW", "")
    with pytest.raises(ValueError, match="longer than"):
        FormalReceiptRequest("あ" * 61)


def test_split_tender_prints_the_cash_part_the_stamp_rule_reads():
    """¥54,000 cash + ¥56,000 card: the paper says うち現金 ¥54,000 (the figure that makes
    the stamp due); an all-cash receipt has no such line."""
    split = _receipt([(STD, 110_000, 10_000)], [("cash", 54_000), ("card", 56_000)])
    text = "\n".join(render_formal_receipt(split, FormalReceiptRequest(), RULE, 42))
    assert "うち現金 ￥54,000" in text and NOTE in text
    whole = _receipt([(STD, 55_000, 5_000)], [("cash", 55_000)])
    assert "うち" not in "\n".join(render_formal_receipt(whole, FormalReceiptRequest(), RULE, 42))


def test_a_store_may_count_a_code_payment_as_money():
    """A code payment whose merchant contract makes it money received (NTA 質疑応答事例)
    counts when the store lists it: ¥60,000 by QR → stamp with ("cash", "qr")."""
    receipt = _receipt([(STD, 66_000, 6_000)], [("qr", 66_000)])
    assert stamp_base(receipt) == 0
    assert stamp_base(receipt, ("cash", "qr")) == 60_000
    rule = RevenueStampRule(NOTE, money_methods=("cash", "qr"))
    assert NOTE in render_formal_receipt(receipt, FormalReceiptRequest(), rule, 42)


def test_the_chosen_honorific_replaces_the_languages_own():
    receipt = _receipt([(STD, 1_100, 100)], [("cash", 1_100)])
    company = render_formal_receipt(
        receipt, FormalReceiptRequest("山田商事", honorific="御中"), None, 42
    )
    assert "山田商事 御中" in company and not any("様" in line for line in company)
    bare = render_formal_receipt(receipt, FormalReceiptRequest("山田商事", honorific=""), None, 42)
    assert "山田商事" in bare
    english = render_formal_receipt(
        receipt, FormalReceiptRequest("Yamada Co.", honorific="御中"), None, 42, language="en"
    )
    assert "Yamada Co. 御中" in english
    with pytest.raises(ValueError, match="honorific"):
        FormalReceiptRequest("山田", honorific="殿下")
