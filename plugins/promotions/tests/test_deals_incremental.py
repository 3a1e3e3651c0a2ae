"""A solver kept through a sale prices every scan exactly as the previous walk does afresh.

GIVEN one :class:`DealSolver` kept across a random sale (scans of new and repeated items,
quantity changes, voids, uneven remainders after price changes, the rule set changing
midway) WHEN it prices the basket after every step THEN its deals — rule, runs, saving,
repeats, in order — and their offers are those of the walk frozen in ``reference_by_count``
run from nothing.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.basket import Basket
from plugins.promotions.deals import deal_offers
from plugins.promotions.pricing import remaining_after
from plugins.promotions.solver import DealSolver
from plugins.promotions.tests import reference_by_count as previous
from plugins.promotions.tests.test_deals_by_count import DEPARTMENTS, product, remainders
from plugins.promotions.tests.test_deals_memoised import rules


@st.composite
def steps(draw) -> list[tuple[str, int, int]]:
    """(what, item or line position, number): a sale as the shopper makes it."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(("scan", "scan", "scan", "quantity", "void", "reprice")),
                st.integers(0, 11),
                st.integers(1, 40),
            ),
            min_size=1,
            max_size=25,
        )
    )


def apply(basket: Basket, step: tuple[str, int, int], prices: dict[int, int]) -> None:
    what, n, number = step
    lines = basket.active_lines
    if what == "scan":
        basket.add(product(n, prices[n], DEPARTMENTS[n % len(DEPARTMENTS)]), number)
    elif what == "quantity" and lines:
        basket.set_quantity(lines[n % len(lines)].line_id, number)
    elif what == "void" and lines:
        basket.void_line(lines[n % len(lines)].line_id, "test")


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_function_a_kept_solver_prices_each_step_as_the_previous_walk(data):
    prices = {n: data.draw(st.integers(0, 400)) for n in range(12)}
    rule_sets = [data.draw(rules()), data.draw(rules())]
    solver = DealSolver(limit=data.draw(st.sampled_from([50, 100_000])))  # past 50 it forgets
    basket = Basket()
    for i, step in enumerate(data.draw(steps())):
        apply(basket, step, prices)
        lines = basket.active_lines
        remaining = remaining_after(lines, [])
        if step[0] == "reprice":
            remaining = data.draw(remainders(lines))
        promo_rules = rule_sets[i * 2 // 25]  # the second set from step 13 on
        expected = previous.best_deals(lines, remaining, promo_rules)
        got = solver.best_deals(lines, remaining, promo_rules)
        assert got == expected
        assert solver.offers(got) == deal_offers(expected)
