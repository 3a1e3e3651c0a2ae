"""The receipt as a qualified simplified invoice (適格簡易請求書).

It must show: the issuer and its registration number (登録番号 T + 13 digits), the date,
the items with the reduced-rate ones marked (※) and a legend saying so, the total per tax
rate, and the tax per rate (or the rate). Rendering to text is :mod:`receipt_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stdnum.jp import cn

from kiosk.domain.money import Yen
from kiosk.domain.sale import Sale, Tender
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
