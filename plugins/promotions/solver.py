"""The deals search of :mod:`.deals`, keeping its work from one scan to the next.

A scan changes one line; the rules that cannot take it make the same takes as before. So a
:class:`DealSolver` lives as long as the sale and remembers, by content, every take it
worked out. What it remembers is keyed like this:

- Lines are sorted into *classes*: the lines the same set of rules can take (in the bench's
  basket: food on the time sale, food off it, drinks on it, ...), a handful per basket. A
  class's units (its :class:`~.deals.Run` s, in basket order) are its *content*; what is still
  free of them after some takes is a tuple of counts. Each (content, counts) pair is
  interned once as a small integer, so a state of the search is a short tuple of integers.
- A rule's take is remembered on the states of its own classes. A per-line rule (time sale,
  department) takes each line on its own, so its take is remembered per class and a new
  line costs the take of that line's class only.

The search over rule orders is the one :mod:`.deals` describes (every order of up to
:data:`~.deals.MAX_EXHAUSTIVE` rules in a conflict group, the first best in rule-id order);
``plugins/promotions/tests`` checks the deals are exactly the previous walk's, a solver kept
across random scans, quantity changes and voids included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kiosk.domain.basket import BasketLine
from plugins.promotions.deals import (
    MAX_EXHAUSTIVE,
    Deal,
    Run,
    _conflict_groups,
    _take,
    deal_offer,
    runs_of,
)
from plugins.promotions.pricing import Offer
from plugins.promotions.rules import PromotionRule

PER_LINE = ("time_sale", "department")  # rules whose take on a line ignores the other lines

Taken = tuple[list[Deal], int, tuple[int, ...]]  # deals, their saving, the class states after


class DealSolver:
    """:func:`best_deals` that keeps what it worked out for the next call (one per sale).

    ``limit`` bounds what is kept: past it everything is forgotten and worked out again.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._rules: list[PromotionRule] = []
        self.clear()

    def clear(self) -> None:
        self._signatures: dict[tuple[str, str | None], tuple[int, ...]] = {}
        self._contents: dict[tuple, int] = {}  # a class's units → its id
        self._units: list[tuple[tuple[int, Run], ...]] = []  # id → (basket order, run)
        self._states: dict[tuple[int, tuple[int, ...]], int] = {}  # (content, free) → id
        self._state: list[tuple[int, tuple[int, ...]]] = []
        self._takes: dict[tuple[int, tuple[int, ...]], Taken] = {}
        self._line_takes: dict[tuple[int, int], tuple[list[tuple[int, Deal]], int, int]] = {}
        self._offers: dict[int, tuple[Deal, int, Offer]] = {}

    def _kept(self) -> int:
        return len(self._states) + len(self._takes) + len(self._line_takes) + len(self._offers)

    def best_deals(
        self,
        lines: Sequence[BasketLine],
        remaining: Mapping[int, int],
        rules: Sequence[PromotionRule],
    ) -> list[Deal]:
        """The deals that save the shopper most (as :func:`.deals` describes)."""
        ordered = sorted(rules, key=lambda r: r.rule_id)
        if ordered != self._rules or self._kept() > self.limit:
            self.clear()
            self._rules = ordered
        by_id = {line.line_id: line for line in lines if not line.voided}
        classes: dict[tuple[int, ...], list[tuple[int, Run]]] = {}
        for pos, run in enumerate(runs_of(lines, remaining)):
            signature = self._signature(by_id[run.line_id])
            if signature:
                classes.setdefault(signature, []).append((pos, run))
        signatures = list(classes)
        reach = {r.rule_id: set() for r in ordered}
        for c, signature in enumerate(signatures):
            for k in signature:
                reach[ordered[k].rule_id].add(c)
        applicable = [r for r in ordered if reach[r.rule_id]]
        index = {r.rule_id: k for k, r in enumerate(ordered)}
        chosen: list[Deal] = []
        for group in _conflict_groups(applicable, reach):
            mine = sorted({c for r in group for c in reach[r.rule_id]})
            start = tuple(self._start(classes[signatures[c]]) for c in mine)
            where = {c: i for i, c in enumerate(mine)}
            own = {
                index[r.rule_id]: tuple(where[c] for c in sorted(reach[r.rule_id])) for r in group
            }
            chosen += self._best_order([index[r.rule_id] for r in group], own, start)
        return chosen

    def offers(self, deals: Sequence[Deal]) -> list[Offer]:
        """:func:`.deals.deal_offers` of ``deals``, each offer made once per deal and number."""
        out = []
        counts: dict[str, int] = {}
        for deal in deals:
            n = counts[deal.rule.rule_id] = counts.get(deal.rule.rule_id, 0) + 1
            hit = self._offers.get(id(deal))
            if hit is None or hit[0] is not deal or hit[1] != n:
                # the deal is kept with its offer, so its id is not reused while this entry lives
                hit = self._offers[id(deal)] = (deal, n, deal_offer(deal, n))
            out.append(hit[2])
        return out

    # --- classes and their states ---------------------------------------------------------

    def _signature(self, line: BasketLine) -> tuple[int, ...]:
        """Which rules (positions in id order) can take ``line``: eligibility is by product."""
        key = (line.product.sku, line.product.department)
        found = self._signatures.get(key)
        if found is None:
            found = self._signatures[key] = tuple(
                k for k, rule in enumerate(self._rules) if rule.eligible(line)
            )
        return found

    def _start(self, units: list[tuple[int, Run]]) -> int:
        """The state of a class with all its units free."""
        content = tuple((pos, r.line_id, r.first, r.count, r.price) for pos, r in units)
        cid = self._contents.get(content)
        if cid is None:
            cid = self._contents[content] = len(self._units)
            self._units.append(tuple(units))
        return self._intern(cid, tuple(r.count for _, r in units))

    def _intern(self, cid: int, free: tuple[int, ...]) -> int:
        sid = self._states.get((cid, free))
        if sid is None:
            sid = self._states[(cid, free)] = len(self._state)
            self._state.append((cid, free))
        return sid

    def _free_runs(self, sid: int) -> list[tuple[int, Run]]:
        """A class's free units: a run's untaken units are always its last ones."""
        cid, free = self._state[sid]
        return [
            (pos, Run(r.line_id, r.first + r.count - count, count, r.price))
            for (pos, r), count in zip(self._units[cid], free, strict=True)
            if count
        ]

    def _after(self, sid: int, left: Mapping[tuple[int, int], Run]) -> int:
        """The state of class ``sid`` once only ``left`` of its runs are free."""
        cid, _ = self._state[sid]
        gone = Run(0, 0, 0, 0)  # a run with nothing free is not in ``left``
        free = tuple(left.get((r.line_id, r.price), gone).count for _, r in self._units[cid])
        return self._intern(cid, free)

    # --- takes ----------------------------------------------------------------------------

    def _take(self, k: int, states: tuple[int, ...]) -> Taken:
        """Rule ``k``'s take from its classes in ``states``: deals, saving, states after."""
        key = (k, states)
        hit = self._takes.get(key)
        if hit is not None:
            return hit
        rule = self._rules[k]
        if rule.type in PER_LINE:
            parts = [self._line_take(k, sid) for sid in states]
            placed = sorted((p for deals, _, _ in parts for p in deals), key=lambda p: p[0])
            hit = ([d for _, d in placed], sum(s for _, s, _ in parts), tuple(a for *_, a in parts))
        else:
            units = sorted((u for sid in states for u in self._free_runs(sid)), key=lambda u: u[0])
            free = {(r.line_id, r.price): r for _, r in units}
            deals, saving = _take(rule, free, list(free))
            hit = (deals, saving, tuple(self._after(sid, free) for sid in states))
        self._takes[key] = hit
        return hit

    def _line_take(self, k: int, sid: int) -> tuple[list[tuple[int, Deal]], int, int]:
        """A per-line rule's take from one class: (basket order, deal) pairs, saving, after."""
        key = (k, sid)
        hit = self._line_takes.get(key)
        if hit is None:
            units = self._free_runs(sid)
            order = {}
            for pos, r in units:
                order.setdefault(r.line_id, pos)
            free = {(r.line_id, r.price): r for _, r in units}
            deals, saving = _take(self._rules[k], free, list(free))
            placed = [(order[d.runs[0].line_id], d) for d in deals]
            hit = self._line_takes[key] = (placed, saving, self._after(sid, free))
        return hit

    # --- the search over orders -----------------------------------------------------------

    def _best_order(
        self, group: list[int], own: Mapping[int, tuple[int, ...]], start: tuple[int, ...]
    ) -> list[Deal]:
        """The deals of the order of ``group`` that saves most (ties: first in rule-id order).

        A tree of prefixes, each distinct state (rules left, class states) solved once.
        """
        head, tail = group[:MAX_EXHAUSTIVE], group[MAX_EXHAUSTIVE:]
        solved: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, list[Deal]]] = {}

        def take(k: int, states: tuple[int, ...]) -> tuple[list[Deal], int, tuple[int, ...]]:
            mine = own[k]
            deals, saving, after = self._take(k, tuple(states[i] for i in mine))
            if not deals:
                return deals, saving, states
            changed = list(states)
            for i, sid in zip(mine, after, strict=True):
                changed[i] = sid
            return deals, saving, tuple(changed)

        def solve(left: tuple[int, ...], states: tuple[int, ...]) -> tuple[int, list[Deal]]:
            key = (left, states)
            found = solved.get(key)
            if found is not None:
                return found
            best: tuple[int, list[Deal]] | None = None
            if not left:
                deals: list[Deal] = []
                saving = 0
                for k in tail:
                    taken, more, states = take(k, states)
                    deals += taken
                    saving += more
                best = (saving, deals)
            for i in left:
                taken, saving, after = take(head[i], states)
                rest_saving, rest = solve(tuple(j for j in left if j != i), after)
                if best is None or saving + rest_saving > best[0]:
                    best = (saving + rest_saving, taken + rest)
            assert best is not None
            solved[key] = best
            return best

        return solve(tuple(range(len(head))), start)[1]


def best_deals(
    lines: Sequence[BasketLine], remaining: Mapping[int, int], rules: Sequence[PromotionRule]
) -> list[Deal]:
    """The deals that save the shopper most, worked out afresh (no solver kept)."""
    return DealSolver().best_deals(lines, remaining, rules)
