"""Promotions pricing of a big basket: time per pricing against the same basket with no rules.

A 200-line basket (and 100 lines, to show the growth) with 5 overlapping promotions (two
department discounts, a mix-and-match, a buy-X-get-Y and a time sale over shared lines),
priced by ``best_deals`` + ``deal_offers`` as every scan does; the floor is the same call
with no rules, measured in the same run. Quantities ×30 show the cost does not depend on
them (runs of identical units are arithmetic).

    .venv/bin/python bench/promotions.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import itertools

from kiosk.domain.basket import Basket
from kiosk.domain.product import Product, TaxCategory
from plugins.promotions import deals as solver
from plugins.promotions.deals import best_deals, deal_offers
from plugins.promotions.pricing import remaining_after
from plugins.promotions.rules import PromotionRule
from plugins.promotions.tests import reference_by_count as previous_walk

DEPARTMENTS = ("food", "household", "produce", "drinks")

RULES = [
    PromotionRule.from_mapping(
        "d1", {"type": "department", "department": "food", "percent_off": 10}
    ),
    PromotionRule.from_mapping(
        "d2", {"type": "department", "department": "drinks", "percent_off": 5}
    ),
    PromotionRule.from_mapping(
        "m1", {"type": "mix_match", "quantity": 3, "price": 500, "department": "food"}
    ),
    PromotionRule.from_mapping(
        "b1", {"type": "buy_get", "buy": 2, "get": 1, "department": "drinks"}
    ),
    PromotionRule.from_mapping(
        "t1",
        {
            "type": "time_sale",
            "start": "00:00",
            "end": "23:59",
            "amount_off": 30,
            "skus": [f"S{n}" for n in range(0, 400, 3)],
        },
    ),
]


def basket(lines: int, scale: int = 1) -> Basket:
    made = Basket()
    for n in range(lines):
        product = Product(
            sku=f"S{n}",
            name_ja=f"商品{n}",
            name_en=f"Item {n}",
            price=100 + (n * 37) % 400,
            tax=TaxCategory.STANDARD,
            gtin=None,
            plu=f"{n:04d}",
            price_includes_tax=True,
            department=DEPARTMENTS[n % len(DEPARTMENTS)],
        )
        made.add(product, (1 + n % 3) * scale)
    return made


def every_order(lines, remaining, rules):
    """The previous solver: every order of a conflict group tried one after another."""
    by_id = {line.line_id: line for line in lines if not line.voided}
    runs = solver.runs_of(lines, remaining)
    held = {r.line_id for r in runs}
    ordered = sorted(rules, key=lambda r: r.rule_id)
    reach = {r.rule_id: {i for i in held if r.eligible(by_id[i])} for r in ordered}
    chosen = []
    for group in solver._conflict_groups([r for r in ordered if reach[r.rule_id]], reach):
        group_runs = [r for r in runs if any(r.line_id in reach[g.rule_id] for g in group)]
        keys = {
            g.rule_id: [(r.line_id, r.price) for r in group_runs if r.line_id in reach[g.rule_id]]
            for g in group
        }
        best, best_saving = [], -1
        for order in itertools.permutations(group[: solver.MAX_EXHAUSTIVE]):
            free = {(r.line_id, r.price): r for r in group_runs}
            deals, saving = [], 0
            for rule in [*order, *group[solver.MAX_EXHAUSTIVE :]]:
                taken, more = solver._take(rule, free, keys[rule.rule_id])
                deals, saving = deals + taken, saving + more
            if saving > best_saving:
                best, best_saving = deals, saving
        chosen += best
    return chosen


def per_call_ms(
    lines: int, rules: list[PromotionRule], scale: int = 1, repeat: int = 60, solve=best_deals
) -> float:
    b = basket(lines, scale)
    active = b.active_lines
    remaining = remaining_after(active, [])
    assert solve(active, remaining, rules) == best_deals(active, remaining, rules)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        deal_offers(solve(active, remaining, rules))
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    floor = per_call_ms(200, [])
    print("promotions pricing, median of 60 calls (best_deals + deal_offers)")
    print(f"  200 lines, no rules (floor)             {floor:7.3f} ms")
    results = {}
    for lines, scale in ((100, 1), (200, 1), (200, 30)):
        results[(lines, scale)] = ms = per_call_ms(lines, RULES, scale)
        label = f"{lines} lines, 5 rules" + (f", quantities x{scale}" if scale > 1 else "")
        print(f"  {label:40s} {ms:7.3f} ms   ({ms / floor:5.1f}x the floor)")
    walk = per_call_ms(200, RULES, solve=previous_walk.best_deals)
    print(
        f"  200 lines, 5 rules, previous walk         {walk:7.3f} ms   (takes re-priced at every node; new/previous {results[(200, 1)] / walk:.2f})"
    )
    old = per_call_ms(200, RULES, repeat=10, solve=every_order)
    print(
        f"  200 lines, 5 rules, every order tried    {old:7.3f} ms   (the previous solver; new/old {results[(200, 1)] / old:.2f})"
    )
    grow = results[(200, 1)] / results[(100, 1)]
    qty = results[(200, 30)] / results[(200, 1)]
    print(
        f"  200 lines / 100 lines: {grow:.2f}x   quantities x30 / x1: {qty:.2f}x   (goal: 200 lines <= 2 ms)"
    )


if __name__ == "__main__":
    main()
