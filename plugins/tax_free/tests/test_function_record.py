"""The purchase record: per-rate refund with one rounding per rate, ¥1,000,000 detail rule."""

from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.tax import Rounding, compute_totals
from kiosk.messages import store_text
from plugins.tax_free.record import ItemDetails, build_record
from tests.factories import ONIGIRI, SOAP, product

from .factories import STORE_INFO, line, sale_document


def test_refund_is_rounded_once_per_rate_not_per_line():
    """GIVEN three ¥1,099 items at 10 % THEN tax is floor(3297×10/110)=299, not 3×99=297."""
    record = build_record(
        "r1", sale_document([line(1, 1099), line(2, 1099), line(3, 1099)]), STORE_INFO
    )
    assert record.refund_amount == 299
    assert record.amounts.gross == 3297


def test_refund_matches_the_receipts_tax_for_mixed_rates_and_a_basket_coupon():
    """GIVEN 8 % and 10 % lines and a whole-basket coupon THEN refund == receipt tax."""
    basket = Basket()
    basket.add(ONIGIRI, 7)
    basket.add(SOAP, 3)
    basket.add(product(9, 4980), 1)
    coupon = Adjustment("c1", AdjustmentKind.COUPON, -500, store_text(ja="クーポン", en="Coupon"))
    totals = compute_totals(basket.lines, [coupon], Rounding.FLOOR)
    document = sale_document(
        [line(bl.line_id, bl.unit_price, bl.quantity, bl.tax.value) for bl in basket.lines],
        adjustments=[{"amount": -500, "line_ids": []}],
    )
    record = build_record("r1", document, STORE_INFO)
    assert record.refund_amount == totals.tax_total
    assert [(r.rate_percent, r.tax) for r in record.amounts.rates] == [
        (t.rate_percent, t.tax_amount) for t in totals.rates
    ]


def test_tax_exclusive_prices_are_refunded_at_the_added_tax():
    record = build_record("r1", sale_document([line(1, 5001, inclusive=False)]), STORE_INFO)
    assert record.refund_amount == 500  # floor(500.1)
    assert record.amounts.gross == 5501
    assert record.amounts.net == 5001


def test_an_item_of_one_million_yen_excluding_tax_needs_details():
    """GIVEN a ¥1,100,000 (tax incl.) watch THEN the record lists it as missing details."""
    document = sale_document([line(1, 1_100_000), line(2, 1_099_999)])
    record = build_record("r1", document, STORE_INFO)
    assert [i.high_value for i in record.items] == [True, False]
    assert record.missing_details() == [1]
    details = {1: ItemDetails("Seiko", "SBGA211", "123456")}
    complete = build_record("r1", document, STORE_INFO, details=details)
    assert complete.missing_details() == []
    assert complete.to_document()["items"][0]["details"]["model_number"] == "SBGA211"


def test_excluded_departments_are_left_out_of_the_record():
    document = sale_document([line(1, 6600), line(2, 2200, department="gold")])
    record = build_record("r1", document, STORE_INFO, excluded_departments=frozenset({"gold"}))
    assert [i.line_no for i in record.items] == [1]
    assert record.refund_amount == 600


def test_receipt_wrapping_keeps_yen_amounts_whole():
    from plugins.tax_free.receipt import wrap

    lines = wrap("the minimum is ￥5,000 and more text here", 20)
    assert any("￥5,000" in part for part in lines)
    assert all(sum(2 if ord(c) > 0x7F else 1 for c in part) <= 20 for part in lines)
