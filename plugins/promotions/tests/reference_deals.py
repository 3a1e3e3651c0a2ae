"""The unit-by-unit promotions solver as it was before count-based runs: a test oracle only.

plugins/promotions/deals.py now works on runs of identical units (O(lines), not O(pieces));
the property test in test_deals_by_count.py checks that it chooses exactly what this did.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.domain.basket import BasketLine
from plugins.promotions.rules import PromotionRule

MAX_EXHAUSTIVE = 5


@dataclass(frozen=True, slots=True)
class Unit:
    line_id: int
    index: int
    price: int


@dataclass(frozen=True, slots=True)
class Deal:
    rule: PromotionRule
    units: tuple[Unit, ...]
    saving: int

    @property
    def line_ids(self) -> tuple[int, ...]:
        return tuple(sorted({u.line_id for u in self.units}))


def units_of(lines: Sequence[BasketLine], remaining: Mapping[int, int]) -> list[Unit]:
    """Units at their price after earlier stages (a line's remainder spread evenly)."""
    units = []
    for line in lines:
        if line.voided or line.line_id not in remaining:
            continue
        count = 1 if line.weight_g is not None else line.quantity
        each, extra = divmod(remaining[line.line_id], count)
        units += [Unit(line.line_id, i, each + (1 if i < extra else 0)) for i in range(count)]
    return units


def _dearest_first(units: Sequence[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (-u.price, u.line_id, u.index))


def deals_for(rule: PromotionRule, units: Sequence[Unit]) -> list[Deal]:
    """The deals ``rule`` makes from ``units`` (all eligible, none used yet)."""
    if rule.type == "mix_match":
        ordered = _dearest_first(units)
        deals = []
        for start in range(0, len(ordered) - rule.quantity + 1, rule.quantity):
            group = tuple(ordered[start : start + rule.quantity])
            saving = sum(u.price for u in group) - rule.price
            if saving > 0:
                deals.append(Deal(rule, group, saving))
        return deals
    if rule.type == "buy_get":
        size = rule.buy + rule.get
        ordered = _dearest_first(units)
        deals = []
        for start in range(0, len(ordered) - size + 1, size):
            group = tuple(ordered[start : start + size])
            free = group[rule.buy :]  # the cheapest of the group
            saving = sum(u.price * rule.percent_off // 100 for u in free)
            if saving > 0:
                deals.append(Deal(rule, group, saving))
        return deals
    per_line: dict[int, list[Unit]] = {}
    for unit in units:
        per_line.setdefault(unit.line_id, []).append(unit)
    deals = []
    for line_units in per_line.values():
        saving = sum(
            min(rule.amount_off, u.price) if rule.amount_off else u.price * rule.percent_off // 100
            for u in line_units
        )
        if saving > 0:
            deals.append(Deal(rule, tuple(line_units), saving))
    return deals


def _run(order: Sequence[PromotionRule], lines: Mapping[int, BasketLine], units: list[Unit]):
    free = set(units)
    chosen: list[Deal] = []
    for rule in order:
        eligible = [u for u in units if u in free and rule.eligible(lines[u.line_id])]
        for deal in deals_for(rule, eligible):
            chosen.append(deal)
            free.difference_update(deal.units)
    return chosen


def best_deals(
    lines: Sequence[BasketLine], remaining: Mapping[int, int], rules: Sequence[PromotionRule]
) -> list[Deal]:
    """The deals that save the shopper most; rules that share no unit are solved apart."""
    by_id = {line.line_id: line for line in lines if not line.voided}
    units = units_of(lines, remaining)
    reach = {
        r.rule_id: {u for u in units if r.eligible(by_id[u.line_id])}
        for r in sorted(rules, key=lambda r: r.rule_id)
    }
    applicable = [r for r in sorted(rules, key=lambda r: r.rule_id) if reach[r.rule_id]]
    chosen: list[Deal] = []
    for group in _conflict_groups(applicable, reach):
        group_units = [u for u in units if any(u in reach[r.rule_id] for r in group)]
        head, tail = group[:MAX_EXHAUSTIVE], group[MAX_EXHAUSTIVE:]
        best: list[Deal] = []
        best_saving = -1
        for order in itertools.permutations(head):
            deals = _run([*order, *tail], by_id, group_units)
            saving = sum(d.saving for d in deals)
            if saving > best_saving:
                best, best_saving = deals, saving
        chosen += best
    return chosen


def _conflict_groups(
    rules: Sequence[PromotionRule], reach: Mapping[str, set[Unit]]
) -> list[list[PromotionRule]]:
    """Rules joined when they can take the same unit (connected components, in id order)."""
    groups: list[list[PromotionRule]] = []
    for rule in rules:
        joined = [g for g in groups if any(reach[r.rule_id] & reach[rule.rule_id] for r in g)]
        merged = sorted([rule, *(r for g in joined for r in g)], key=lambda r: r.rule_id)
        groups = [g for g in groups if g not in joined] + [merged]
    return sorted(groups, key=lambda g: g[0].rule_id)
