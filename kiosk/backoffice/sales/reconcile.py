"""Takings reconciled to the yen (精算照合), per store and business day.

The department table sums lines as rung up, before coupons and promotions; the takings are
what the receipts totalled. The difference is not lost money, it is the discounts (and, in a
store with tax-exclusive prices, the tax added per rate). This puts every figure side by
side and says where each discount and each return went:

    departments + discounts + tax added/rounding = takings = tenders = handed in − change

``handed in`` is what shoppers gave (a cash tender's お預り, else its amount) and ``change``
what the kiosks gave back: a cash drawer counts both, the tenders are what stayed.
``departments`` counts returns at what was refunded for them (negative lines), so returns
are inside the departments and the takings, and listed on their own as well.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow


@dataclass
class Reconciliation:
    day: date
    store_id: str
    takings: int  # Σ receipts (returns negative)
    departments: dict[str, int]  # Σ lines per department (returns at their refund)
    discounts: dict[str, int]  # per adjustment label (kind: label), negative
    tenders: dict[str, int]  # per method, net of refunds
    returns: list[dict[str, Any]] = field(default_factory=list)  # where each return went
    handed_in: int = 0  # Σ what shoppers gave: cash お預り (tendered), other tenders' amounts
    change: int = 0  # Σ change given back (おつり)

    @property
    def department_total(self) -> int:
        return sum(self.departments.values())

    @property
    def discount_total(self) -> int:
        return sum(self.discounts.values())

    @property
    def tax_added_and_rounding(self) -> int:
        """What 外税 receipts added on top of their lines (0 in a tax-inclusive store)."""
        return self.takings - self.department_total - self.discount_total

    @property
    def tender_total(self) -> int:
        return sum(self.tenders.values())

    @property
    def balanced(self) -> bool:
        return (
            self.tender_total == self.takings == self.handed_in - self.change
            and self.tax_added_and_rounding >= 0
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "store_id": self.store_id,
            "takings": self.takings,
            "departments": self.departments,
            "department_total": self.department_total,
            "discounts": self.discounts,
            "discount_total": self.discount_total,
            "tax_added_and_rounding": self.tax_added_and_rounding,
            "tenders": self.tenders,
            "tender_total": self.tender_total,
            "handed_in": self.handed_in,
            "change": self.change,
            "returns": self.returns,
            "balanced": self.balanced,
        }


def reconcile(session: Session, day: date, store_id: str | None = None) -> list[Reconciliation]:
    """One :class:`Reconciliation` per store that sold on ``day`` (or just ``store_id``)."""
    where = [SaleRow.business_date == day]
    if store_id is not None:
        where.append(SaleRow.store_id == store_id)
    sales = session.execute(
        select(SaleRow.sale_id, SaleRow.store_id, SaleRow.total, SaleRow.document).where(*where)
    ).all()
    store_of = {sale_id: store for sale_id, store, _, _ in sales}
    result: dict[str, Reconciliation] = {}

    def of(store: str) -> Reconciliation:
        if store not in result:
            result[store] = Reconciliation(
                day, store, 0, defaultdict(int), defaultdict(int), defaultdict(int)
            )
        return result[store]

    for sale_id, store, total, document in sales:
        entry = of(store)
        entry.takings += int(total)
        for tender in document.get("tenders") or ():
            entry.handed_in += int(tender.get("tendered") or tender.get("amount") or 0)
        entry.change += int(document.get("change") or 0)
        for adjustment in document.get("adjustments") or ():
            label = f"{adjustment.get('kind', '')}: {adjustment.get('label_ja', '')}"
            entry.discounts[label] += int(adjustment.get("amount") or 0)
        if document.get("kind") == "return":
            entry.returns.append(
                {
                    "return_id": sale_id,
                    "original_sale_id": document.get("original_sale_id"),
                    "refund": -int(total),
                    "reason": document.get("reason"),
                    "tenders": {
                        t["method"]: -int(t["amount"]) for t in document.get("tenders", [])
                    },
                    "departments": {
                        str(line.get("department") or "general"): -int(line["amount"])
                        for line in document.get("lines", [])
                    },
                }
            )
    lines = session.execute(
        select(SaleLineRow.sale_id, SaleLineRow.department, func.sum(SaleLineRow.amount))
        .where(SaleLineRow.business_date == day)
        .group_by(SaleLineRow.sale_id, SaleLineRow.department)
    ).all()
    for sale_id, department, amount in lines:
        if sale_id in store_of:
            of(store_of[sale_id]).departments[department] += int(amount)
    payments = session.execute(
        select(SalePaymentRow.sale_id, SalePaymentRow.method, SalePaymentRow.amount).where(
            SalePaymentRow.business_date == day
        )
    ).all()
    for sale_id, method, amount in payments:
        if sale_id in store_of:
            of(store_of[sale_id]).tenders[method] += int(amount)
    return [_plain(entry) for _, entry in sorted(result.items())]


def _plain(entry: Reconciliation) -> Reconciliation:
    entry.departments = dict(sorted(entry.departments.items()))
    entry.discounts = dict(sorted(entry.discounts.items()))
    entry.tenders = dict(sorted(entry.tenders.items()))
    return entry
