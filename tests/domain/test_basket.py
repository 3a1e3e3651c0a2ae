import pytest

from kiosk.domain.basket import Basket, BasketError, LineSource
from kiosk.domain.codes import InStoreCode
from tests.factories import BANANA, DELI, ONIGIRI, TEA


def test_repeat_scans_merge_into_one_line():
    basket = Basket()
    basket.add(ONIGIRI)
    basket.add(ONIGIRI)
    basket.add(TEA)
    assert [(line.product.sku, line.quantity) for line in basket.lines] == [
        (ONIGIRI.sku, 2),
        (TEA.sku, 1),
    ]
    assert basket.item_count == 3


def test_weighed_item_is_priced_by_weight_and_truncated_to_yen():
    line = Basket().add_weighed(BANANA, 620)  # 398 ¥/kg × 0.62 = 246.76
    assert line.amount == 246


def test_weighed_item_cannot_be_added_by_count():
    with pytest.raises(BasketError, match="by weight"):
        Basket().add(BANANA)


def test_each_instore_label_is_its_own_line_at_its_printed_price():
    basket = Basket()
    basket.add(DELI, instore=InStoreCode("0200201003989", "00201", price=398))
    basket.add(DELI, instore=InStoreCode("0200201002982", "00201", price=298))
    assert [line.amount for line in basket.lines] == [398, 298]


def test_void_keeps_the_line_marked_not_deleted():
    basket = Basket()
    basket.add(ONIGIRI)
    basket.void_line(1, "changed mind", by="S001")
    assert len(basket.lines) == 1
    assert basket.lines[0].voided and basket.lines[0].voided_by == "S001"
    assert basket.is_empty()
    with pytest.raises(BasketError, match="already voided"):
        basket.void_line(1, "again")


def test_quantity_must_stay_positive():
    basket = Basket()
    basket.add(ONIGIRI)
    basket.set_quantity(1, 5)
    assert basket.lines[0].amount == 750
    with pytest.raises(BasketError):
        basket.set_quantity(1, 0)


def test_a_voided_product_scanned_again_starts_a_new_line():
    basket = Basket()
    basket.add(ONIGIRI)
    basket.void_line(1, "x")
    line = basket.add(ONIGIRI)
    assert line.line_id == 2 and line.quantity == 1


def test_snapshot_and_restore_round_trip():
    basket = Basket()
    basket.add(ONIGIRI, 2)
    basket.add_weighed(BANANA, 500)
    restored = Basket.restore(basket.snapshot())
    assert [(line.product.sku, line.amount) for line in restored.lines] == [
        (line.product.sku, line.amount) for line in basket.lines
    ]


def test_an_item_priced_by_its_label_is_not_added_from_the_look_up():
    """GIVEN a deli pack whose price is on its in-store label (catalogue price 0, no GTIN)
    WHEN touched in the look-up THEN refused (it cost ¥0: a shopper found it in the look-up at
    ¥0 and paid nothing); its label scanned, the label's price."""
    from kiosk.domain.checkout import Checkout
    from kiosk.domain.scan import Scan
    from tests.factories import catalogue

    checkout = Checkout(catalogue())
    with pytest.raises(BasketError, match="priced by its label"):
        checkout.add_plu("00201", source=LineSource.LOOKUP)
    assert checkout.basket.lines == []
    checkout.scan(Scan("0200201003989"))
    assert [line.unit_price for line in checkout.basket.lines] == [398]


def test_the_look_up_does_not_list_items_priced_by_their_label():
    from kiosk.domain.catalogue import Catalogue

    catalogue = Catalogue([ONIGIRI, DELI])
    assert DELI.priced_by_label and not ONIGIRI.priced_by_label
    assert catalogue.search("") == [ONIGIRI]
    assert catalogue.search("", department="deli") == []
    assert catalogue.departments() == [ONIGIRI.department]  # no tile leading to nothing
