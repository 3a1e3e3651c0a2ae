"""Which promotions a basket gets: the best combination for the shopper, deterministically.

The basket is split into units (a line of 3 is three units; a weighed line is one), each at
its price after member prices and markdowns. A unit takes part in at most one promotion.
Rules take units one after another; every order of the applicable rules is in effect tried
(rules that can take the same unit are solved together, up to :data:`MAX_EXHAUSTIVE` of them
in every order, any more following in id order) and the order that saves the most wins; ties
go to the first order in rule-id order. The orders are searched as a tree of prefixes, each
distinct state (rules left, units still free) solved once; :mod:`.solver` does that and keeps
its work from one scan to the next. Within a rule the choice is fixed too: mix-and-match
groups take the dearest units first (the most saving), buy-X-get-Y gives the cheapest of
each group free, as shops print it.

Units are never made one by one: a line's units come in at most two :class:`Run` s of equal
price (its remainder spread evenly puts 1 yen more on the first few), and identical groups
in a row are one :class:`Deal` with ``times``. So the work is O(lines) whatever the
quantities (a line of 10^8 once made 10^8 objects). ``plugins/promotions/tests`` checks
that this chooses exactly what the unit-by-unit solver did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.domain.basket import AdjustmentKind, BasketLine
from kiosk.messages import Message
from plugins.promotions.pricing import STAGE_PROMOTION, Offer
from plugins.promotions.rules import PromotionRule

MAX_EXHAUSTIVE = 5


@dataclass(frozen=True, slots=True)
class Run:
    """``count`` units of one line at one ``price``: unit indices ``first`` … ``first+count-1``."""

    line_id: int
    first: int
    count: int
    price: int


@dataclass(frozen=True, slots=True)
class Deal:
    """One group of units a rule takes (``runs``, saving ``saving``), ``times`` in a row.

    With ``times`` > 1 the group is one run and each repeat takes the run's next units.
    """

    rule: PromotionRule
    runs: tuple[Run, ...]
    saving: int
    times: int = 1

    @property
    def line_ids(self) -> tuple[int, ...]:
        return tuple(sorted({r.line_id for r in self.runs}))

    @property
    def pieces(self) -> int:
        return sum(r.count for r in self.runs) * self.times

    @property
    def total_saving(self) -> int:
        return self.saving * self.times

    @property
    def gross(self) -> int:
        """What the units cost before this deal."""
        return sum(r.price * r.count for r in self.runs) * self.times


def runs_of(lines: Sequence[BasketLine], remaining: Mapping[int, int]) -> list[Run]:
    """Units at their price after earlier stages (a line's remainder spread evenly)."""
    runs = []
    for line in lines:
        if line.voided or line.line_id not in remaining:
            continue
        count = 1 if line.weight_g is not None else line.quantity
        each, extra = divmod(remaining[line.line_id], count)
        if extra:
            runs.append(Run(line.line_id, 0, extra, each + 1))
        if count > extra:
            runs.append(Run(line.line_id, extra, count - extra, each))
    return runs


def _dearest_first(runs: Sequence[Run]) -> list[Run]:
    return sorted(runs, key=lambda r: (-r.price, r.line_id, r.first))


def _groups(runs: Sequence[Run], size: int) -> list[tuple[tuple[Run, ...], int]]:
    """Consecutive groups of ``size`` units in the order given, as (group, repeats).

    Whole groups inside one run are counted, not listed; a group across runs is listed.
    """
    out: list[tuple[tuple[Run, ...], int]] = []
    left = sum(r.count for r in runs)
    i, taken = 0, 0  # the run at hand and how many of its units are grouped already
    while left >= size:
        run = runs[i]
        whole = (run.count - taken) // size
        if whole:
            out.append(((Run(run.line_id, run.first + taken, size, run.price),), whole))
            taken += whole * size
            left -= whole * size
        else:
            parts, need = [], size
            while need:
                run = runs[i]
                take = min(run.count - taken, need)
                parts.append(Run(run.line_id, run.first + taken, take, run.price))
                need, taken = need - take, taken + take
                if taken == run.count:
                    i, taken = i + 1, 0
            out.append((tuple(parts), 1))
            left -= size
            continue
        if taken == run.count:
            i, taken = i + 1, 0
    return out


def _cheapest(group: Sequence[Run], n: int) -> list[Run]:
    """The last ``n`` units of a dearest-first group."""
    out, need = [], n
    for run in reversed(group):
        take = min(run.count, need)
        if take:
            out.append(Run(run.line_id, run.first + run.count - take, take, run.price))
        need -= take
    return out


def deals_for(rule: PromotionRule, runs: Sequence[Run]) -> list[Deal]:
    """The deals ``rule`` makes from ``runs`` (all eligible, none used yet)."""
    if rule.type in ("mix_match", "buy_get"):
        size = rule.quantity if rule.type == "mix_match" else rule.buy + rule.get
        deals = []
        for group, times in _groups(_dearest_first(runs), size):
            if rule.type == "mix_match":
                saving = sum(r.price * r.count for r in group) - rule.price
            else:  # the cheapest of the group go free
                free = _cheapest(group, rule.get)
                saving = sum(r.price * rule.percent_off // 100 * r.count for r in free)
            if saving > 0:
                deals.append(Deal(rule, group, saving, times))
        return deals
    per_line: dict[int, list[Run]] = {}
    for run in runs:
        per_line.setdefault(run.line_id, []).append(run)
    deals = []
    for line_runs in per_line.values():
        line_runs.sort(key=lambda r: r.first)
        saving = sum(
            (
                min(rule.amount_off, r.price)
                if rule.amount_off
                else r.price * rule.percent_off // 100
            )
            * r.count
            for r in line_runs
        )
        if saving > 0:
            deals.append(Deal(rule, tuple(line_runs), saving))
    return deals


RunKey = tuple[int, int]  # (line_id, price): a line's units at one price


def _take(
    rule: PromotionRule, free: dict[RunKey, Run], keys: Sequence[RunKey]
) -> tuple[list[Deal], int]:
    """The deals ``rule`` makes from what is still ``free`` of its ``keys``; ``free`` is updated.

    A rule takes the dearest of what is free and stops where saving stops (it only falls
    along dearest-first order), so what it takes from a run is always the run's first free
    units: the free part stays one run.
    """
    deals = deals_for(rule, [free[k] for k in keys if free[k].count])
    for deal in deals:
        for part in deal.runs:
            key = (part.line_id, part.price)
            now = free[key]
            used = part.count * deal.times
            assert part.first == now.first, "a deal took units out of order"
            free[key] = Run(now.line_id, now.first + used, now.count - used, now.price)
    return deals, sum(d.total_saving for d in deals)


def _conflict_groups(
    rules: Sequence[PromotionRule], reach: Mapping[str, set[int]]
) -> list[list[PromotionRule]]:
    """Rules joined when they can take the same line (connected components, in id order)."""
    groups: list[list[PromotionRule]] = []
    for rule in rules:
        joined = [g for g in groups if any(reach[r.rule_id] & reach[rule.rule_id] for r in g)]
        merged = sorted([rule, *(r for g in joined for r in g)], key=lambda r: r.rule_id)
        groups = [g for g in groups if g not in joined] + [merged]
    return sorted(groups, key=lambda g: g[0].rule_id)


def deal_offers(deals: Sequence[Deal]) -> list[Offer]:
    """One offer per deal (repeats of one group are one offer), labelled for the receipt."""
    offers = []
    counts: dict[str, int] = {}
    for deal in deals:
        n = counts[deal.rule.rule_id] = counts.get(deal.rule.rule_id, 0) + 1
        offers.append(deal_offer(deal, n))
    return offers


def deal_offer(deal: Deal, n: int) -> Offer:
    """The offer of ``deal``, the ``n``-th of its rule in the basket (numbered from 1)."""
    rule = deal.rule
    return Offer(
        key=f"promo-{rule.rule_id}-{n:03d}",
        kind=AdjustmentKind.PROMOTION,
        message=Message.of("{label} x{n}", "plugins.promotions", label=rule.label, n=deal.pieces),
        stage=STAGE_PROMOTION,
        amount_off=deal.total_saving,
        line_ids=deal.line_ids,
        source="promotions",
    )
