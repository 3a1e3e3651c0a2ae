"""A return (返品) against a committed sale: which units go back and what is refunded.

Pure: it works on the original sale's document and on what earlier returns of that sale
already took back, and produces the return document (a sale document of its own, with
negative lines, linked to the original).

Money rules:

* a line is refunded at what was paid for it (:mod:`kiosk.domain.allocation`), never its
  shelf price. Returning ``k`` of ``n`` units refunds ``floor(paid × c / n)`` minus what was
  already refunded on the line, where ``c`` is the units returned so far including these;
  the last unit takes exactly what is left, so every return of a line together refunds its
  paid amount to the yen, and never more;
* the tax refunded is computed **once per rate** on this return's returned amounts (as the
  sale's was, :func:`rate_refunds`), and a rate never refunds more than the sale took on it;
* the refund goes back to the sale's tenders in reverse order of payment (the last tender
  first), each up to what is left refundable on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from kiosk.domain.allocation import LinePaid, recorded_allocation
from kiosk.domain.method_names import stored_names
from kiosk.domain.money import Yen
from kiosk.domain.product import TaxCategory
from kiosk.domain.tax import Rounding

RETURN_KIND = "return"


class ReturnError(ValueError):
    """A return that cannot be made as asked (unknown line, over-return, nothing chosen)."""


class OverReturn(ReturnError):
    """More units of a line than are still returnable (also across kiosks)."""

    def __init__(self, line_id: int, asked: int, left: int) -> None:
        super().__init__(f"line {line_id}: {asked} asked, only {left} still returnable")
        self.line_id, self.asked, self.left = line_id, asked, left


@dataclass(frozen=True, slots=True)
class Returned:
    """What earlier returns already took back from one original line."""

    units: int = 0
    amount: Yen = 0


@dataclass(frozen=True, slots=True)
class ReturnLine:
    original_line_id: int
    sku: str
    name_ja: str
    name_en: str
    department: str
    tax: TaxCategory
    price_includes_tax: bool
    units: int  # pieces, or grams of a weighed line
    weighed: bool
    refund: Yen  # positive, in the line's price mode
    restock: bool
    #: the original line's name in each shopper language (empty: an older sale document)
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def reduced_rate(self) -> bool:
        return self.tax is TaxCategory.REDUCED


@dataclass(frozen=True, slots=True)
class RateRefund:
    """One rate of the 適格返還請求書: refund total (tax incl.) and the tax in it."""

    tax: TaxCategory
    gross: Yen
    tax_amount: Yen

    @property
    def rate_percent(self) -> int:
        return self.tax.rate_percent


@dataclass(frozen=True, slots=True)
class TenderRefund:
    """The part of the refund that goes back to one original tender."""

    payment_id: str
    method: str
    amount: Yen


@dataclass(frozen=True, slots=True)
class ReturnPlan:
    return_id: str
    original: Mapping[str, Any] = field(repr=False)
    lines: tuple[ReturnLine, ...]
    rates: tuple[RateRefund, ...]
    tenders: tuple[TenderRefund, ...]
    reason: str
    staff_id: str
    approved_by: str | None = None

    @property
    def total(self) -> Yen:
        return sum(r.gross for r in self.rates)

    @property
    def original_sale_id(self) -> str:
        return str(self.original["sale_id"])

    def to_document(
        self,
        *,
        kiosk_id: str,
        return_no: int,
        completed_at: datetime,
        refunds: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """The return as a sale document of its own: every amount negative.

        ``refunds`` are the refunds as made (payment row, method, amount, original payment);
        the ``tenders`` of the document are them, negative, so reports net them out.
        """
        original = self.original
        document: dict[str, Any] = {
            "kind": RETURN_KIND,
            "sale_id": self.return_id,
            "return_id": self.return_id,
            "original_sale_id": original["sale_id"],
            "original_receipt_no": original.get("receipt_no"),
            "original_completed_at": original.get("completed_at"),
            "original_kiosk_id": original.get("kiosk_id"),
            "kiosk_id": kiosk_id,
            "receipt_no": return_no,
            "started_at": completed_at.isoformat(),
            "completed_at": completed_at.isoformat(),
            "reason": self.reason,
            "staff_id": self.staff_id,
            "approved_by": self.approved_by,
            "member_id": original.get("member_id"),
            "language": original.get("language", "ja"),
            "lines": [
                {
                    "line_id": n,
                    "original_line_id": line.original_line_id,
                    "sku": line.sku,
                    "name_ja": line.name_ja,
                    "name_en": line.name_en,
                    **({"names": dict(line.names)} if line.names else {}),
                    "department": line.department,
                    "tax": line.tax.value,
                    "price_includes_tax": line.price_includes_tax,
                    "quantity": 0 if line.weighed else -line.units,
                    "weight_g": -line.units if line.weighed else None,
                    "amount": -line.refund,
                    "restock": line.restock,
                    "voided": False,
                }
                for n, line in enumerate(self.lines, start=1)
            ],
            "adjustments": [],
            "rates": [
                {
                    "tax": r.tax.value,
                    "rate_percent": r.rate_percent,
                    "gross": -r.gross,
                    "tax_amount": -r.tax_amount,
                    "discount": 0,
                }
                for r in self.rates
            ],
            "total": -self.total,
            "tenders": [
                {
                    "payment_id": str(r["payment_id"]),
                    "original_payment_id": str(r.get("original_payment_id") or ""),
                    "method": str(r["method"]),
                    "amount": -int(r["amount"]),
                    "reference": str(r.get("reference") or ""),
                    "masked": str(r.get("masked") or ""),
                    **_names_of(original, r),
                }
                for r in refunds
            ],
            "change": 0,
            "extra": {},
        }
        if original.get("training"):
            document["training"] = True
        return document


def _line_names(line: Mapping[str, Any]) -> dict[str, str]:
    """The names an original line kept per language (none for an older document)."""
    names = line.get("names")
    if not isinstance(names, Mapping):
        return {}
    return {str(k): str(v) for k, v in names.items() if isinstance(v, str) and v}


def _names_of(original: Mapping[str, Any], refund: Mapping[str, Any]) -> dict[str, Any]:
    """``{"names": …}``: the refunded tender's names as the sale kept them (none: nothing)."""
    names = stored_names(
        list(original.get("tenders", [])),
        str(refund.get("original_payment_id") or ""),
        str(refund["method"]),
    )
    return {"names": names} if names else {}


def returned_so_far(
    documents: Iterable[Mapping[str, Any]], original_sale_id: str
) -> dict[int, Returned]:
    """Per original line, what the return ``documents`` of one sale took back."""
    taken: dict[int, Returned] = {}
    for document in documents:
        if document.get("original_sale_id") != original_sale_id:
            continue
        for line in document.get("lines", []):
            line_id = int(line["original_line_id"])
            units = -int(line["weight_g"] if line.get("weight_g") is not None else line["quantity"])
            before = taken.get(line_id, Returned())
            taken[line_id] = Returned(before.units + units, before.amount - int(line["amount"]))
    return taken


def returnable(original: Mapping[str, Any], taken: Mapping[int, Returned]) -> dict[int, int]:
    """Units (pieces or grams) of each active line still returnable."""
    return {
        line_id: line.units - taken.get(line_id, Returned()).units
        for line_id, line in recorded_allocation(original).items()
    }


def plan_return(
    original: Mapping[str, Any],
    chosen: Mapping[int, int],
    *,
    return_id: str,
    reason: str,
    staff_id: str,
    taken: Mapping[int, Returned] | None = None,
    refunded_by_rate: Mapping[TaxCategory, Yen] | None = None,
    refundable_by_payment: Mapping[str, Yen] | None = None,
    restock: bool = True,
    rounding: Rounding = Rounding.FLOOR,
    approved_by: str | None = None,
) -> ReturnPlan:
    """What returning ``chosen`` (original line id → units) refunds, and to which tenders.

    ``taken``: what earlier returns of this sale took per line; ``refunded_by_rate``: what
    they refunded per rate; ``refundable_by_payment``: what is left refundable on each
    original payment (default: its tender amount less earlier returns' refunds).
    Raises :class:`OverReturn` or :class:`ReturnError`; nothing is changed either way.
    """
    if not chosen or not any(units for units in chosen.values()):
        raise ReturnError("choose at least one line to return")
    taken = taken or {}
    paid = recorded_allocation(original)
    source = {int(line["line_id"]): line for line in original.get("lines", [])}
    lines = []
    for line_id, units in sorted(chosen.items()):
        if units == 0:
            continue
        if line_id not in paid:
            raise ReturnError(f"the sale has no active line {line_id}")
        if units < 0:
            raise ReturnError(f"line {line_id}: a quantity to return is at least 1")
        line = paid[line_id]
        before = taken.get(line_id, Returned())
        left = line.units - before.units
        if units > left:
            raise OverReturn(line_id, units, left)
        doc = source[line_id]
        lines.append(
            ReturnLine(
                original_line_id=line_id,
                sku=line.sku,
                name_ja=str(doc.get("name_ja") or line.sku),
                name_en=str(doc.get("name_en") or line.sku),
                department=str(doc.get("department") or "general"),
                tax=line.tax,
                price_includes_tax=line.price_includes_tax,
                units=units,
                weighed=line.weighed,
                refund=line_refund(line, before, units),
                restock=restock,
                names=_line_names(doc),
            )
        )
    rates = rate_refunds(lines, rounding, _rate_room(original, refunded_by_rate or {}))
    total = sum(r.gross for r in rates)
    tenders = split_over_tenders(original, total, refundable_by_payment)
    return ReturnPlan(
        return_id=return_id,
        original=original,
        lines=tuple(lines),
        rates=rates,
        tenders=tenders,
        reason=reason,
        staff_id=staff_id,
        approved_by=approved_by,
    )


def line_refund(line: LinePaid, before: Returned, units: int) -> Yen:
    """The refund for ``units`` more of ``line`` (cumulative, so the parts sum to ``paid``)."""
    done = before.units + units
    if done >= line.units:
        return line.paid - before.amount
    return line.paid * done // line.units - before.amount


def rate_refunds(
    lines: Sequence[ReturnLine],
    rounding: Rounding = Rounding.FLOOR,
    room: Mapping[TaxCategory, Yen] | None = None,
) -> tuple[RateRefund, ...]:
    """Per rate: the refund (tax included) and its tax, rounded once on the returned amounts.

    Tax-inclusive lines: gross is their sum, tax ``round(sum × r / (100 + r))``. Tax-exclusive
    ones add ``round(sum × r / 100)`` once. ``room`` caps a rate's refund at what the sale
    took on that rate and earlier returns left (a rounding up can never refund more).
    """
    rates = []
    for tax in (TaxCategory.REDUCED, TaxCategory.STANDARD):
        of_rate = [line for line in lines if line.tax is tax]
        if not of_rate:
            continue
        inclusive = sum(line.refund for line in of_rate if line.price_includes_tax)
        exclusive = sum(line.refund for line in of_rate if not line.price_includes_tax)
        r = tax.rate_percent
        gross = inclusive + exclusive + rounding.apply(Fraction(exclusive * r, 100))
        exact_tax = Fraction(inclusive * r, 100 + r) + Fraction(exclusive * r, 100)
        if room is not None and tax in room and gross > room[tax]:
            gross = room[tax]  # capped: the tax is the one contained in what is refunded
            exact_tax = Fraction(gross * r, 100 + r)
        rates.append(RateRefund(tax=tax, gross=gross, tax_amount=rounding.apply(exact_tax)))
    return tuple(rates)


def _rate_room(
    original: Mapping[str, Any], refunded: Mapping[TaxCategory, Yen]
) -> dict[TaxCategory, Yen]:
    room = {}
    for rate in original.get("rates", []):
        tax = TaxCategory(rate["tax"])
        room[tax] = int(rate["gross"]) - refunded.get(tax, 0)
    return room


def split_over_tenders(
    original: Mapping[str, Any],
    total: Yen,
    refundable: Mapping[str, Yen] | None = None,
) -> tuple[TenderRefund, ...]:
    """``total`` over the sale's tenders, last paid first, each up to what is left on it."""
    tenders = list(original.get("tenders", []))
    left = total
    shares = []
    for tender in reversed(tenders):
        if left <= 0:
            break
        payment_id = str(tender["payment_id"])
        room = int(tender["amount"]) if refundable is None else refundable.get(payment_id, 0)
        amount = min(left, room)
        if amount > 0:
            shares.append(TenderRefund(payment_id, str(tender["method"]), amount))
            left -= amount
    if left > 0:
        raise ReturnError(f"the sale's tenders have {total - left} yen left to refund, not {total}")
    return tuple(shares)


def refunded_by_rate(documents: Iterable[Mapping[str, Any]]) -> dict[TaxCategory, Yen]:
    """What return ``documents`` refunded per rate (positive yen)."""
    refunded: dict[TaxCategory, Yen] = {}
    for document in documents:
        for rate in document.get("rates", []):
            tax = TaxCategory(rate["tax"])
            refunded[tax] = refunded.get(tax, 0) - int(rate["gross"])
    return refunded
