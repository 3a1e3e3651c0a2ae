"""A completed sale: what is committed, journaled, synced and printed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.domain.allocation import allocation_document
from kiosk.domain.basket import Adjustment, BasketLine
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.money import Yen
from kiosk.domain.tax import Totals


@dataclass(frozen=True, slots=True)
class Tender:
    """One approved payment on a sale (split tender has several)."""

    payment_id: str
    method: str
    name_ja: str
    name_en: str
    amount: Yen
    reference: str = ""  # the provider's opaque token or approval number; never card data
    masked: str = ""  # at most first 6 / last 4 digits, e.g. "411111******1111"
    tendered: Yen = 0  # cash handed over (お預り), when more than ``amount``
    #: the method's name in other languages, as (language, name) pairs (zh-Hans, ko)
    names: tuple[tuple[str, str], ...] = ()

    def name(self, language: str) -> str:
        if language == "ja":
            return self.name_ja
        return dict(self.names).get(language) or self.name_en


@dataclass(frozen=True, slots=True)
class Sale:
    sale_id: str
    kiosk_id: str
    receipt_no: int
    started_at: datetime
    completed_at: datetime
    lines: tuple[BasketLine, ...]
    adjustments: tuple[Adjustment, ...]
    totals: Totals
    tenders: tuple[Tender, ...]
    change: Yen = 0
    language: str = "ja"
    staff_id: str | None = None
    member_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    training: bool = False  # paid to a simulator (練習): kept out of the back office's reports

    @property
    def total(self) -> Yen:
        return self.totals.total

    @property
    def tendered(self) -> Yen:
        return sum(t.amount for t in self.tenders)

    def to_document(self) -> dict[str, Any]:
        """A JSON-ready dict: the outbox payload and the journal entry are built from it.

        ``training`` is present (true) only on training sales, so a real sale's document is
        what it always was."""
        document = {
            "sale_id": self.sale_id,
            "kiosk_id": self.kiosk_id,
            "receipt_no": self.receipt_no,
            "started_at": self.started_at.isoformat(),
            "completed_at": self.completed_at.isoformat(),
            "language": self.language,
            "staff_id": self.staff_id,
            "member_id": self.member_id,
            "lines": [line_document(line) for line in self.lines],
            "adjustments": [
                {
                    "key": a.key,
                    "kind": a.kind.value,
                    "amount": a.amount,
                    # label_ja/label_en: the v1 schema, kept for readers of it; labels: the
                    # same label in every shopper language (an added field, v1 allows it)
                    "label_ja": a.label("ja"),
                    "label_en": a.label("en"),
                    "labels": {language: a.label(language) for language in LANGUAGES},
                    "line_ids": list(a.line_ids),
                    "source": a.source,
                }
                for a in self.adjustments
            ],
            "rates": [
                {
                    "tax": r.tax.value,
                    "rate_percent": r.rate_percent,
                    "gross": r.gross,
                    "tax_amount": r.tax_amount,
                    "discount": r.discount,
                }
                for r in self.totals.rates
            ],
            "total": self.total,
            "tenders": [
                {
                    "payment_id": t.payment_id,
                    "method": t.method,
                    "amount": t.amount,
                    "reference": t.reference,
                    "masked": t.masked,
                    "tendered": t.tendered,
                    # the method's name at the payment, for a reprint without its plugin
                    "names": {language: t.name(language) for language in LANGUAGES},
                }
                for t in self.tenders
            ],
            "change": self.change,
            "extra": self.extra,
        }
        # what each line was paid after coupons and promotions: a return refunds this
        document["allocation"] = allocation_document(document)
        if self.training:
            document["training"] = True
        return document


def is_training_document(document: dict[str, Any]) -> bool:
    """Whether a committed sale's document is a training sale's (paid to a simulator).

    Plugins that act on the world outside the kiosk for a sale — points, coupon uses,
    tax-free records for the tax authority, campaign counts — skip these: a practice sale
    must change nothing a member, the authority or the back office's reports see."""
    return document.get("training") is True


def document_line_name(line: Mapping[str, Any], language: str) -> str:
    """A sale or return document line's name in ``language``: the name the line kept for it,
    else (a document from before lines kept ``names``) Japanese for ja and English for the
    rest, else the Japanese name."""
    names = line.get("names") or {}
    kept = names.get(language) if isinstance(names, Mapping) else None
    fallback = line.get("name_ja") if language == "ja" else line.get("name_en")
    return str(kept or fallback or line.get("name_ja") or "")


def line_document(line: BasketLine) -> dict[str, Any]:
    """A basket line as it appears in a sale document (outbox, journal, plugins)."""
    return {
        "line_id": line.line_id,
        "sku": line.product.sku,
        "gtin": line.product.gtin,
        "name_ja": line.product.name_ja,
        "name_en": line.product.name_en,
        # every shopper language's name (an added field, v1 allows it): a reprint or a
        # return invoice made from the document names the goods as the first receipt did
        "names": {language: line.product.name(language) for language in LANGUAGES},
        "department": line.product.department,
        "tax": line.tax.value,
        "price_includes_tax": line.product.price_includes_tax,
        "quantity": line.quantity,
        "weight_g": line.weight_g,
        "unit_price": line.unit_price,
        "amount": line.amount,
        "voided": line.voided,
        "void_reason": line.void_reason,
        "voided_by": line.voided_by,
        "age_approved_by": line.age_approved_by,
    }
