"""Consumption tax under the invoice system (インボイス制度).

A qualified (simplified) invoice states, per tax rate, the total and the tax, and the tax
is rounded **once per rate per receipt**, never per line. Adjustments (coupons, promotions,
member prices) are allocated to the rates before that rounding.

Prices are either tax-inclusive (内税) or tax-exclusive (外税). A rate's tax is the exact sum
of the inclusive part's contained tax and the exclusive part's added tax, rounded once.
Stores normally use one mode; when a receipt mixes modes within a rate, the exclusive
part's added tax is also rounded once to give a whole-yen amount to pay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from kiosk.domain.basket import Adjustment, BasketLine
from kiosk.domain.money import Yen
from kiosk.domain.product import TaxCategory


class Rounding(StrEnum):
    """How a rate's tax fraction becomes whole yen (端数処理); the store chooses."""

    FLOOR = "floor"  # 切り捨て, the usual choice and the default
    HALF_UP = "half_up"  # 四捨五入
    CEIL = "ceil"  # 切り上げ

    def apply(self, value: Fraction) -> int:
        sign = -1 if value < 0 else 1
        magnitude = abs(value)
        if self is Rounding.FLOOR:
            whole = magnitude.numerator // magnitude.denominator
        elif self is Rounding.CEIL:
            whole = -(-magnitude.numerator // magnitude.denominator)
        else:
            whole = int(magnitude + Fraction(1, 2))
        return sign * whole


class AdjustmentError(ValueError):
    """Adjustments that would make a line or a tax rate negative."""


@dataclass(frozen=True, slots=True)
class RateTotal:
    """One tax rate's line on the invoice: 8 % 対象 ￥X (内消費税 ￥Y)."""

    tax: TaxCategory
    gross: Yen  # what the shopper pays for this rate, tax included (税込対象額)
    tax_amount: Yen
    discount: Yen  # adjustments allocated to this rate (negative or 0)

    @property
    def rate_percent(self) -> int:
        return self.tax.rate_percent

    @property
    def net(self) -> Yen:
        return self.gross - self.tax_amount


@dataclass(frozen=True, slots=True)
class Totals:
    rates: tuple[RateTotal, ...]
    item_count: int

    @property
    def total(self) -> Yen:
        return sum(rate.gross for rate in self.rates)

    @property
    def tax_total(self) -> Yen:
        return sum(rate.tax_amount for rate in self.rates)

    @property
    def discount_total(self) -> Yen:
        return sum(rate.discount for rate in self.rates)

    def rate(self, tax: TaxCategory) -> RateTotal:
        for rate in self.rates:
            if rate.tax is tax:
                return rate
        return RateTotal(tax=tax, gross=0, tax_amount=0, discount=0)


_Bucket = tuple[TaxCategory, bool]  # (rate, price includes tax)


def compute_totals(
    lines: Sequence[BasketLine],
    adjustments: Iterable[Adjustment] = (),
    rounding: Rounding = Rounding.FLOOR,
) -> Totals:
    """Per-rate totals and tax for the active ``lines`` after ``adjustments``."""
    active = [line for line in lines if not line.voided]
    before = {line.line_id: line.amount for line in active}
    buckets_of = {line.line_id: (line.tax, line.product.price_includes_tax) for line in active}
    line_amounts = amounts_after_adjustments(before, ((a.amount, a.line_ids) for a in adjustments))
    discounts: dict[_Bucket, int] = {}
    for line_id, amount in line_amounts.items():
        bucket = buckets_of[line_id]
        discounts[bucket] = discounts.get(bucket, 0) + amount - before[line_id]

    amounts: dict[_Bucket, int] = {}
    for line_id, amount in line_amounts.items():
        bucket = buckets_of[line_id]
        amounts[bucket] = amounts.get(bucket, 0) + amount

    rates = []
    for tax in (TaxCategory.REDUCED, TaxCategory.STANDARD):
        inclusive = amounts.get((tax, True), 0)
        exclusive = amounts.get((tax, False), 0)
        if not any(bucket[0] is tax for bucket in amounts):
            continue
        r = tax.rate_percent
        exact_tax = Fraction(inclusive * r, 100 + r) + Fraction(exclusive * r, 100)
        added_tax = rounding.apply(Fraction(exclusive * r, 100))
        rates.append(
            RateTotal(
                tax=tax,
                gross=inclusive + exclusive + added_tax,
                tax_amount=rounding.apply(exact_tax),
                discount=discounts.get((tax, True), 0) + discounts.get((tax, False), 0),
            )
        )
    item_count = sum(1 if line.weight_g is not None else line.quantity for line in active)
    return Totals(rates=tuple(rates), item_count=item_count)


def amounts_after_adjustments(
    amounts: Mapping[int, int], adjustments: Iterable[tuple[int, Sequence[int]]]
) -> dict[int, int]:
    """Each line's amount after its share of every ``(amount, line_ids)`` adjustment.

    An adjustment names its lines, or none for the whole basket; it is split over them in
    proportion (:func:`allocate`). One whose lines are all gone (voided) no longer applies.
    Raises :class:`AdjustmentError` if a line would go below zero.
    """
    result = dict(amounts)
    for amount, line_ids in adjustments:
        targets = [i for i in line_ids if i in result]
        if line_ids and not targets:
            continue
        targets = targets or list(result)
        for line_id, share in zip(
            targets, allocate(amount, [result[i] for i in targets]), strict=True
        ):
            result[line_id] += share
            if result[line_id] < 0:
                raise AdjustmentError(f"an adjustment of {amount} makes line {line_id} negative")
    return result


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` over ``weights`` in proportion, in whole yen, summing exactly.

    Largest-remainder method; ties go to the earlier weight so the result is deterministic.
    """
    if not weights:
        return []
    total = sum(weights)
    if total == 0:
        shares = [0] * len(weights)
        shares[0] = amount
        return shares
    sign = -1 if amount < 0 else 1
    magnitude = abs(amount)
    exact = [Fraction(magnitude * w, total) for w in weights]
    shares = [int(e) for e in exact]
    remainder = magnitude - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:remainder]:
        shares[i] += 1
    return [sign * s for s in shares]
