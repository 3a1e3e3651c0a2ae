"""The memoised walk over rule orders picks exactly the deals the previous walk picked.

Random baskets (up to 14 lines, quantities up to 60, uneven remainders) and up to seven
overlapping rules (past :data:`MAX_EXHAUSTIVE`, so the rules taken in id order are covered); every deal — rule, runs, saving, repeats — must be equal, in order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.basket import Basket
from plugins.promotions.pricing import remaining_after
from plugins.promotions.rules import PromotionRule
from plugins.promotions.solver import best_deals
from plugins.promotions.tests import reference_by_count as previous
from plugins.promotions.tests.test_deals_by_count import DEPARTMENTS, product, remainders


@st.composite
def big_baskets(draw):
    basket = Basket()
    for n in range(draw(st.integers(1, 14))):
        price = draw(st.integers(0, 400))
        department = draw(st.sampled_from(DEPARTMENTS))
        basket.add(product(n, price, department), draw(st.integers(1, 60)))
    return basket


@st.composite
def rules(draw) -> list[PromotionRule]:
    found = []
    for n in range(draw(st.integers(0, 7))):
        kind = draw(st.sampled_from(("mix_match", "buy_get", "time_sale", "department")))
        data: dict = {"type": kind, "department": draw(st.sampled_from(DEPARTMENTS))}
        if kind == "mix_match":
            data.update(quantity=draw(st.integers(2, 4)), price=draw(st.integers(0, 2000)))
        elif kind == "buy_get":
            data.update(
                buy=draw(st.integers(1, 3)),
                get=draw(st.integers(1, 2)),
                percent_off=draw(st.integers(1, 100)),
            )
        elif kind == "time_sale":
            data.update(start="00:00", end="23:59", amount_off=draw(st.integers(1, 500)))
        else:
            data.update(percent_off=draw(st.integers(1, 100)))
        found.append(PromotionRule.from_mapping(f"r{n}", data))
    return found


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_function_same_deals_as_the_previous_walk(data):
    basket = data.draw(big_baskets())
    lines = basket.active_lines
    if data.draw(st.booleans()):
        remaining = remaining_after(lines, [])
    else:
        remaining = data.draw(remainders(lines))
    promo_rules = data.draw(rules())
    assert best_deals(lines, remaining, promo_rules) == previous.best_deals(
        lines, remaining, promo_rules
    )
