"""Properties of settling promotions and coupons together, on generated baskets:

- no combination makes a line, a rate or the basket negative (``compute_totals`` agrees);
- the discount never exceeds what the offers state;
- the result does not depend on the order offers arrive in.
"""

from __future__ import annotations

import random
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.basket import AdjustmentKind, Basket
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.tax import compute_totals
from kiosk.messages import store_text
from plugins.promotions.deals import deal_offers
from plugins.promotions.pricing import Offer, remaining_after, settle
from plugins.promotions.rules import PromotionRule
from plugins.promotions.solver import best_deals

DEPARTMENTS = ("food", "household", "produce")
NOW = datetime(2026, 3, 2, 17, 0)


@st.composite
def baskets(draw, inclusive_only: bool = False):
    basket = Basket()
    for n in range(draw(st.integers(1, 6))):
        product = Product(
            sku=f"S{n}",
            name_ja=f"商品{n}",
            name_en=f"Item {n}",
            price=draw(st.integers(0, 3000)),
            tax=draw(st.sampled_from(TaxCategory)),
            gtin=None,
            plu=f"{n:03d}",
            price_includes_tax=True if inclusive_only else draw(st.booleans()),
            department=draw(st.sampled_from(DEPARTMENTS)),
        )
        basket.add(product, draw(st.integers(1, 4)))
    return basket


@st.composite
def offers(draw, line_ids):
    found = []
    for n in range(draw(st.integers(0, 6))):
        percent = draw(st.booleans())
        found.append(
            Offer(
                key=f"o{n}",
                kind=draw(st.sampled_from(AdjustmentKind)),
                message=store_text(ja="x", en="x"),
                stage=draw(st.integers(0, 4)),
                amount_off=0 if percent else draw(st.integers(0, 5000)),
                percent_off=draw(st.integers(1, 100)) if percent else 0,
                line_ids=tuple(draw(st.lists(st.sampled_from(line_ids), max_size=3, unique=True))),
                min_spend=draw(st.sampled_from((0, 0, 500, 3000))),
                exclusive=draw(st.booleans()),
            )
        )
    return found


@st.composite
def rules(draw):
    found = []
    for n in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(("mix_match", "buy_get", "time_sale", "department")))
        data = {"type": kind, "department": draw(st.sampled_from(DEPARTMENTS))}
        if kind == "mix_match":
            data.update(quantity=draw(st.integers(2, 4)), price=draw(st.integers(0, 2000)))
        elif kind == "buy_get":
            data.update(
                buy=draw(st.integers(1, 3)),
                get=draw(st.integers(1, 2)),
                percent_off=draw(st.integers(1, 100)),
            )
        elif kind == "time_sale":
            data.update(start="16:00", end="19:00", amount_off=draw(st.integers(1, 500)))
        else:
            data.update(percent_off=draw(st.integers(1, 100)))
        found.append(PromotionRule.from_mapping(f"r{n}", data))
    return found


def _stated(offer: Offer, basket: Basket) -> int:
    if offer.percent_off:
        held = sum(line.amount for line in basket.active_lines)
        return held * offer.percent_off // 100
    return offer.amount_off


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_line_or_basket_goes_negative_and_no_more_than_stated_comes_off(data):
    basket = data.draw(baskets())
    line_ids = [line.line_id for line in basket.active_lines]
    coupon_offers = data.draw(offers(line_ids))
    lines = basket.active_lines
    remaining = remaining_after(lines, settle(lines, [o for o in coupon_offers if o.stage == 0]))
    deals = best_deals(lines, remaining, [r for r in data.draw(rules()) if r.active(NOW)])
    all_offers = [*coupon_offers, *deal_offers(deals)]

    adjustments = settle(lines, all_offers)
    totals = compute_totals(lines, adjustments)  # raises if any line would go negative

    assert all(amount >= 0 for amount in remaining_after(lines, adjustments).values())
    assert all(rate.gross >= 0 and rate.tax_amount >= 0 for rate in totals.rates)
    assert totals.total >= 0
    taken = -sum(a.amount for a in adjustments)
    assert 0 <= taken <= sum(_stated(o, basket) for o in all_offers)
    for deal in deals:
        assert 0 < deal.total_saving <= deal.gross


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_with_tax_inclusive_prices_the_total_drops_by_exactly_the_adjustments(data):
    basket = data.draw(baskets(inclusive_only=True))
    lines = basket.active_lines
    adjustments = settle(lines, data.draw(offers([line.line_id for line in lines])))
    before = compute_totals(lines).total
    after = compute_totals(lines, adjustments).total
    assert before - after == -sum(a.amount for a in adjustments)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_order_offers_arrive_in_does_not_matter(data):
    basket = data.draw(baskets())
    lines = basket.active_lines
    found = data.draw(offers([line.line_id for line in lines]))
    shuffled = list(found)
    random.Random(data.draw(st.integers())).shuffle(shuffled)
    assert settle(lines, found) == settle(lines, shuffled)
    promo_rules = data.draw(rules())
    remaining = remaining_after(lines, [])
    assert best_deals(lines, remaining, promo_rules) == best_deals(
        lines, remaining, list(reversed(promo_rules))
    )
