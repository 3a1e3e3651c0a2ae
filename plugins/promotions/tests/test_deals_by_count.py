"""The count-based solver chooses exactly what the unit-by-unit one did, in O(lines).

GIVEN generated baskets and rules WHEN both solvers run THEN the same units go to the same
rules with the same savings; and a line of 10^8 pieces is solved at once.
"""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.basket import Basket, BasketLine
from kiosk.domain.product import Product, TaxCategory
from plugins.promotions import deals as by_count
from plugins.promotions.deals import deal_offers
from plugins.promotions.pricing import remaining_after
from plugins.promotions.rules import PromotionRule
from plugins.promotions.solver import best_deals
from plugins.promotions.tests import reference_deals as by_unit
from plugins.promotions.tests.test_pricing_properties import rules

DEPARTMENTS = ("food", "household", "produce")


def product(n: int, price: int, department: str) -> Product:
    return Product(
        sku=f"S{n}",
        name_ja=f"商品{n}",
        name_en=f"Item {n}",
        price=price,
        tax=TaxCategory.STANDARD,
        gtin=None,
        plu=f"{n:03d}",
        price_includes_tax=True,
        department=department,
    )


@st.composite
def baskets(draw):
    basket = Basket()
    for n in range(draw(st.integers(1, 6))):
        # cheap prices make ties and uneven remainders (two runs on a line) common
        price = draw(st.integers(0, 400))
        basket.add(product(n, price, draw(st.sampled_from(DEPARTMENTS))), draw(st.integers(1, 9)))
    return basket


@st.composite
def remainders(draw, lines: list[BasketLine]) -> dict[int, int]:
    """What each line holds after price changes: at most its amount, often uneven."""
    return {line.line_id: draw(st.integers(0, line.amount)) for line in lines}


def as_units(deals: list[by_count.Deal]) -> list[tuple[str, tuple[tuple[int, int, int], ...], int]]:
    """Expand count-based deals to the unit-by-unit solver's shape."""
    out = []
    for deal in deals:
        for t in range(deal.times):
            units = tuple(
                (run.line_id, run.first + t * run.count + i, run.price)
                for run in deal.runs
                for i in range(run.count)
            )
            out.append((deal.rule.rule_id, units, deal.saving))
    return out


def reference(deals: list[by_unit.Deal]) -> list[tuple[str, tuple[tuple[int, int, int], ...], int]]:
    return [
        (d.rule.rule_id, tuple((u.line_id, u.index, u.price) for u in d.units), d.saving)
        for d in deals
    ]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_function_same_choice_as_the_unit_by_unit_solver(data):
    basket = data.draw(baskets())
    lines = basket.active_lines
    remaining = data.draw(st.sampled_from([remaining_after(lines, []), None])) or data.draw(
        remainders(lines)
    )
    promo_rules = data.draw(rules())
    assert as_units(best_deals(lines, remaining, promo_rules)) == reference(
        by_unit.best_deals(lines, remaining, promo_rules)
    )


MIX = PromotionRule.from_mapping(
    "mix",
    {"type": "mix_match", "quantity": 3, "price": 400, "skus": ["S1"], "label_en": "Any 3 for 400"},
)


def test_function_a_hundred_million_pieces_are_solved_at_once():
    """Quantity 10^8 once made one object per piece (1.5 GB in 15 s); now it is arithmetic.

    The basket refuses such a quantity (kiosk.domain.limits); this calls the solver directly.
    """
    line = BasketLine(1, product(1, 150, "food"), quantity=10**8, unit_price=150)
    start = time.perf_counter()
    [deal] = best_deals([line], {1: line.amount}, [MIX])
    assert time.perf_counter() - start < 0.5
    groups = 10**8 // 3
    assert (deal.times, deal.saving, deal.total_saving) == (groups, 50, 50 * groups)
    [offer] = deal_offers([deal])
    assert (offer.amount_off, offer.message.render("en")) == (
        50 * groups,
        f"Any 3 for 400 x{groups * 3}",
    )
