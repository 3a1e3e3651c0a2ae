"""The purchase record (購入記録情報) of one tax-free sale, built from the committed sale.

Amounts follow :mod:`kiosk.domain.tax`: adjustments are allocated to lines first, then each
tax rate's tax is computed exactly and rounded **once per rate**. The refund is the sum of
those per-rate amounts for the record's items; when every line of the sale is in the record
it equals the tax printed on the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from kiosk.domain.money import Yen
from kiosk.domain.tax import Rounding, amounts_after_adjustments
from plugins.tax_free import rules

RATE_PERCENT = {"standard": 10, "reduced": 8}


@dataclass(frozen=True, slots=True)
class ItemDetails:
    """商品情報詳細: required for items of ¥1,000,000 or more per unit, excluding tax."""

    brand: str
    model_number: str
    serial_number: str = ""
    description: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "brand": self.brand,
            "model_number": self.model_number,
            "serial_number": self.serial_number,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class RecordItem:
    line_no: int
    sku: str
    name_ja: str
    name_en: str
    quantity: int
    unit_price: Yen  # as sold: tax-inclusive unless price_includes_tax is False
    amount: Yen  # the line after its share of adjustments, in the same price mode
    tax: str  # "standard" | "reduced"
    price_includes_tax: bool
    high_value: bool
    details: ItemDetails | None = None

    @property
    def rate_percent(self) -> int:
        return RATE_PERCENT[self.tax]

    def to_dict(self) -> dict[str, Any]:
        return {
            "line_no": self.line_no,
            "sku": self.sku,
            "name_ja": self.name_ja,
            "name_en": self.name_en,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "amount": self.amount,
            "tax": self.tax,
            "rate_percent": self.rate_percent,
            "price_includes_tax": self.price_includes_tax,
            "high_value": self.high_value,
            "details": self.details.to_dict() if self.details else None,
        }


@dataclass(frozen=True, slots=True)
class RateAmount:
    """One tax rate of the record: gross paid, consumption tax in it (rounded once), net."""

    rate_percent: int
    gross: Yen
    tax: Yen

    @property
    def net(self) -> Yen:
        return self.gross - self.tax


@dataclass(frozen=True, slots=True)
class RecordAmounts:
    rates: tuple[RateAmount, ...]

    @property
    def gross(self) -> Yen:
        return sum(r.gross for r in self.rates)

    @property
    def tax(self) -> Yen:
        """The consumption tax the buyer paid on the record's items: the refund amount."""
        return sum(r.tax for r in self.rates)

    @property
    def net(self) -> Yen:
        return sum(r.net for r in self.rates)


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """The tax-free shop (輸出物品販売場) and its operator, as the record names them."""

    store_code: str  # the shop's identifier with the NTA / its permit number
    operator_name: str
    registration_number: str
    address: str
    kiosk_id: str

    def to_dict(self) -> dict[str, str]:
        return {
            "store_code": self.store_code,
            "operator_name": self.operator_name,
            "registration_number": self.registration_number,
            "address": self.address,
            "kiosk_id": self.kiosk_id,
        }


@dataclass(frozen=True, slots=True)
class PurchaseRecord:
    """Everything but the buyer (who is stored encrypted beside it)."""

    record_id: str
    sale_id: str
    receipt_no: int
    store: StoreInfo
    sold_at: datetime
    items: tuple[RecordItem, ...]
    amounts: RecordAmounts
    export_deadline: date
    tenders: tuple[dict[str, Any], ...] = field(default=())

    @property
    def sale_date(self) -> date:
        return self.sold_at.date()

    @property
    def refund_amount(self) -> Yen:
        return self.amounts.tax

    def missing_details(self) -> list[int]:
        return [i.line_no for i in self.items if i.high_value and i.details is None]

    def to_document(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "sale_id": self.sale_id,
            "receipt_no": self.receipt_no,
            "store": self.store.to_dict(),
            "sold_at": self.sold_at.isoformat(),
            "items": [item.to_dict() for item in self.items],
            "rates": [
                {"rate_percent": r.rate_percent, "gross": r.gross, "tax": r.tax, "net": r.net}
                for r in self.amounts.rates
            ],
            "total_gross": self.amounts.gross,
            "total_net": self.amounts.net,
            "refund_amount": self.refund_amount,
            "export_deadline": self.export_deadline.isoformat(),
            "tenders": list(self.tenders),
        }


def line_amounts_after_adjustments(sale_document: dict[str, Any]) -> dict[int, Yen]:
    """Each active line's amount after its share of adjustments, as :func:`compute_totals`."""
    amounts = {
        line["line_id"]: line["amount"] for line in sale_document["lines"] if not line["voided"]
    }
    adjustments = [(a["amount"], a["line_ids"]) for a in sale_document.get("adjustments", ())]
    return amounts_after_adjustments(amounts, adjustments)


def compute_amounts(items: list[RecordItem], rounding: Rounding) -> RecordAmounts:
    """Per-rate gross and tax of ``items``, one rounding per rate (as the receipt does)."""
    rates = []
    for rate in (8, 10):
        inclusive = sum(i.amount for i in items if i.rate_percent == rate and i.price_includes_tax)
        exclusive = sum(
            i.amount for i in items if i.rate_percent == rate and not i.price_includes_tax
        )
        if not any(i.rate_percent == rate for i in items):
            continue
        exact = Fraction(inclusive * rate, 100 + rate) + Fraction(exclusive * rate, 100)
        added = rounding.apply(Fraction(exclusive * rate, 100))
        rates.append(
            RateAmount(rate, gross=inclusive + exclusive + added, tax=rounding.apply(exact))
        )
    return RecordAmounts(tuple(rates))


def build_record(
    record_id: str,
    sale_document: dict[str, Any],
    store: StoreInfo,
    rounding: Rounding = Rounding.FLOOR,
    details: dict[int, ItemDetails] | None = None,
    excluded_departments: frozenset[str] = frozenset(),
    high_value_threshold: Yen = rules.HIGH_VALUE_UNIT_EXCL_TAX,
    export_days: int = rules.EXPORT_WINDOW_DAYS,
) -> PurchaseRecord:
    """The purchase record for a committed sale (``Sale.to_document()``)."""
    details = details or {}
    amounts = line_amounts_after_adjustments(sale_document)
    items = []
    for line in sale_document["lines"]:
        if line["voided"] or line["department"] in excluded_departments:
            continue
        rate = RATE_PERCENT[line["tax"]]
        quantity = line["quantity"] if line["weight_g"] is None else 1
        unit_price = line["unit_price"] if line["weight_g"] is None else line["amount"]
        items.append(
            RecordItem(
                line_no=line["line_id"],
                sku=line["sku"],
                name_ja=line["name_ja"],
                name_en=line["name_en"],
                quantity=quantity,
                unit_price=unit_price,
                amount=amounts[line["line_id"]],
                tax=line["tax"],
                price_includes_tax=line["price_includes_tax"],
                high_value=rules.is_high_value(
                    unit_price, rate, line["price_includes_tax"], high_value_threshold
                ),
                details=details.get(line["line_id"]),
            )
        )
    sold_at = datetime.fromisoformat(sale_document["completed_at"])
    return PurchaseRecord(
        record_id=record_id,
        sale_id=sale_document["sale_id"],
        receipt_no=sale_document["receipt_no"],
        store=store,
        sold_at=sold_at,
        items=tuple(items),
        amounts=compute_amounts(items, rounding),
        export_deadline=rules.export_deadline(sold_at.date(), export_days),
        tenders=tuple(
            {"payment_id": t["payment_id"], "method": t["method"], "amount": t["amount"]}
            for t in sale_document.get("tenders", ())
        ),
    )


def record_from_document(doc: dict[str, Any]) -> PurchaseRecord:
    """The inverse of :meth:`PurchaseRecord.to_document` (reading a stored record)."""
    items = tuple(
        RecordItem(
            line_no=i["line_no"],
            sku=i["sku"],
            name_ja=i["name_ja"],
            name_en=i["name_en"],
            quantity=i["quantity"],
            unit_price=i["unit_price"],
            amount=i["amount"],
            tax=i["tax"],
            price_includes_tax=i["price_includes_tax"],
            high_value=i["high_value"],
            details=ItemDetails(**i["details"]) if i["details"] else None,
        )
        for i in doc["items"]
    )
    return PurchaseRecord(
        record_id=doc["record_id"],
        sale_id=doc["sale_id"],
        receipt_no=doc["receipt_no"],
        store=StoreInfo(**doc["store"]),
        sold_at=datetime.fromisoformat(doc["sold_at"]),
        items=items,
        amounts=RecordAmounts(
            tuple(RateAmount(r["rate_percent"], r["gross"], r["tax"]) for r in doc["rates"])
        ),
        export_deadline=date.fromisoformat(doc["export_deadline"]),
        tenders=tuple(doc.get("tenders", ())),
    )
