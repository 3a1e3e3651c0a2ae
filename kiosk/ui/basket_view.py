"""What the screens show, as plain immutable data built from the runtime.

The snapshot is taken on the runtime worker thread right after each runtime call, then
handed to the UI thread; screens never read the live ``Checkout`` while a payment thread may
be changing it. Pure Python (no Kivy), so it is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kiosk.domain.basket import BasketLine
from kiosk.domain.events import AttendantReason
from kiosk.domain.money import format_yen


@lru_cache(maxsize=8192)
def _yen_cached(amount: int, language: str) -> str:
    return format_yen(amount, language)


def yen_text(amount: int, language: str) -> str:
    """:func:`~kiosk.domain.money.format_yen`, remembered: Babel formatting costs ~0.1 ms
    and a snapshot formats every line of the basket, on every scan."""
    if type(amount) is not int:  # bool, or not int: let format_yen raise as it does
        return format_yen(amount, language)
    return _yen_cached(amount, language)


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


@dataclass(frozen=True, slots=True)
class AttendantView:
    reason: str  # AttendantReason value
    detail: str = ""


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


def line_view(line: BasketLine, language: str) -> LineView:
    weighed = line.weight_g is not None
    qty_text = f"{line.weight_g / 1000:.3f} kg" if weighed else f"{line.quantity}"
    return LineView(
        line_id=line.line_id,
        name=line.product.name(language),
        quantity=line.quantity,
        quantity_text=qty_text,
        amount_text=yen_text(line.amount, language),
        reduced=line.reduced_rate,
        weighed=weighed,
        age_restricted=line.product.age_restricted,
    )


def snapshot(runtime: Any, language: str, attendant: list[AttendantView]) -> BasketSnapshot:
    """Read the runtime's checkout into a :class:`BasketSnapshot` (worker thread only)."""
    checkout = runtime.checkout
    lines = tuple(line_view(line, language) for line in checkout.basket.active_lines)
    last = checkout.last_line
    totals = checkout.totals
    tax = totals.tax_total
    return BasketSnapshot(
        state=checkout.state.value,
        lines=lines,
        total=totals.total,
        total_text=yen_text(totals.total, language),
        tax_text=yen_text(tax, language) if tax else "",
        item_count=checkout.basket.item_count,
        last=line_view(last, language) if last is not None and not last.voided else None,
        amount_due=runtime.amount_due,
        attendant=tuple(attendant) if checkout.state.value == "needs_attendant" else (),
        has_reduced=any(v.reduced for v in lines),
        read_only=bool(getattr(checkout, "read_only", False)),
    )


def reason_label(reason: str) -> str:
    """The English msgid the staff overlay shows for a reason (translated by the caller)."""
    return {
        AttendantReason.AGE_CHECK: "Age check needed for this item",
        AttendantReason.REMOVAL_APPROVAL: "Staff will approve removing an item",
        AttendantReason.DEVICE_FAULT: "A device needs attention",
        AttendantReason.HELP_REQUESTED: "You asked for help",
        AttendantReason.PAYMENT_PROBLEM: "There was a problem with the payment",
        AttendantReason.INACTIVITY: "This checkout was paused",
    }.get(AttendantReason(reason), "Staff are on their way")
