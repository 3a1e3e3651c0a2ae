"""What a genuine kiosk's sale document always satisfies (checked at the door, after types).

Each rule here follows from how the kiosk builds a sale (:mod:`kiosk.domain.sale`,
:mod:`kiosk.domain.tax`, :mod:`kiosk.runtime.runtime`), so a document that breaks one was not
made by a kiosk and would be counted as it stands by every report (a line of −99,999 reached
the department report). Only rules a real kiosk can never break are here: a refused sale
parks that kiosk's outbox until staff look.

* A line's amount is never negative: a product's price, an in-store code's price, a weight
  and a quantity are all ≥ 0; discounts are adjustments, not lines.
* The tenders add up to the total: a payment takes at most what is due
  (``Runtime.pay``: ``min(amount, due)``; the ledger refuses a method approving more) and the
  sale completes when nothing is due. Cash handed over above that is ``tendered``/``change``,
  never part of ``amount``. No tender amount and no change is negative.
* Each tax rate's figures come from its lines (``compute_totals``): the gross is the rate's
  active lines plus its (negative) discount, plus at most the tax added on top of tax-
  exclusive (外税) lines' amounts; the tax lies between 0 and the gross; every active line's rate is
  among the rates. Checked only on documents that carry each line's ``tax`` and each rate's
  ``discount`` (older builds may not).

Not checked, on purpose (a real kiosk could send them): the adjustments' sum against the
rates' discounts (an adjustment whose lines were all voided stays listed but no longer
applies), the tax amount's exact rounding (the store chooses floor, half-up or ceil), and
``change`` against ``tendered`` (what a cash method reports as handed over is its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class FieldProblem(ValueError):
    """A rule broken by one field; ``field`` is its path inside the payload."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


def check_sale(sale: Any) -> None:
    """Raise :class:`FieldProblem` for the first rule ``sale`` (a SaleDocument) breaks."""
    _lines_not_negative(sale.lines)
    _tenders_are_the_total(sale.total, sale.tenders, sale.change)
    _rates_are_the_lines(sale.lines, sale.rates)


def _lines_not_negative(lines: Sequence[Any]) -> None:
    for i, line in enumerate(lines):
        if line.amount < 0:
            raise FieldProblem(f"lines.{i}.amount", f"{line.amount}: a sold line is never negative")


def _tenders_are_the_total(total: int, tenders: Sequence[Any], change: int | None) -> None:
    for i, tender in enumerate(tenders):
        if tender.amount < 0:
            raise FieldProblem(
                f"tenders.{i}.amount", f"{tender.amount}: a payment is never negative"
            )
    if change is not None and change < 0:
        raise FieldProblem("change", f"{change}: change is never negative")
    paid = sum(tender.amount for tender in tenders)
    if paid != total:
        raise FieldProblem(
            "tenders", f"the tenders' amounts add up to {paid}, not the sale's total {total}"
        )


def _rates_are_the_lines(lines: Sequence[Any], rates: Sequence[Any]) -> None:
    for i, rate in enumerate(rates):
        if rate.gross < 0:
            raise FieldProblem(f"rates.{i}.gross", f"{rate.gross}: a sale's rate is never negative")
        if not 0 <= rate.tax_amount <= rate.gross:
            raise FieldProblem(
                f"rates.{i}.tax_amount",
                f"{rate.tax_amount}: not between 0 and the gross {rate.gross}",
            )
        if rate.discount is not None and rate.discount > 0:
            raise FieldProblem(
                f"rates.{i}.discount", f"{rate.discount}: a discount is never positive"
            )
    active = [line for line in lines if not line.voided]
    if any(line.tax is None for line in active) or any(r.discount is None for r in rates):
        return  # an older document: what it lacks is not guessed
    taxes = {rate.tax for rate in rates}
    for i, line in enumerate(lines):
        if not line.voided and line.tax not in taxes:
            raise FieldProblem(f"lines.{i}.tax", f"{line.tax!r} is not among the sale's rates")
    for i, rate in enumerate(rates):
        if rate.rate_percent is None:
            continue
        own = [line for line in active if line.tax == rate.tax]
        base = sum(line.amount for line in own) + rate.discount
        # tax is added on top of tax-exclusive prices only (at most on their full amount:
        # the discount's share of them is not in the document); ceil covers any rounding
        exclusive = sum(line.amount for line in own if line.price_includes_tax is not True)
        added_at_most = -(-exclusive * rate.rate_percent // 100)
        if not base <= rate.gross <= base + added_at_most:
            raise FieldProblem(
                f"rates.{i}.gross",
                f"{rate.gross} is not the rate's lines ({base} after discounts)"
                + (f" plus at most {added_at_most} tax added on top" if added_at_most else ""),
            )
