"""What a genuine kiosk's sale and return documents always satisfy (checked at the door,
after types).

Each rule here follows from how the kiosk builds a sale (:mod:`kiosk.domain.sale`,
:mod:`kiosk.domain.tax`, :mod:`kiosk.runtime.runtime`), so a document that breaks one was not
made by a kiosk and would be counted as it stands by every report (a line of −99,999 reached
the department report). Only rules a real kiosk can never break are here: a refused sale
parks that kiosk's outbox until staff look.

* The total is the sum of the rates' gross.
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

A return (:meth:`kiosk.domain.returns.ReturnPlan.to_document`, committed by
:meth:`kiosk.store.returns.ReturnBook.commit`) is the same rules with money going out: every
line, rate, tax and tender (its refunds, as made: a declined card's cash stand-in included)
is zero or negative, the refunds add up to the total (the commit refuses any other), no
change, and no rate discount (a line is refunded at what was paid, its discount already in
it). A rate refunds at most its lines plus the tax added on 外税 lines; not less is *not*
checked: a rate's refund is capped at what the sale has left on that rate
(:func:`kiosk.domain.returns.rate_refunds`), which after earlier partial returns rounded up
may be below this return's lines, and the door does not know the sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class FieldProblem(ValueError):
    """A rule broken by one field; ``field`` is its path inside the payload."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


@dataclass(frozen=True, slots=True)
class _Way:
    """Which way a document's money goes: in (a sale, figures ≥ 0) or out (a return, ≤ 0)."""

    sign: int
    whose: str  # "a sale's"
    never: str  # what its figures never are: "negative"
    line: str
    tender: str


_SALE = _Way(1, "a sale's", "negative", "a sold line", "a payment")
_RETURN = _Way(-1, "a return's", "positive", "a returned line", "a refund")


def check_sale(sale: Any) -> None:
    """Raise :class:`FieldProblem` for the first rule ``sale`` (a SaleDocument) breaks."""
    _total_is_the_rates(sale.total, sale.rates)
    _lines_signed(sale.lines, _SALE)
    _tenders_are_the_total(sale.total, sale.tenders, sale.change, _SALE)
    _rates_are_the_lines(sale.lines, sale.rates, _SALE)


def check_return(document: Any) -> None:
    """Raise :class:`FieldProblem` for the first rule ``document`` (a ReturnDocument) breaks."""
    _total_is_the_rates(document.total, document.rates)
    _lines_signed(document.lines, _RETURN)
    _tenders_are_the_total(document.total, document.tenders, None, _RETURN)
    if document.change not in (None, 0):
        raise FieldProblem("change", f"{document.change}: a return gives no change")
    for i, rate in enumerate(document.rates):
        if rate.discount not in (None, 0):
            raise FieldProblem(
                f"rates.{i}.discount",
                f"{rate.discount}: a return has no discount (its lines are what was paid)",
            )
    _rates_are_the_lines(document.lines, document.rates, _RETURN)


def _total_is_the_rates(total: int, rates: Sequence[Any]) -> None:
    # the kiosk's total is the sum of its per-rate gross (kiosk.domain.tax.Totals.total, a
    # return's ReturnPlan.total); a total that is not would be counted as it stands by every
    # report (day, month, P&L). A ValueError, not a FieldProblem: it names the document.
    gross = sum(rate.gross for rate in rates)
    if total != gross:
        raise ValueError(f"total {total} is not the sum of the rates' gross ({gross})")


def _lines_signed(lines: Sequence[Any], way: _Way) -> None:
    for i, line in enumerate(lines):
        if way.sign * line.amount < 0:
            raise FieldProblem(
                f"lines.{i}.amount", f"{line.amount}: {way.line} is never {way.never}"
            )


def _tenders_are_the_total(
    total: int, tenders: Sequence[Any], change: int | None, way: _Way
) -> None:
    for i, tender in enumerate(tenders):
        if way.sign * tender.amount < 0:
            raise FieldProblem(
                f"tenders.{i}.amount", f"{tender.amount}: {way.tender} is never {way.never}"
            )
    if change is not None and change < 0:
        raise FieldProblem("change", f"{change}: change is never negative")
    paid = sum(tender.amount for tender in tenders)
    if paid != total:
        raise FieldProblem(
            "tenders", f"the tenders' amounts add up to {paid}, not {way.whose} total {total}"
        )


def _rates_are_the_lines(lines: Sequence[Any], rates: Sequence[Any], way: _Way) -> None:
    sign = way.sign
    for i, rate in enumerate(rates):
        if sign * rate.gross < 0:
            raise FieldProblem(
                f"rates.{i}.gross", f"{rate.gross}: {way.whose} rate is never {way.never}"
            )
        if not 0 <= sign * rate.tax_amount <= sign * rate.gross:
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
            raise FieldProblem(f"lines.{i}.tax", f"{line.tax!r} is not among {way.whose} rates")
    for i, rate in enumerate(rates):
        if rate.rate_percent is None:
            continue
        # in yen taken in (a sale) or paid out (a return), so both read alike
        own = [line for line in active if line.tax == rate.tax]
        base = sign * (sum(line.amount for line in own) + rate.discount)
        # tax is added on top of tax-exclusive prices only (at most on their full amount:
        # the discount's share of them is not in the document); ceil covers any rounding
        exclusive = sign * sum(line.amount for line in own if line.price_includes_tax is not True)
        added_at_most = -(-exclusive * rate.rate_percent // 100)
        # a return's rate may be capped below its lines (see the module's docstring)
        least = base if way is _SALE else 0
        if not least <= sign * rate.gross <= base + added_at_most:
            raise FieldProblem(
                f"rates.{i}.gross",
                f"{rate.gross} is not the rate's lines ({sign * base} after discounts)"
                + (
                    f" plus at most {sign * added_at_most} tax added on top"
                    if added_at_most
                    else ""
                ),
            )
