"""Bounds on one line and one sale (kiosk.domain.limits): refused whole, nothing changed."""

import pytest

from kiosk.domain.basket import Basket, LimitExceeded
from kiosk.domain.codes import InStoreCode
from kiosk.domain.limits import MAX_LINE_QUANTITY, MAX_SALE_AMOUNT, Limit
from kiosk.domain.product import TaxCategory
from tests.factories import BANANA, DELI, ONIGIRI, product

TV = product(90, 4_000_000, TaxCategory.STANDARD, department="electronics")
RING = product(91, 2_500_000, TaxCategory.STANDARD, department="jewellery")


def test_quantity_of_a_hundred_million_is_refused_and_nothing_changes():
    basket = Basket()
    with pytest.raises(LimitExceeded) as raised:
        basket.add(ONIGIRI, 10**8)
    assert raised.value.limit is Limit.LINE_QUANTITY and raised.value.value == 10**8
    assert "100,000,000 pieces of one item is over the kiosk's limit of 999" in str(raised.value)
    assert basket.is_empty()


def test_up_to_the_maximum_is_fine_one_more_is_not():
    basket = Basket()
    basket.add(ONIGIRI, MAX_LINE_QUANTITY - 1)
    basket.add(ONIGIRI)  # a repeat scan merges: 999
    with pytest.raises(LimitExceeded):
        basket.add(ONIGIRI)
    with pytest.raises(LimitExceeded):
        basket.set_quantity(1, MAX_LINE_QUANTITY + 1)
    assert basket.lines[0].quantity == MAX_LINE_QUANTITY
    basket.set_quantity(1, 3)  # going down is always fine
    assert basket.lines[0].quantity == 3


def test_line_and_sale_amounts_are_bounded():
    basket = Basket()
    basket.add(TV, 2)  # ¥8,000,000
    with pytest.raises(LimitExceeded) as line:
        basket.set_quantity(1, 3)  # ¥12,000,000 on one line
    assert line.value.limit is Limit.LINE_AMOUNT
    with pytest.raises(LimitExceeded) as sale:
        basket.add(RING)  # ¥8,000,000 + ¥2,500,000 is past ¥9,999,999
    assert sale.value.limit is Limit.SALE_AMOUNT and sale.value.value > MAX_SALE_AMOUNT
    assert [line.quantity for line in basket.active_lines] == [2]


def test_weighed_and_label_lines_count_towards_the_sale():
    basket = Basket()
    basket.add(TV, 2)
    basket.add_weighed(BANANA, 500)
    basket.add(DELI, instore=InStoreCode("0200201003989", "00201", price=398))
    with pytest.raises(LimitExceeded):
        basket.add_weighed(BANANA, 10**7)  # 10 t of bananas: ¥3,980,000
    assert len(basket.active_lines) == 3


def test_a_voided_line_no_longer_counts():
    basket = Basket()
    basket.add(TV, 2)
    basket.void_line(1, "changed mind")
    basket.add(TV, 2)
    assert basket.active_lines[0].amount == 8_000_000
