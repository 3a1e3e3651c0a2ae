"""The by-count solver as it was before its takes were memoised (commit ce66b08), frozen here
so ``test_deals_memoised`` can check the faster walk picks exactly the same deals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kiosk.domain.basket import BasketLine
from plugins.promotions.deals import (
    MAX_EXHAUSTIVE,
    Deal,
    Run,
    RunKey,
    _conflict_groups,
    _take,
    runs_of,
)
from plugins.promotions.rules import PromotionRule


def _best_order(
    group: Sequence[PromotionRule], runs: Sequence[Run], reach: Mapping[str, set[int]]
) -> list[Deal]:
    """The deals of the order of ``group`` that saves most (ties: first in rule-id order).

    The same choice as trying every order one by one, but searched as a tree of prefixes
    with each subtree solved once per distinct state: what is left to try and what is still
    free. Rules on disjoint lines commute, so most orders meet in a state already solved.
    """
    head, tail = list(group[:MAX_EXHAUSTIVE]), list(group[MAX_EXHAUSTIVE:])
    start = {(r.line_id, r.price): r for r in runs}
    order = list(start)
    keys = {rule.rule_id: [k for k in order if k[0] in reach[rule.rule_id]] for rule in group}
    solved: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, list[Deal]]] = {}

    def solve(left: tuple[int, ...], free: dict[RunKey, Run]) -> tuple[int, list[Deal]]:
        state = (left, tuple(free[k].count for k in order))
        if state in solved:
            return solved[state]
        best: tuple[int, list[Deal]] | None = None
        if not left:
            free = dict(free)
            deals, saving = [], 0
            for rule in tail:
                taken, more = _take(rule, free, keys[rule.rule_id])
                deals += taken
                saving += more
            best = (saving, deals)
        for i in left:
            after = dict(free)
            taken, saving = _take(head[i], after, keys[head[i].rule_id])
            rest_saving, rest = solve(tuple(j for j in left if j != i), after)
            if best is None or saving + rest_saving > best[0]:
                best = (saving + rest_saving, taken + rest)
        assert best is not None
        solved[state] = best
        return best

    return solve(tuple(range(len(head))), start)[1]


def best_deals(
    lines: Sequence[BasketLine], remaining: Mapping[int, int], rules: Sequence[PromotionRule]
) -> list[Deal]:
    """The deals that save the shopper most; rules that share no line are solved apart."""
    by_id = {line.line_id: line for line in lines if not line.voided}
    runs = runs_of(lines, remaining)
    held = {r.line_id for r in runs}
    reach = {
        r.rule_id: {i for i in held if r.eligible(by_id[i])}
        for r in sorted(rules, key=lambda r: r.rule_id)
    }
    applicable = [r for r in sorted(rules, key=lambda r: r.rule_id) if reach[r.rule_id]]
    chosen: list[Deal] = []
    for group in _conflict_groups(applicable, reach):
        group_runs = [r for r in runs if any(r.line_id in reach[g.rule_id] for g in group)]
        chosen += _best_order(group, group_runs, reach)
    return chosen
