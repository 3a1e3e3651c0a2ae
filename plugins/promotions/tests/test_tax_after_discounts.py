"""Per-rate totals after discounts, against examples worked by hand.

A basket-level discount is spread over the rates in proportion to what each holds (largest
remainder), then each rate's tax is rounded once (floor) — the receipt shows the discount
and the per-rate totals after it.
"""

from __future__ import annotations

from kiosk.domain.product import TaxCategory
from plugins.conftest import DISH_SOAP, ONIGIRI, TOILET_PAPER, TUNA, coupon_qr, scan


def _rates(totals):
    return {r.tax: (r.gross, r.tax_amount, r.discount) for r in totals.rates}


def test_basket_coupon_split_over_both_rates(kiosk):
    # onigiri 150 × 2 (8 %) = 300, dish soap 198 (10 %); ¥100 off the basket:
    #   8 %: 100 × 300/498 = 60.24 → 60     10 %: 100 × 198/498 = 39.76 → 40 (larger remainder)
    #   8 %: 240, tax ⌊240 × 8/108⌋ = ⌊17.78⌋ = 17
    #   10 %: 158, tax ⌊158 × 10/110⌋ = ⌊14.36⌋ = 14
    runtime = kiosk()
    for code in (ONIGIRI, ONIGIRI, DISH_SOAP):
        scan(runtime, code)
    scan(runtime, coupon_qr("C100", "TAX-1"))
    totals = runtime.checkout.totals
    assert _rates(totals) == {
        TaxCategory.REDUCED: (240, 17, -60),
        TaxCategory.STANDARD: (158, 14, -40),
    }
    assert totals.total == 398
    sale = runtime.pay("cash")
    text = runtime.receipt_lines(sale)
    assert any("100円引" in line and "-￥100" in line for line in text)
    assert any("(8%対象" in line and "￥240)" in line for line in text)
    assert any("(10%対象" in line and "￥158)" in line for line in text)
    assert [line.split()[-1] for line in text if "内消費税等" in line] == ["￥17)", "￥14)"]


def test_mix_and_match_and_a_department_coupon(kiosk):
    # any 3 rice balls for ¥400: 150 + 150 + 140 = 440 → −40 (all 8 %)
    # household 10 % coupon on toilet paper 498 (10 %) → −⌊49.8⌋ = −49
    #   8 %: 400, tax ⌊400 × 8/108⌋ = ⌊29.63⌋ = 29
    #   10 %: 449, tax ⌊449 × 10/110⌋ = ⌊40.82⌋ = 40
    rules = {
        "mix": {"type": "mix_match", "quantity": 3, "price": 400, "skus": ["SKU0001", "SKU0002"]}
    }
    runtime = kiosk(promotions={"rules": rules})
    for code in (ONIGIRI, ONIGIRI, TUNA, TOILET_PAPER):
        scan(runtime, code)
    scan(runtime, coupon_qr("HH10", "TAX-2"))
    totals = runtime.checkout.totals
    assert _rates(totals) == {
        TaxCategory.REDUCED: (400, 29, -40),
        TaxCategory.STANDARD: (449, 40, -49),
    }
    assert totals.total == 849


def test_a_points_tender_leaves_the_per_rate_tax_alone(kiosk):
    from plugins.loyalty import loyalty_for

    runtime = kiosk()
    service = loyalty_for(runtime)
    member = service.enrol(service.begin_enrolment().token, True).member.member_id
    with runtime.unit_of_work() as uow:
        service.ledger.add(uow, member, "earn", 100, runtime.clock(), expires=True)
    for code in (ONIGIRI, DISH_SOAP):
        scan(runtime, code)
    before = _rates(runtime.checkout.totals)
    runtime.pay("points", 100)
    sale = runtime.pay("cash")
    assert (
        _rates(sale.totals)
        == before
        == {
            TaxCategory.REDUCED: (150, 11, 0),
            TaxCategory.STANDARD: (198, 18, 0),
        }
    )
