"""Tax under the invoice rules: one rounding per rate per receipt, never per line."""

from fractions import Fraction

import pytest

from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.product import TaxCategory
from kiosk.domain.tax import AdjustmentError, Rounding, allocate, compute_totals
from kiosk.messages import store_text
from tests.factories import ONIGIRI, SOAP, TEA, product


def _basket(*items):
    basket = Basket()
    for p, qty in items:
        basket.add(p, qty)
    return basket


def test_inclusive_tax_is_rounded_once_per_rate_not_per_line():
    # GIVEN three different ¥105 reduced-rate items, tax included
    items = [product(10 + i, 105, TaxCategory.REDUCED) for i in range(3)]
    basket = _basket(*[(p, 1) for p in items])
    # WHEN the totals are computed
    totals = compute_totals(basket.lines)
    # THEN tax is floor(315 × 8/108) = 23, whereas per-line floor(105×8/108)=7 ×3 would give 21
    assert totals.rate(TaxCategory.REDUCED).tax_amount == 23
    per_line = sum(int(Fraction(105 * 8, 108)) for _ in items)
    assert per_line == 21


def test_exclusive_tax_is_added_once_per_rate():
    # GIVEN 外税 prices: 3 × ¥99 standard-rate items
    items = [product(20 + i, 99, inclusive=False) for i in range(3)]
    totals = compute_totals(_basket(*[(p, 1) for p in items]).lines)
    rate = totals.rate(TaxCategory.STANDARD)
    # THEN tax is floor(297 × 10 %) = 29 (per line: 9 × 3 = 27) and the shopper pays 326
    assert rate.tax_amount == 29
    assert rate.gross == 326
    assert totals.total == 326


def test_two_rates_each_get_their_own_total_and_tax():
    totals = compute_totals(_basket((ONIGIRI, 2), (TEA, 1), (SOAP, 1)).lines)
    reduced = totals.rate(TaxCategory.REDUCED)
    standard = totals.rate(TaxCategory.STANDARD)
    assert reduced.gross == 438 and reduced.tax_amount == 32  # 438*8/108 = 32.4
    assert standard.gross == 198 and standard.tax_amount == 18  # 198*10/110 = 18.0
    assert totals.total == 636
    assert totals.item_count == 4


@pytest.mark.parametrize(
    ("rounding", "expected"), [(Rounding.FLOOR, 32), (Rounding.HALF_UP, 32), (Rounding.CEIL, 33)]
)
def test_rounding_mode_is_configurable(rounding, expected):
    totals = compute_totals(_basket((ONIGIRI, 2), (TEA, 1)).lines, rounding=rounding)
    assert totals.rate(TaxCategory.REDUCED).tax_amount == expected


def test_half_up_rounds_a_half_yen_up():
    p = product(30, 55, inclusive=False)  # 55 × 10 % = 5.5
    totals = compute_totals(_basket((p, 1)).lines, rounding=Rounding.HALF_UP)
    assert totals.rate(TaxCategory.STANDARD).tax_amount == 6


def test_basket_discount_is_allocated_to_rates_before_tax():
    # GIVEN ¥300 reduced + ¥198 standard and a ¥100 basket coupon
    basket = _basket((ONIGIRI, 2), (SOAP, 1))
    coupon = Adjustment("c1", AdjustmentKind.COUPON, -100, store_text(ja="クーポン", en="Coupon"))
    totals = compute_totals(basket.lines, [coupon])
    reduced, standard = totals.rate(TaxCategory.REDUCED), totals.rate(TaxCategory.STANDARD)
    # THEN the ¥100 is split 300:198 → 60 and 40 (largest remainder), and tax follows
    assert reduced.discount == -60 and standard.discount == -40
    assert reduced.gross == 240 and reduced.tax_amount == 17  # 240×8/108 = 17.7
    assert standard.gross == 158 and standard.tax_amount == 14  # 158×10/110 = 14.36
    assert totals.total == 398
    assert totals.discount_total == -100


def test_line_discount_changes_only_its_rate():
    basket = _basket((ONIGIRI, 1), (SOAP, 1))
    soap_line = basket.lines[1].line_id
    offer = Adjustment(
        "p1",
        AdjustmentKind.PROMOTION,
        -50,
        store_text(ja="値引", en="Offer"),
        line_ids=(soap_line,),
    )
    totals = compute_totals(basket.lines, [offer])
    assert totals.rate(TaxCategory.REDUCED).gross == 150
    assert totals.rate(TaxCategory.STANDARD).gross == 148


def test_adjustment_on_a_voided_line_no_longer_applies():
    basket = _basket((ONIGIRI, 1), (SOAP, 1))
    soap_line = basket.lines[1].line_id
    offer = Adjustment(
        "p1",
        AdjustmentKind.PROMOTION,
        -50,
        store_text(ja="値引", en="Offer"),
        line_ids=(soap_line,),
    )
    basket.void_line(soap_line, "removed")
    assert compute_totals(basket.lines, [offer]).total == 150


def test_discount_larger_than_the_line_is_refused():
    basket = _basket((ONIGIRI, 1))
    too_much = Adjustment(
        "x", AdjustmentKind.COUPON, -151, store_text(ja="x", en="x"), line_ids=(1,)
    )
    with pytest.raises(AdjustmentError):
        compute_totals(basket.lines, [too_much])


def test_allocate_sums_exactly_and_is_deterministic():
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert sum(allocate(1001, [3, 7, 11])) == 1001
    assert allocate(5, []) == []
    assert allocate(7, [0, 0]) == [7, 0]


def test_voided_lines_do_not_count():
    basket = _basket((ONIGIRI, 1), (TEA, 1))
    basket.void_line(1, "changed mind")
    totals = compute_totals(basket.lines)
    assert totals.total == 138
    assert totals.item_count == 1
