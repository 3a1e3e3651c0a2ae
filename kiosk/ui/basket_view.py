"""What the screens show, as plain immutable data built from the runtime.

The snapshot is taken on the runtime worker thread right after each runtime call, then
handed to the UI thread; screens never read the live ``Checkout`` while a payment thread may
be changing it. Pure Python (no Kivy), so it is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kiosk.domain.basket import BasketLine
from kiosk.domain.events import AttendantReason
from kiosk.domain.money import format_yen
from kiosk.domain.receipt_layout import printable
from kiosk.messages import catalogue
from kiosk.runtime.sale_view import LineSnapshot, SaleView

if TYPE_CHECKING:
    from kiosk.runtime import KioskRuntime


@lru_cache(maxsize=8192)
def _yen_cached(amount: int, language: str) -> str:
    return format_yen(amount, language)


def yen_text(amount: int, language: str) -> str:
    """:func:`~kiosk.domain.money.format_yen`, remembered: Babel formatting costs ~0.1 ms
    and a snapshot formats every line of the basket, on every scan."""
    if type(amount) is not int:  # bool, or not int: let format_yen raise as it does
        return format_yen(amount, language)
    return _yen_cached(amount, language)


#: languages whose labels take a full-width colon; Korean, like English, uses ": "
FULL_WIDTH_COLON_LANGUAGES = frozenset({"ja", "zh-Hans"})


def labelled_text(label: str, value: str, language: str, gap: str = " ") -> str:
    """``label: value`` with the colon of the shopper's script: "ブランド：ACME" (a half-width
    ": " after Japanese or Chinese reads as a typo), "Brand: ACME", "브랜드: ACME". ``gap``
    follows a half-width colon (an entry field's "Staff ID:  " keeps two); the full-width
    colon carries its own space."""
    colon = "：" if language in FULL_WIDTH_COLON_LANGUAGES else ":" + gap
    return f"{label}{colon}{value}"


@dataclass(frozen=True, slots=True)
class LineView:
    line_id: int
    name: str
    quantity: int
    quantity_text: str
    amount_text: str
    reduced: bool
    weighed: bool
    age_restricted: bool
    unit_text: str = ""  # "@￥150 × 2" when the amount is not the unit price


@dataclass(frozen=True, slots=True)
class AdjustmentView:
    """A discount (coupon, promotion, member price) as the basket shows it: −￥100."""

    key: str
    label: str
    amount: int
    amount_text: str


@dataclass(frozen=True, slots=True)
class RateView:
    """One tax rate as the invoice rules want it shown: 8%対象 ￥X (内消費税 ￥Y)."""

    rate_percent: int
    reduced: bool
    gross: int
    gross_text: str
    tax: int
    tax_text: str


@dataclass(frozen=True, slots=True)
class AttendantView:
    reason: str  # AttendantReason value
    detail: str = ""
    line_id: int | None = None


@dataclass(frozen=True, slots=True)
class BasketSnapshot:
    state: str
    lines: tuple[LineView, ...] = ()
    total: int = 0
    total_text: str = ""
    tax_text: str = ""
    item_count: int = 0
    last: LineView | None = None
    amount_due: int = 0
    attendant: tuple[AttendantView, ...] = field(default_factory=tuple)
    has_reduced: bool = False
    read_only: bool = False  # a handed-off basket: staff registered it, the shopper pays
    adjustments: tuple[AdjustmentView, ...] = ()
    rates: tuple[RateView, ...] = ()
    added_tax: int = 0  # tax added on top of tax-exclusive (外税) prices
    added_tax_text: str = ""
    #: a member card is signed in to this sale (even before the first item)
    member: bool = False


def screen_name(product: Any, language: str) -> str:
    """A product's name as the screen shows it: an emoji becomes its named placeholder
    (``🍙`` → ``[rice ball]``) as on the receipt, since the screen's fonts have no emoji and
    would draw a box (tofu) in its place."""
    return printable(product.name(language))


def line_view(line: BasketLine | LineSnapshot, language: str) -> LineView:
    weighed = line.weight_g is not None
    qty_text = f"{line.weight_g / 1000:.3f} kg" if weighed else f"{line.quantity}"
    unit = yen_text(line.unit_price, language)
    unit_text = (
        f"@{unit}/kg" if weighed else (f"@{unit} × {line.quantity}" if line.quantity > 1 else "")
    )
    return LineView(
        line_id=line.line_id,
        name=screen_name(line.product, language),
        quantity=line.quantity,
        quantity_text=qty_text,
        amount_text=yen_text(line.amount, language),
        reduced=line.reduced_rate,
        weighed=weighed,
        age_restricted=line.product.age_restricted,
        unit_text=unit_text,
    )


def adjustment_views(
    sale: SaleView, language: str, render: Any = None
) -> tuple[AdjustmentView, ...]:
    """The adjustments that apply now (one whose lines were all voided no longer does).

    ``render(message, language)`` turns an adjustment's :class:`~kiosk.domain.messages.Message`
    into text; without one (or without a message) the adjustment's own label is shown.
    """
    live = {line.line_id for line in sale.active_lines}
    views = []
    for a in sale.adjustments:
        if a.amount == 0 or (a.line_ids and not live.intersection(a.line_ids)):
            continue
        message = getattr(a, "message", None)
        label = render(message, language) if (render and message) else a.label(language)
        views.append(AdjustmentView(a.key, label, a.amount, yen_text(a.amount, language)))
    return tuple(views)


def snapshot(
    runtime: KioskRuntime, language: str, attendant: list[AttendantView], render: Any = None
) -> BasketSnapshot:
    """Read the runtime's sale (one immutable :meth:`~kiosk.runtime.KioskRuntime.sale_view`)
    into a :class:`BasketSnapshot` (worker thread only)."""
    sale = runtime.sale_view()
    active = sale.active_lines
    lines = tuple(line_view(line, language) for line in active)
    last = sale.last_line
    totals = sale.totals
    tax = totals.tax_total
    adjustments = adjustment_views(sale, language, render)
    rates = tuple(
        RateView(
            r.rate_percent,
            r.tax.value == "reduced",
            r.gross,
            yen_text(r.gross, language),
            r.tax_amount,
            yen_text(r.tax_amount, language),
        )
        for r in totals.rates
    )
    # what tax-exclusive prices add on top: the lines and discounts shown then add up
    added = totals.total - sum(line.amount for line in active) - sum(a.amount for a in adjustments)
    return BasketSnapshot(
        state=sale.state.value,
        lines=lines,
        total=totals.total,
        total_text=yen_text(totals.total, language),
        tax_text=yen_text(tax, language) if tax else "",
        item_count=sale.item_count,
        last=line_view(last, language) if last is not None and not last.voided else None,
        amount_due=sale.amount_due,
        attendant=(
            tuple(shown_attendant(a, sale, language) for a in attendant)
            if sale.state.value == "needs_attendant"
            else ()
        ),
        has_reduced=any(v.reduced for v in lines),
        member=sale.member_id is not None,
        read_only=sale.read_only,
        adjustments=adjustments,
        rates=rates,
        added_tax=added,
        added_tax_text=yen_text(added, language) if added else "",
    )


def shown_attendant(view: AttendantView, sale: SaleView, language: str) -> AttendantView:
    """What the overlay may show of a reason: the item's name in the shopper's language.

    The domain's details are internal English ("shopper pressed call staff", "cash:
    outcome unknown"); they go to the log and the journal, not onto the screen.
    """
    name = ""
    if view.reason == AttendantReason.DEVICE_FAULT:
        # the domain's detail is "<role>: <status>"; staff are told which device to see to
        role = view.detail.split(":", 1)[0].strip()
        msgid = DEVICE_NAMES.get(role)
        name = catalogue("kiosk", language).gettext(msgid) if msgid else role
    if view.line_id is not None:
        try:
            name = screen_name(sale.line(view.line_id).product, language)
        except ValueError:  # BasketError: the line went away meanwhile
            name = ""
    return AttendantView(view.reason, name, view.line_id)


#: a hardware profile's device roles as staff call them (kiosk/devices, hardware_profiles);
#: a role not here is shown as it is
DEVICE_NAMES = {
    "printer": "Printer",  # as in "Printer: out of paper"
    "changer": "Cash changer",
    "main_scanner": "Barcode scanner",
    "terminal": "Card terminal",
    "scale": "Scale",
    "camera": "Camera",
    "member_reader": "Member card reader",
    "display": "Customer display",
    "light": "Status light",
}


def reason_label(reason: str) -> str:
    """The English msgid the staff overlay shows for a reason (translated by the caller)."""
    return {
        AttendantReason.AGE_CHECK: "Age check needed for this item",
        AttendantReason.REMOVAL_APPROVAL: "Staff will approve removing an item",
        AttendantReason.DEVICE_FAULT: "A device needs attention",
        AttendantReason.HELP_REQUESTED: "You asked for help",
        AttendantReason.PAYMENT_PROBLEM: "There was a problem with the payment",
        AttendantReason.INACTIVITY: "This checkout was paused",
        # the detail is the amount: StaffOverlay.reasons_text puts it in
        AttendantReason.CASH_LEFT: "Cash was left in the machine: {amount}",
    }.get(AttendantReason(reason), "Staff are on their way")
