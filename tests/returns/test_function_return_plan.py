"""Returns at what was paid: hand-worked cases of the refund, the per-rate tax and tenders.

The mixed-rate sale used throughout (tests.returns.sales.mixed_basket_with_coupon):

    line 1 お茶 2 × ¥150 = ¥300  (8 %)
    line 2 弁当 1 × ¥540 = ¥540  (8 %)
    line 3 洗剤 1 × ¥660 = ¥660  (10 %)
    basket coupon −¥70 over ¥1,500, in proportion:
        70 × 300/1500 = 14.0 → 14
        70 × 540/1500 = 25.2 → 25
        70 × 660/1500 = 30.8 → 30, +1 (largest remainder .8) → 31
    paid: お茶 286, 弁当 515, 洗剤 629 = ¥1,430
    sale: 8 % ¥801, tax floor(801 × 8/108 = 59.33) = ¥59; 10 % ¥629, tax floor(57.18) = ¥57
"""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.domain.allocation import allocate_document, recorded_allocation
from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.product import TaxCategory
from kiosk.domain.receipt import Issuer
from kiosk.domain.return_invoice import ReturnInvoice
from kiosk.domain.return_receipt_text import render_return_invoice
from kiosk.domain.returns import (
    OverReturn,
    ReturnError,
    plan_return,
    refunded_by_rate,
    returnable,
    returned_so_far,
)
from kiosk.domain.tax import Rounding
from kiosk.messages import store_text
from tests.factories import product
from tests.returns.sales import BEEF, mixed_basket_with_coupon, sale_document

ISSUER = Issuer("テスト商店", "T5835678256246")
RETURNED_AT = datetime(2026, 12, 6, 15, 0)


def _document(plan, return_no=1):
    refunds = [
        {
            "payment_id": f"r-{t.payment_id}",
            "original_payment_id": t.payment_id,
            "method": t.method,
            "amount": t.amount,
        }
        for t in plan.tenders
    ]
    return plan.to_document(
        kiosk_id="K01", return_no=return_no, completed_at=RETURNED_AT, refunds=refunds
    )


def test_the_sale_keeps_what_each_line_was_paid():
    document = sale_document(mixed_basket_with_coupon())
    # GIVEN the worked split above THEN the document keeps it, and the totals agree
    assert document["allocation"] == [
        {"line_id": 1, "paid": 286},
        {"line_id": 2, "paid": 515},
        {"line_id": 3, "paid": 629},
    ]
    assert document["total"] == 1430
    assert {r["tax"]: (r["gross"], r["tax_amount"]) for r in document["rates"]} == {
        "reduced": (801, 59),
        "standard": (629, 57),
    }


def test_an_old_sale_without_the_allocation_gets_the_same_figures():
    old = sale_document(mixed_basket_with_coupon(), without_allocation=True)
    assert "allocation" not in old
    assert {k: v.paid for k, v in recorded_allocation(old).items()} == {1: 286, 2: 515, 3: 629}


def test_one_line_of_a_mixed_rate_receipt_with_a_basket_coupon():
    # GIVEN the sale above, paid ¥1,430 by card
    original = sale_document(mixed_basket_with_coupon())
    # WHEN the detergent (line 3) comes back
    plan = plan_return(original, {3: 1}, return_id="ret-1", reason="changed_mind", staff_id="S001")
    # THEN it refunds what it was paid after its share of the coupon: 660 − 31 = ¥629,
    # all at 10 %, tax floor(629 × 10/110 = 57.18) = ¥57, back to the card
    assert [(line.original_line_id, line.refund) for line in plan.lines] == [(3, 629)]
    assert [(r.rate_percent, r.gross, r.tax_amount) for r in plan.rates] == [(10, 629, 57)]
    assert plan.total == 629
    assert [(t.payment_id, t.method, t.amount) for t in plan.tenders] == [("pay-1", "card", 629)]


def test_the_return_invoice_states_what_the_rules_ask():
    original = sale_document(mixed_basket_with_coupon())
    # WHEN one お茶 of two and the 洗剤 come back
    plan = plan_return(original, {1: 1, 3: 1}, return_id="r", reason="wrong_item", staff_id="S001")
    # THEN お茶: floor(286 × 1/2) = ¥143 at 8 %, tax floor(143 × 8/108 = 10.59) = ¥10;
    # 洗剤 ¥629 at 10 %, tax ¥57; total ¥772
    invoice = ReturnInvoice.from_document(_document(plan), ISSUER)
    assert [(r.rate_percent, r.refund, r.tax) for r in invoice.rates] == [
        (8, 143, 10),
        (10, 629, 57),
    ]
    assert invoice.total == 772 and invoice.tax_total == 67
    assert invoice.original_sold_at == datetime(2026, 12, 1, 10, 30)
    assert invoice.returned_at == RETURNED_AT
    text = "\n".join(render_return_invoice(invoice))
    for expected in (
        "適格返還請求書",
        "T5835678256246",
        "テスト商店",
        "2026年12月06日",
        "2026年12月01日",
        "※商品21",
        "8%対象 返還額",
        "-￥143",
        "うち消費税",
        "-￥10",
        "-￥629",
        "-￥57",
        "※は軽減税率",
    ):
        assert expected in text, expected
    assert all(len(line.encode("cp932")) <= 42 for line in render_return_invoice(invoice))


def test_returning_a_line_in_parts_refunds_exactly_what_it_was_paid():
    original = sale_document(mixed_basket_with_coupon())
    first = plan_return(original, {1: 1}, return_id="r1", reason="x", staff_id="S001")
    docs = [_document(first)]
    # the second お茶 takes what is left: 286 − 143 = ¥143
    second = plan_return(
        original,
        {1: 1},
        return_id="r2",
        reason="x",
        staff_id="S001",
        taken=returned_so_far(docs, "sale-1"),
        refunded_by_rate=refunded_by_rate(docs),
    )
    assert [line.refund for line in second.lines] == [143]
    docs.append(_document(second, 2))
    assert returnable(original, returned_so_far(docs, "sale-1")) == {1: 0, 2: 1, 3: 1}


def test_all_lines_back_refund_the_sale_to_the_yen():
    original = sale_document(mixed_basket_with_coupon())
    plan = plan_return(original, {1: 2, 2: 1, 3: 1}, return_id="r", reason="x", staff_id="S001")
    # 8 %: 286 + 515 = 801, tax floor(59.33) = 59 — the sale's own figures
    assert [(r.rate_percent, r.gross, r.tax_amount) for r in plan.rates] == [
        (8, 801, 59),
        (10, 629, 57),
    ]
    assert plan.total == original["total"]


def test_an_over_return_is_refused_and_names_what_is_left():
    original = sale_document(mixed_basket_with_coupon())
    with pytest.raises(OverReturn) as refused:
        plan_return(original, {1: 3}, return_id="r", reason="x", staff_id="S001")
    assert (refused.value.asked, refused.value.left) == (3, 2)
    docs = [_document(plan_return(original, {3: 1}, return_id="r", reason="x", staff_id="S1"))]
    with pytest.raises(OverReturn):
        plan_return(
            original,
            {3: 1},
            return_id="r2",
            reason="x",
            staff_id="S1",
            taken=returned_so_far(docs, "sale-1"),
        )
    with pytest.raises(ReturnError):
        plan_return(original, {9: 1}, return_id="r", reason="x", staff_id="S1")
    with pytest.raises(ReturnError):
        plan_return(original, {}, return_id="r", reason="x", staff_id="S1")


def test_a_weighed_line_comes_back_by_weight():
    # GIVEN 345 g of beef at ¥1,980/kg = floor(683.1) = ¥683, with a −¥68 line promotion
    basket = Basket()
    line = basket.add_weighed(BEEF, 345)
    basket.adjustments = [
        Adjustment(
            "p",
            AdjustmentKind.PROMOTION,
            -68,
            store_text(ja="1割引", en="10% off"),
            (line.line_id,),
        )
    ]
    original = sale_document(basket)
    assert original["allocation"] == [{"line_id": 1, "paid": 615}]
    # WHEN 100 g come back THEN floor(615 × 100/345 = 178.26) = ¥178, tax floor(13.18) = ¥13
    plan = plan_return(original, {1: 100}, return_id="r", reason="x", staff_id="S1")
    assert [(r.gross, r.tax_amount) for r in plan.rates] == [(178, 13)]
    document = _document(plan)
    assert document["lines"][0]["weight_g"] == -100 and document["lines"][0]["quantity"] == 0
    # AND the other 245 g refund 615 − 178 = ¥437
    rest = plan_return(
        original,
        {1: 245},
        return_id="r2",
        reason="x",
        staff_id="S1",
        taken=returned_so_far([document], "sale-1"),
    )
    assert rest.total == 437


def test_split_tenders_are_refunded_last_paid_first():
    # GIVEN ¥1,430 paid with 200 points, then ¥1,230 cash
    original = sale_document(
        mixed_basket_with_coupon(), [("pay-pt", "points", 200), ("pay-cash", "cash", 1230)]
    )
    first = plan_return(original, {3: 1}, return_id="r1", reason="x", staff_id="S1")
    assert [(t.method, t.amount) for t in first.tenders] == [("cash", 629)]
    # WHEN the rest comes back THEN the cash left (1230 − 629 = 601) first, then 200 points
    rest = plan_return(
        original,
        {1: 2, 2: 1},
        return_id="r2",
        reason="x",
        staff_id="S1",
        taken=returned_so_far([_document(first)], "sale-1"),
        refundable_by_payment={"pay-pt": 200, "pay-cash": 601},
    )
    assert [(t.method, t.amount) for t in rest.tenders] == [("cash", 601), ("points", 200)]


def test_tax_exclusive_lines_add_their_tax_once_and_never_more_than_the_sale():
    # GIVEN two ¥999 外税 items at 10 %: the sale is 1998 + floor(199.8) = 2197, tax 199
    item = product(31, 999, TaxCategory.STANDARD, inclusive=False)
    basket = Basket()
    basket.add(item, 2)
    original = sale_document(basket)
    assert original["total"] == 2197
    # WHEN one comes back (rounding up) THEN 999 + ceil(99.9) = 1099, tax 100
    first = plan_return(
        original, {1: 1}, return_id="r1", reason="x", staff_id="S1", rounding=Rounding.CEIL
    )
    assert [(r.gross, r.tax_amount) for r in first.rates] == [(1099, 100)]
    # AND the second is capped at what the sale took on the rate: 2197 − 1099 = 1098
    docs = [_document(first)]
    second = plan_return(
        original,
        {1: 1},
        return_id="r2",
        reason="x",
        staff_id="S1",
        rounding=Rounding.CEIL,
        taken=returned_so_far(docs, "sale-1"),
        refunded_by_rate=refunded_by_rate(docs),
        refundable_by_payment={"pay-1": 2197 - 1099},
    )
    assert second.total == 1098
    assert sum(r.gross for r in first.rates + second.rates) == original["total"]


def test_allocation_ignores_voided_lines():
    basket = mixed_basket_with_coupon()
    basket.void_line(2, "removed by shopper")
    document = sale_document(basket)
    assert set(allocate_document(document)) == {1, 3}
    assert sum(a["paid"] for a in document["allocation"]) == document["total"]
    assert TaxCategory.REDUCED in {line.tax for line in allocate_document(document).values()}
