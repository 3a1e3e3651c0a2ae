"""Promotions pricing of a big basket: time per pricing against the same basket with no rules.

A 200-line basket (and 100 lines, to show the growth) with 5 overlapping promotions (two
department discounts, a mix-and-match, a buy-X-get-Y and a time sale over shared lines),
priced by ``best_deals`` + ``deal_offers``; the floor is the same call with no rules,
measured in the same run. Quantities ×30 show the cost does not depend on them (runs of
identical units are arithmetic).

"One scan" is what the kiosk does: the sale's :class:`DealSolver` has priced the basket
before the scan, and prices it again with the 200th line added (or a repeat scan of a line
already there); the last item varies over the rules' overlaps. "Afresh" is a solver with
nothing kept, as every pricing was before.

    .venv/bin/python bench/promotions.py
    .venv/bin/python bench/promotions.py --instructions   # callgrind counts, any machine load

``--instructions`` runs each measure under ``valgrind --tool=callgrind`` twice (N calls and
none) and divides the difference by N: instructions per call, whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import itertools

from kiosk.domain.basket import Basket
from kiosk.domain.product import Product, TaxCategory
from plugins.promotions import deals as solver
from plugins.promotions.deals import deal_offers
from plugins.promotions.pricing import remaining_after
from plugins.promotions.rules import PromotionRule
from plugins.promotions.solver import DealSolver, best_deals
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


def basket(lines: int, scale: int = 1, offset: int = 0) -> Basket:
    made = Basket()
    for n in range(offset, offset + lines):
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


def scan_calls(rules: list[PromotionRule], trial: int, repeat: bool = False):
    """A sale's solver primed on 199 lines (200 for a repeat scan) and the scan's pricing."""
    b = basket(200, offset=trial % 12)  # 12 offsets: every department on and off the time sale
    lines = b.active_lines
    kept = DealSolver()
    before = lines if repeat else lines[:-1]
    kept.offers(kept.best_deals(before, remaining_after(before, []), rules))
    if repeat:
        b.add(lines[(trial * 7) % 200].product)  # merges: one more unit on that line
    after = b.active_lines
    remaining = remaining_after(after, [])

    def scan() -> list:
        return kept.offers(kept.best_deals(after, remaining, rules))

    return scan, after, remaining


def per_scan_ms(rules: list[PromotionRule], repeat: bool = False, trials: int = 60) -> float:
    times = []
    for trial in range(trials):
        scan, after, remaining = scan_calls(rules, trial, repeat)
        began = time.perf_counter()
        offers = scan()
        times.append(time.perf_counter() - began)
        assert offers == deal_offers(previous_walk.best_deals(after, remaining, rules))
    return statistics.median(times) * 1000


def afresh_call():
    """A pricing with nothing kept (how every scan priced before the kept solver)."""
    lines = basket(200, offset=5).active_lines
    remaining = remaining_after(lines, [])
    return lambda: deal_offers(best_deals(lines, remaining, RULES))


MEASURES = {  # name → a fresh call to count, for --instructions
    "floor": lambda: scan_calls([], 5)[0],
    "scan": lambda: scan_calls(RULES, 5)[0],
    "afresh": afresh_call,
}


PRIMED = 10  # calls made ready in every run, so N calls and none differ only by the calls


def run_measure(name: str, calls: int) -> None:
    """Make :data:`PRIMED` calls ready (solvers primed on the basket before the scan), make ``calls`` of them."""
    ready = [MEASURES[name]() for _ in range(PRIMED)]
    for call in ready[:calls]:
        call()


def instructions(name: str, calls: int) -> int:
    out = Path(f"/tmp/promotions-{name}-{calls}.callgrind")
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--measure",
            name,
            "--calls",
            str(calls),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out.unlink(missing_ok=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def instruction_ratios(calls: int = PRIMED) -> None:
    """Instructions per pricing: (N calls − 0 calls) / N, each under callgrind."""
    per = {}
    for name in MEASURES:
        per[name] = (instructions(name, calls) - instructions(name, 0)) / calls
        print(f"  {name:8s} {per[name] / 1e6:8.2f} M instructions per call", flush=True)
    print(
        f"  one scan / no-rules floor {per['scan'] / per['floor']:.1f}x   "
        f"one scan / afresh {per['scan'] / per['afresh']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--measure", choices=list(MEASURES))
    parser.add_argument("--calls", type=int, default=0)
    args = parser.parse_args()
    if args.measure:
        run_measure(args.measure, args.calls)
        return
    if args.instructions:
        print("promotions pricing, callgrind instructions (200 lines, 5 rules)")
        instruction_ratios()
        return
    floor = per_call_ms(200, [])
    print("promotions pricing, median of 60 calls (best_deals + deal_offers)")
    print(f"  200 lines, no rules (floor)             {floor:7.3f} ms")
    for label, repeat in (("one scan: a new 200th line", False), ("one scan: a repeat", True)):
        ms = per_scan_ms(RULES, repeat)
        print(f"  {label:40s} {ms:7.3f} ms   ({ms / floor:5.1f}x the floor)   goal <= 2 ms")
    results = {}
    for lines, scale in ((100, 1), (200, 1), (200, 30)):
        results[(lines, scale)] = ms = per_call_ms(lines, RULES, scale)
        label = f"afresh {lines} lines, 5 rules" + (f", quantities x{scale}" if scale > 1 else "")
        print(f"  {label:40s} {ms:7.3f} ms   ({ms / floor:5.1f}x the floor)")
    walk = per_call_ms(200, RULES, solve=previous_walk.best_deals)
    print(
        f"  200 lines, 5 rules, previous walk         {walk:7.3f} ms   (takes re-priced at every node; afresh/previous {results[(200, 1)] / walk:.2f})"
    )
    old = per_call_ms(200, RULES, repeat=10, solve=every_order)
    print(
        f"  200 lines, 5 rules, every order tried    {old:7.3f} ms   (the first solver; afresh/old {results[(200, 1)] / old:.2f})"
    )
    grow = results[(200, 1)] / results[(100, 1)]
    qty = results[(200, 30)] / results[(200, 1)]
    print(f"  afresh 200 lines / 100 lines: {grow:.2f}x   quantities x30 / x1: {qty:.2f}x")


if __name__ == "__main__":
    main()
