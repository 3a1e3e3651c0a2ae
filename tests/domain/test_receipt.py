from datetime import datetime

import pytest

from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.receipt import (
    InvalidRegistrationNumber,
    Issuer,
    Receipt,
    validate_registration_number,
)
from kiosk.domain.receipt_text import display_width, fit, render_receipt, two_columns
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.messages import store_text
from tests.factories import BANANA, ONIGIRI, SOAP

ISSUER = Issuer("さくらマート 渋谷店", "T5835678256246", "東京都渋谷区神南1-2-3")


def test_registration_number_check_digit_is_verified():
    assert validate_registration_number("t5835678256246") == "T5835678256246"
    with pytest.raises(InvalidRegistrationNumber, match="check digit"):
        validate_registration_number("T4835678256246")
    with pytest.raises(InvalidRegistrationNumber, match="starts with T"):
        validate_registration_number("5835678256246")
    with pytest.raises(InvalidRegistrationNumber, match="13 digits"):
        validate_registration_number("T583567825624")


def test_width_is_measured_in_cp932_bytes():
    assert display_width("ABC") == 3
    assert display_width("おにぎり") == 8
    assert display_width("ｱｲｳ") == 3  # half-width kana: one column each
    assert display_width("￥") == 2
    assert display_width("🍙") == 2  # not in cp932: printed as an image, two columns
    assert fit("おにぎり鮭", 5) == "おに"


def test_two_columns_right_aligns_and_cuts_long_names():
    line = two_columns("とても長い商品名がここに入ります", "￥1,280", 32)
    assert display_width(line) == 32
    assert line.endswith("￥1,280")


def _sale(language="ja"):
    basket = Basket()
    basket.add(ONIGIRI, 2)
    basket.add(SOAP)
    basket.add_weighed(BANANA, 620)
    coupon = Adjustment("c", AdjustmentKind.COUPON, -50, store_text(ja="クーポン値引", en="Coupon"))
    totals = compute_totals(basket.lines, [coupon])
    return Sale(
        sale_id="s-1",
        kiosk_id="K01",
        receipt_no=42,
        started_at=datetime(2026, 11, 22, 10, 0),
        completed_at=datetime(2026, 11, 22, 10, 5),
        lines=tuple(basket.lines),
        adjustments=(coupon,),
        totals=totals,
        tenders=(Tender("p1", "cash", "現金", "Cash", totals.total, tendered=1000),),
        change=1000 - totals.total,
        language=language,
    )


def test_invoice_receipt_has_every_required_element():
    sale = _sale()
    lines = render_receipt(Receipt.from_sale(sale, ISSUER), width=42)
    text = "\n".join(lines)
    assert all(display_width(line) <= 42 for line in lines)
    assert "登録番号 T5835678256246" in text
    assert "2026年11月22日 10:05" in text
    assert any(line.startswith("※商品1") for line in lines)  # reduced-rate mark
    assert any(line.startswith("  商品4") for line in lines)  # standard: no mark
    assert "※印は軽減税率(8%)適用商品" in text
    assert "(8%対象" in text and "(10%対象" in text
    assert text.count("内消費税等") == 2
    assert "クーポン値引" in text
    assert "お預り" in text and "お釣り" in text
    assert "No.000042" in text


def test_receipt_per_rate_figures_match_the_totals():
    sale = _sale()
    receipt = Receipt.from_sale(sale, ISSUER)
    assert sum(rate.gross for rate in receipt.rates) == receipt.total == sale.total
    # 300 + 246 reduced, 198 standard, coupon -50 split 546:198 → -37 / -13
    assert [(r.rate_percent, r.gross, r.tax_amount) for r in receipt.rates] == [
        (8, 509, 37),
        (10, 185, 16),
    ]


def test_english_receipt_uses_english_labels():
    text = "\n".join(render_receipt(Receipt.from_sale(_sale("en"), ISSUER), width=42))
    assert "Reg. No. T5835678256246" in text
    assert "reduced tax rate" in text and "TOTAL" in text
