"""The 適格返還請求書 (qualified return invoice) of a return, as data.

It must show: the issuer and its registration number, the date of the return and the date
of the original sale, the returned goods with the reduced-rate ones marked (※), the refund
total per tax rate and the tax refunded per rate (computed once per rate on the returned
amounts, :func:`kiosk.domain.returns.rate_refunds`). It is built from the return document
alone, so it can be printed again, or shown by the back office, from what was kept.

A store may skip *printing* it below an amount (``[returns] invoice_exempt_below``, where
the rules exempt small returns, ¥10,000 under the 2023 rules); it is kept in the document
either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.method_names import InstalledNames, tender_name
from kiosk.domain.money import Yen
from kiosk.domain.product import TaxCategory
from kiosk.domain.receipt import Issuer
from kiosk.domain.sale import document_line_name
from kiosk.domain.sale_reference import reference_for

#: the languages the invoice is printed in (the shopper's; others print in English)
INVOICE_LANGUAGES = ("ja", "en", "zh-Hans", "ko")


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    name: str
    units: int
    weighed: bool
    refund: Yen  # positive
    reduced: bool


@dataclass(frozen=True, slots=True)
class InvoiceRate:
    rate_percent: int
    refund: Yen  # positive, tax included
    tax: Yen  # positive


@dataclass(frozen=True, slots=True)
class InvoiceTender:
    method: str
    amount: Yen  # positive
    masked: str = ""
    name: str = ""  # the method's name in the invoice's language ("" : its id)


@dataclass(frozen=True, slots=True)
class ReturnInvoice:
    issuer: Issuer
    return_no: int
    kiosk_id: str
    returned_at: datetime
    original_sold_at: datetime | None
    original_receipt_no: int | None
    lines: tuple[InvoiceLine, ...]
    rates: tuple[InvoiceRate, ...]
    tenders: tuple[InvoiceTender, ...]
    reason: str
    staff_id: str
    language: str = "ja"
    training: bool = False
    original_reference: str = ""  # the original sale's SR1 code (printed as a QR code)

    @property
    def total(self) -> Yen:
        return sum(rate.refund for rate in self.rates)

    @property
    def tax_total(self) -> Yen:
        return sum(rate.tax for rate in self.rates)

    @property
    def has_reduced_items(self) -> bool:
        return any(line.reduced for line in self.lines)

    @classmethod
    def from_document(
        cls,
        document: Mapping[str, Any],
        issuer: Issuer,
        method_names: InstalledNames | None = None,
    ) -> ReturnInvoice:
        """The invoice of a return document (:meth:`ReturnPlan.to_document`); refunds are
        named by the installed methods (``method_names``), else by the names the document
        kept (a legacy document without them: a built-in method's legacy name), else by id
        (:mod:`kiosk.domain.method_names`)."""
        language = document.get("language")
        language = language if language in INVOICE_LANGUAGES else "en"
        sold = document.get("original_completed_at")
        return cls(
            issuer=issuer,
            return_no=int(document["receipt_no"]),
            kiosk_id=str(document["kiosk_id"]),
            returned_at=datetime.fromisoformat(document["completed_at"]),
            original_sold_at=datetime.fromisoformat(sold) if sold else None,
            original_receipt_no=document.get("original_receipt_no"),
            lines=tuple(
                InvoiceLine(
                    name=document_line_name(line, language),
                    units=-int(
                        line["weight_g"] if line.get("weight_g") is not None else line["quantity"]
                    ),
                    weighed=line.get("weight_g") is not None,
                    refund=-int(line["amount"]),
                    reduced=line.get("tax") == TaxCategory.REDUCED.value,
                )
                for line in document["lines"]
            ),
            rates=tuple(
                InvoiceRate(int(r["rate_percent"]), -int(r["gross"]), -int(r["tax_amount"]))
                for r in sorted(document["rates"], key=lambda r: r["rate_percent"])
            ),
            tenders=tuple(
                InvoiceTender(
                    str(t["method"]),
                    -int(t["amount"]),
                    str(t.get("masked") or ""),
                    tender_name(t, language, method_names),
                )
                for t in document.get("tenders", [])
            ),
            reason=str(document.get("reason") or ""),
            staff_id=str(document.get("staff_id") or ""),
            language=language,
            training=bool(document.get("training")),
            original_reference=_original_reference(document),
        )

    def printed(self, exempt_below: Yen) -> bool:
        """Whether the paper copy is printed (it is always kept in the document)."""
        return self.total >= exempt_below


def _original_reference(document: Mapping[str, Any]) -> str:
    """The original sale's SR1 code, when the document names its kiosk, time and number."""
    kiosk, sold = document.get("original_kiosk_id"), document.get("original_completed_at")
    number, sale_id = document.get("original_receipt_no"), document.get("original_sale_id")
    if not (kiosk and sold and number is not None and sale_id):
        return ""
    return reference_for(str(kiosk), datetime.fromisoformat(sold), int(number), str(sale_id))
