"""Settling offers into adjustments that never make a line or the basket negative.

Promotions, member prices, markdowns, coupons and points-as-discount are *offers*. They are
settled together, in a fixed order of stages, against what is left of each line after the
earlier stages:

0. price changes: member prices (会員価格), markdown labels (見切り)
1. promotions: mix and match, buy X get Y, time sales, department discounts
2. item and department coupons
3. basket coupons (minimum spend is checked against what is left at this stage)
4. points used as a discount

Within a stage, percentage offers go before fixed-yen ones (the order that saves the
shopper more), then by key, so the same basket always settles the same way.
Each offer is capped at what its lines still hold and spread over them in proportion with
:func:`kiosk.domain.tax.allocate` — exactly the allocation ``compute_totals`` repeats — so
the emitted adjustments can be applied in order without a line ever going below zero.
An ``exclusive`` offer (a coupon that does not stack) is skipped when an earlier offer has
already discounted one of its lines (for a basket offer: any line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.domain.basket import Adjustment, AdjustmentKind, BasketLine
from kiosk.domain.tax import allocate

STAGE_PRICE, STAGE_PROMOTION, STAGE_ITEM_COUPON, STAGE_BASKET_COUPON, STAGE_POINTS = range(5)


@dataclass(frozen=True, slots=True)
class Offer:
    key: str
    kind: AdjustmentKind
    message: Any  # kiosk.messages.Message: the adjustment's label (every language)
    stage: int
    amount_off: int = 0  # yen; or
    percent_off: int = 0  # % of what the lines still hold at this stage
    line_ids: tuple[int, ...] = ()  # () = the whole basket
    min_spend: int = 0
    exclusive: bool = False
    source: str = ""

    def wanted(self, held: int) -> int:
        if self.percent_off:
            return held * min(self.percent_off, 100) // 100
        return self.amount_off


def settle(lines: Sequence[BasketLine], offers: Iterable[Offer]) -> list[Adjustment]:
    """The adjustments for ``offers`` on the active ``lines``, in the order to apply them."""
    remaining = {line.line_id: line.amount for line in lines if not line.voided}
    touched: set[int] = set()
    out: list[Adjustment] = []
    for offer in sorted(offers, key=lambda o: (o.stage, not o.percent_off, o.key)):
        targets = [i for i in offer.line_ids if i in remaining]
        if offer.line_ids and not targets:
            continue
        basket_level = not offer.line_ids
        targets = targets or list(remaining)
        if not targets:
            continue
        if offer.exclusive and (touched if basket_level else touched.intersection(targets)):
            continue
        if offer.min_spend and sum(remaining.values()) < offer.min_spend:
            continue
        held = sum(remaining[i] for i in targets)
        amount = min(max(offer.wanted(held), 0), held)
        if amount <= 0:
            continue
        shares = allocate(-amount, [remaining[i] for i in targets])
        for line_id, share in zip(targets, shares, strict=True):
            remaining[line_id] += share
            if share:
                touched.add(line_id)
        out.append(
            Adjustment(
                key=offer.key,
                kind=offer.kind,
                amount=-amount,
                message=offer.message,
                line_ids=() if basket_level else tuple(targets),
                source=offer.source,
            )
        )
    return out


def remaining_after(
    lines: Sequence[BasketLine], adjustments: Iterable[Adjustment]
) -> dict[int, int]:
    """What each active line holds after ``adjustments`` (the same allocation again)."""
    remaining = {line.line_id: line.amount for line in lines if not line.voided}
    for adjustment in adjustments:
        targets = [i for i in adjustment.line_ids if i in remaining]
        if adjustment.line_ids and not targets:
            continue
        targets = targets or list(remaining)
        for line_id, share in zip(
            targets, allocate(adjustment.amount, [remaining[i] for i in targets]), strict=True
        ):
            remaining[line_id] += share
    return remaining


class PricingProvider:
    """What a plugin implements to have its offers settled with the promotions.

    ``pricing_offers(basket, context)`` returns :class:`Offer` objects. When the
    promotions plugin (which sets ``settles_offers = True``) is loaded it collects every
    provider's offers (``runtime.pricing_offers``) and settles them; without it
    (``runtime.offers_coordinated()`` is false) each provider settles its own.
    """

    settles_offers = False

    def pricing_offers(self, basket, context) -> list[Offer]:  # pragma: no cover - interface
        return []
