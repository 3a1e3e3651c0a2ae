"""Immutable snapshots of the sale in progress, for readers outside the runtime.

The UI, the command line and plugins read the basket through :meth:`KioskRuntime.sale_view`
instead of holding the live :class:`~kiosk.domain.checkout.Checkout`: a snapshot cannot be
changed (frozen, tuples), so a reader on another thread, or one that keeps it, cannot move
the sale by accident; every change goes through the runtime's named methods, under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.basket import Adjustment, BasketError, BasketLine, LineFigures, LineSource
from kiosk.domain.checkout import Checkout
from kiosk.domain.events import AttendantReason, CheckoutState
from kiosk.domain.money import Yen
from kiosk.domain.product import Product
from kiosk.domain.tax import Totals


@dataclass(frozen=True, slots=True)
class LineSnapshot(LineFigures):
    """One basket line as it was when the snapshot was taken (same fields as BasketLine)."""

    line_id: int
    product: Product
    quantity: int
    unit_price: Yen
    weight_g: int | None
    source: LineSource
    scanned_code: str | None
    voided: bool
    void_reason: str | None
    voided_by: str | None
    age_approved_by: str | None

    @classmethod
    def of(cls, line: BasketLine) -> LineSnapshot:
        return cls(
            line.line_id,
            line.product,
            line.quantity,
            line.unit_price,
            line.weight_g,
            line.source,
            line.scanned_code,
            line.voided,
            line.void_reason,
            line.voided_by,
            line.age_approved_by,
        )


@dataclass(frozen=True, slots=True)
class SaleView:
    """The sale in progress, read in one step under the runtime's lock."""

    sale_id: str
    state: CheckoutState
    #: every line, voided ones included (marked ``voided``), in the order rung up
    lines: tuple[LineSnapshot, ...]
    adjustments: tuple[Adjustment, ...]
    totals: Totals
    last_line: LineSnapshot | None
    #: what is still to pay (total less the tenders taken so far)
    amount_due: Yen
    #: a handed-off basket: the shopper pays, only staff may change it
    read_only: bool
    member_id: str | None
    pending: tuple[AttendantReason, ...]
    removal_needs_approval: bool

    @classmethod
    def of(
        cls, checkout: Checkout, sale_id: str, amount_due: Yen, member_id: str | None
    ) -> SaleView:
        last = checkout.last_line
        return cls(
            sale_id=sale_id,
            state=checkout.state,
            lines=tuple(LineSnapshot.of(line) for line in checkout.basket.lines),
            adjustments=tuple(checkout.basket.adjustments),
            totals=checkout.totals,
            last_line=None if last is None else LineSnapshot.of(last),
            amount_due=amount_due,
            read_only=bool(getattr(checkout, "read_only", False)),
            member_id=member_id,
            pending=tuple(checkout.pending_reasons),
            removal_needs_approval=checkout.policy.removal_needs_approval,
        )

    @property
    def active_lines(self) -> tuple[LineSnapshot, ...]:
        return tuple(line for line in self.lines if not line.voided)

    @property
    def item_count(self) -> int:
        return sum(1 if ln.weight_g is not None else ln.quantity for ln in self.active_lines)

    def line(self, line_id: int) -> LineSnapshot:
        """The line ``line_id`` (voided or not); ``BasketError`` if there is none."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise BasketError(f"no basket line {line_id}")
