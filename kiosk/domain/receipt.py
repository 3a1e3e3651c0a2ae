"""The receipt as a qualified simplified invoice (適格簡易請求書).

It must show: the issuer and its registration number (登録番号 T + 13 digits), the date,
the items with the reduced-rate ones marked (※) and a legend saying so, the total per tax
rate, and the tax per rate (or the rate). Rendering to text is :mod:`receipt_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from stdnum.jp import cn

from kiosk.domain.method_names import InstalledNames, tender_name
from kiosk.domain.money import Yen
from kiosk.domain.product import TaxCategory
from kiosk.domain.sale import Sale, Tender, document_line_name
from kiosk.domain.sale_reference import sale_reference
from kiosk.domain.tax import RateTotal

#: languages a receipt is printed in (the shopper's, else English)
RECEIPT_LANGUAGES = ("ja", "en", "zh-Hans", "ko")


class InvalidRegistrationNumber(ValueError):
    """Not a qualified invoice issuer number: T followed by 13 digits with a valid check digit."""


def validate_registration_number(number: str) -> str:
    """Return ``number`` as ``T`` + 13 digits, or raise :class:`InvalidRegistrationNumber`.

    The 13 digits follow the Corporate Number scheme (法人番号): the first digit checks the
    other twelve. Sole proprietors get numbers from the same scheme.
    """
    text = number.strip().upper().replace("-", "").replace(" ", "")
    if not text.startswith("T"):
        raise InvalidRegistrationNumber(f"{number!r}: a registration number starts with T")
    digits = text[1:]
    if len(digits) != 13 or not digits.isdigit():
        raise InvalidRegistrationNumber(f"{number!r}: T must be followed by 13 digits")
    if not cn.is_valid(digits):
        raise InvalidRegistrationNumber(f"{number!r}: check digit does not match")
    return "T" + digits


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str
    registration_number: str
    address: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "registration_number", validate_registration_number(self.registration_number)
        )


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_price: Yen
    amount: Yen
    reduced: bool
    weight_g: int | None = None


@dataclass(frozen=True, slots=True)
class ReceiptAdjustment:
    label: str
    amount: Yen


@dataclass(frozen=True, slots=True)
class ReceiptSection:
    """Extra lines a plugin adds (points, coupons, tax-free summary)."""

    title: str
    lines: tuple[str, ...]
    qr: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    issuer: Issuer
    issued_at: datetime
    receipt_no: int
    kiosk_id: str
    lines: tuple[ReceiptLine, ...]
    adjustments: tuple[ReceiptAdjustment, ...]
    rates: tuple[RateTotal, ...]
    total: Yen
    tenders: tuple[Tender, ...]
    change: Yen
    language: str = "ja"
    sections: tuple[ReceiptSection, ...] = field(default=())
    e_receipt_code: str | None = None
    training: bool = False  # printed as 練習 TRAINING: no real money changed hands
    #: the sale reference printed as a QR code (:mod:`kiosk.domain.sale_reference`)
    reference: str | None = None
    #: the signed e-receipt link, printed as a QR code when the shopper chose paper *and*
    #: e-receipt (set by the receipt output with :func:`dataclasses.replace`)
    e_receipt_url: str | None = None

    @property
    def has_reduced_items(self) -> bool:
        return any(line.reduced for line in self.lines)

    @property
    def subtotal(self) -> Yen:
        return sum(line.amount for line in self.lines)

    @classmethod
    def from_sale(
        cls, sale: Sale, issuer: Issuer, sections: tuple[ReceiptSection, ...] = ()
    ) -> Receipt:
        language = sale.language if sale.language in RECEIPT_LANGUAGES else "en"
        return cls(
            issuer=issuer,
            issued_at=sale.completed_at,
            receipt_no=sale.receipt_no,
            kiosk_id=sale.kiosk_id,
            lines=tuple(
                ReceiptLine(
                    name=line.product.name(language),
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    reduced=line.reduced_rate,
                    weight_g=line.weight_g,
                )
                for line in sale.lines
                if not line.voided
            ),
            adjustments=tuple(
                ReceiptAdjustment(a.label(language), a.amount) for a in sale.adjustments
            ),
            rates=sale.totals.rates,
            total=sale.total,
            tenders=sale.tenders,
            change=sale.change,
            language=language,
            sections=sections,
            e_receipt_code=sale.sale_id,
            training=sale.training,
            reference=sale_reference(sale),
        )


def receipt_from_document(
    document: dict[str, Any],
    issuer: Issuer,
    sections: tuple[ReceiptSection, ...] = (),
    method_names: InstalledNames | None = None,
) -> Receipt:
    """The receipt of a synced sale document (:meth:`Sale.to_document`): same lines, rates,
    tenders and reference as the paper one. Plugin sections are not part of the document;
    they travel on their own (:mod:`kiosk.domain.receipt_sections`) and are given here.
    Tenders are named by the installed methods (``method_names``), else by the names the
    document kept (a legacy document without them: a built-in method's legacy name), else
    by id (:mod:`kiosk.domain.method_names`)."""
    language = document.get("language", "ja")
    language = language if language in RECEIPT_LANGUAGES else "en"
    pick = "ja" if language == "ja" else "en"
    completed = datetime.fromisoformat(document["completed_at"])
    lines = tuple(
        ReceiptLine(
            name=document_line_name(line, language),
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            amount=line["amount"],
            reduced=line["tax"] == TaxCategory.REDUCED.value,
            weight_g=line.get("weight_g"),
        )
        for line in document["lines"]
        if not line.get("voided")
    )
    tenders = tuple(
        Tender(
            t["payment_id"],
            t["method"],
            tender_name(t, "ja", method_names),
            tender_name(t, "en", method_names),
            amount=t["amount"],
            reference=t.get("reference", ""),
            masked=t.get("masked", ""),
            tendered=t.get("tendered", 0),
            names=tuple((lang, tender_name(t, lang, method_names)) for lang in ("zh-Hans", "ko")),
        )
        for t in document["tenders"]
    )
    rates = tuple(
        RateTotal(TaxCategory(r["tax"]), r["gross"], r["tax_amount"], r.get("discount", 0))
        for r in document["rates"]
    )
    ref = SimpleNamespace(
        kiosk_id=document["kiosk_id"],
        completed_at=completed,
        receipt_no=document["receipt_no"],
        sale_id=document["sale_id"],
    )
    return Receipt(
        issuer=issuer,
        issued_at=completed,
        receipt_no=document["receipt_no"],
        kiosk_id=document["kiosk_id"],
        lines=lines,
        adjustments=tuple(
            ReceiptAdjustment(
                (a.get("labels") or {}).get(language) or a[f"label_{pick}"] or a["label_ja"],
                a["amount"],
            )
            for a in document.get("adjustments", [])
        ),
        rates=rates,
        total=document["total"],
        tenders=tenders,
        change=document.get("change", 0),
        language=language,
        sections=sections,
        e_receipt_code=document["sale_id"],
        training=bool(document.get("training")),
        reference=sale_reference(ref),
    )
