"""What each line of a sale was actually paid: the sale's adjustments allocated to its lines.

A coupon of ¥100 on a basket of ¥1,000 is split over the lines in proportion to their
amounts (:func:`kiosk.domain.tax.allocate`, largest remainder, ties to the earlier line), in
the order the adjustments were made, exactly as the sale's totals were computed. A return
refunds a line at this figure, never at its shelf price.

The figure is computed from the sale *document* (lines and adjustments), so a sale committed
before the document carried it gets the same numbers as one that carries it
(``allocation`` in :meth:`kiosk.domain.sale.Sale.to_document`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.domain.money import Yen
from kiosk.domain.product import TaxCategory
from kiosk.domain.tax import amounts_after_adjustments


@dataclass(frozen=True, slots=True)
class LinePaid:
    """One active line of a sale: what it was paid, in its own price mode (内税/外税)."""

    line_id: int
    sku: str
    tax: TaxCategory
    price_includes_tax: bool
    units: int  # pieces, or grams for a weighed line
    weighed: bool
    amount: Yen  # before adjustments
    paid: Yen  # after its share of every adjustment

    @property
    def discount(self) -> Yen:
        return self.paid - self.amount


def allocate_document(document: Mapping[str, Any]) -> dict[int, LinePaid]:
    """Each active (not voided) line's :class:`LinePaid`, by line id."""
    active = [line for line in document.get("lines", []) if not line.get("voided")]
    before = {int(line["line_id"]): int(line["amount"]) for line in active}
    adjustments = [
        (int(a["amount"]), tuple(int(i) for i in a.get("line_ids") or ()))
        for a in document.get("adjustments", [])
    ]
    paid = amounts_after_adjustments(before, adjustments)
    result = {}
    for line in active:
        line_id = int(line["line_id"])
        weighed = line.get("weight_g") is not None
        result[line_id] = LinePaid(
            line_id=line_id,
            sku=str(line["sku"]),
            tax=TaxCategory(line.get("tax") or "standard"),
            price_includes_tax=bool(line.get("price_includes_tax", True)),
            units=int(line["weight_g"]) if weighed else int(line.get("quantity", 1)),
            weighed=weighed,
            amount=before[line_id],
            paid=paid[line_id],
        )
    return result


def allocation_document(document: Mapping[str, Any]) -> list[dict[str, int]]:
    """The allocation as kept in a sale document: ``[{"line_id": 1, "paid": 540}, …]``."""
    return [
        {"line_id": line_id, "paid": line.paid}
        for line_id, line in sorted(allocate_document(document).items())
    ]


def recorded_allocation(document: Mapping[str, Any]) -> dict[int, LinePaid]:
    """The allocation of a sale document: the one it recorded, else computed the same way.

    A recorded figure that disagrees with the computation means the document was changed or
    made by a different rule; the recorded one is what the shopper was charged, so it wins.
    """
    computed = allocate_document(document)
    recorded = {int(e["line_id"]): int(e["paid"]) for e in document.get("allocation") or ()}
    if not recorded:
        return computed
    return {
        line_id: _with_paid(line, recorded.get(line_id, line.paid))
        for line_id, line in computed.items()
    }


def _with_paid(line: LinePaid, paid: Yen) -> LinePaid:
    return LinePaid(
        line.line_id,
        line.sku,
        line.tax,
        line.price_includes_tax,
        line.units,
        line.weighed,
        line.amount,
        paid,
    )
