"""The checkout state machine: idle → shopping → (needs attendant) → paying → paid → idle.

It owns the basket of one shopper, asks an injected adjuster for promotions and coupons,
keeps the totals current, and tells listeners about every change. Illegal transitions raise
:class:`IllegalTransition`; nothing here touches a device, a database or the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.domain.basket import Adjustment, Basket, BasketError, BasketLine, LineSource
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.events import (
    AttendantCleared,
    AttendantNeeded,
    AttendantReason,
    BasketChanged,
    CheckoutEvent,
    CheckoutState,
    StateChanged,
)
from kiosk.domain.money import Yen
from kiosk.domain.scan import Scan, Symbology
from kiosk.domain.tax import Rounding, Totals, compute_totals

S = CheckoutState

# (trigger, from-state) → to-state. Anything else is illegal.
TRANSITIONS: dict[tuple[str, CheckoutState], CheckoutState] = {
    ("start", S.IDLE): S.SHOPPING,
    ("resume", S.IDLE): S.SHOPPING,
    ("need_attendant", S.SHOPPING): S.NEEDS_ATTENDANT,
    ("need_attendant", S.PAYING): S.NEEDS_ATTENDANT,
    ("need_attendant", S.NEEDS_ATTENDANT): S.NEEDS_ATTENDANT,
    ("attendant_done", S.NEEDS_ATTENDANT): S.SHOPPING,
    ("attendant_done_paying", S.NEEDS_ATTENDANT): S.PAYING,
    ("begin_payment", S.SHOPPING): S.PAYING,
    ("payment_cancelled", S.PAYING): S.SHOPPING,
    ("paid", S.PAYING): S.PAID,
    ("finish", S.PAID): S.IDLE,
    ("cancel", S.SHOPPING): S.IDLE,
    ("cancel", S.NEEDS_ATTENDANT): S.IDLE,
    ("suspend", S.SHOPPING): S.IDLE,
    ("suspend", S.NEEDS_ATTENDANT): S.IDLE,
}


class IllegalTransition(RuntimeError):
    def __init__(self, trigger: str, state: CheckoutState) -> None:
        super().__init__(f"cannot {trigger.replace('_', ' ')} while {state.value}")
        self.trigger = trigger
        self.state = state


class BasketReadOnly(IllegalTransition):
    """A staff-registered basket (semi-self hand-off): only staff may change it here."""

    def __init__(self, state: CheckoutState) -> None:
        super().__init__("change a staff-registered basket", state)


@dataclass(frozen=True, slots=True)
class CheckoutPolicy:
    """Store settings that change how a checkout behaves."""

    removal_needs_approval: bool = False
    rounding: Rounding = Rounding.FLOOR


@dataclass(slots=True)
class _Pending:
    reason: AttendantReason
    line_id: int | None = None
    detail: str = ""


Adjuster = Callable[[Basket], list[Adjustment]]
AgeVerifier = Callable[[BasketLine], str | None]  # returns the approving method, or None
Listener = Callable[[CheckoutEvent], None]


@dataclass
class SuspendedBasket:
    lines: list[BasketLine]
    reason: str
    pending: list[_Pending] = field(default_factory=list)


class Checkout:
    def __init__(
        self,
        catalogue: Catalogue,
        policy: CheckoutPolicy | None = None,
        adjuster: Adjuster | None = None,
        age_verifier: AgeVerifier | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.policy = policy or CheckoutPolicy()
        self._adjuster = adjuster
        self._age_verifier = age_verifier
        self.state = S.IDLE
        self.basket = Basket()
        self.totals: Totals = compute_totals([], rounding=self.policy.rounding)
        self.last_line: BasketLine | None = None
        self._pending: list[_Pending] = []
        self._listeners: list[Listener] = []
        self._paying_when_interrupted = False
        self.read_only = False  # a handed-off basket: the shopper pays, staff may still change

    # --- observation ---------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def pending_reasons(self) -> list[AttendantReason]:
        return [p.reason for p in self._pending]

    # --- session -------------------------------------------------------------------------

    def start(self) -> None:
        self._move("start")

    def cancel(self) -> None:
        """Abandon the basket (a staff action or the shopper's cancel before paying)."""
        self._move("cancel")
        self._reset()

    def suspend(self, reason: str) -> SuspendedBasket:
        """Put the basket aside for staff (e.g. inactivity) and return to idle."""
        suspended = SuspendedBasket(self.basket.snapshot(), reason, list(self._pending))
        self._move("suspend")
        self._reset()
        return suspended

    def resume(self, suspended: SuspendedBasket) -> None:
        self._move("resume")
        self.basket = Basket.restore(suspended.lines)
        self._recompute("restored")
        for pending in suspended.pending:
            self._need(pending.reason, pending.detail, pending.line_id)

    # --- basket --------------------------------------------------------------------------

    def scan(self, scan: Scan) -> BasketLine:
        """Add the product a scan names; a scan while idle starts the session.

        Raises ``InvalidBarcode`` or ``UnknownProduct`` without changing anything.
        """
        product, instore = self.catalogue.resolve_scan(
            scan.code, upce=scan.symbology is Symbology.UPCE
        )
        self._ensure_shopping()
        line = self.basket.add(
            product, source=LineSource.SCAN, instore=instore, scanned_code=scan.code
        )
        return self._added(line)

    def add_plu(
        self, plu: str, quantity: int = 1, source: LineSource = LineSource.PLU
    ) -> BasketLine:
        product = self.catalogue.by_plu(plu)
        if product.priced_by_label and source is LineSource.LOOKUP:
            # the look-up does not list it (it would cost ¥0 there): a stale list or a hand
            # that touched one anyway gets this, the shopper scans the label
            raise BasketError(f"{product.name_en} is priced by its label: scan the label")
        self._ensure_shopping()
        if product.weighed:
            raise ValueError(f"{product.name_en} is sold by weight: use add_weighed")
        return self._added(self.basket.add(product, quantity, source=source))

    def add_weighed(self, plu: str, weight_g: int) -> BasketLine:
        product = self.catalogue.by_plu(plu)
        self._ensure_shopping()
        return self._added(self.basket.add_weighed(product, weight_g))

    def set_quantity(self, line_id: int, quantity: int) -> None:
        self._require(S.SHOPPING)
        line = self.basket.line(line_id)
        if quantity < line.quantity and self.policy.removal_needs_approval:
            self._need(AttendantReason.REMOVAL_APPROVAL, f"quantity→{quantity}", line_id)
            return
        self.basket.set_quantity(line_id, quantity)
        self._recompute("quantity", line_id)

    def void_line(self, line_id: int, by: str | None = None) -> None:
        """Remove a line (kept in the basket, marked void). May need staff approval."""
        self._require(S.SHOPPING, S.NEEDS_ATTENDANT, staff=by is not None)
        if self.policy.removal_needs_approval and by is None:
            self.basket.line(line_id)  # raises for an unknown line before asking staff
            self._need(AttendantReason.REMOVAL_APPROVAL, "void", line_id)
            return
        self.basket.void_line(
            line_id, reason="removed by shopper" if by is None else "staff void", by=by
        )
        self._pending = [p for p in self._pending if p.line_id != line_id]
        self._recompute("voided", line_id)
        self._leave_attendant_if_clear()

    def refresh_adjustments(self) -> None:
        """Ask the adjuster again without a line change (a member card or coupon was scanned)."""
        self._recompute("adjusted")

    # --- attendant -----------------------------------------------------------------------

    def request_help(self, detail: str = "") -> None:
        self._need(AttendantReason.HELP_REQUESTED, detail)

    def withdraw_help(self) -> bool:
        """The shopper takes back their own call for staff (pressed by mistake, or solved).

        Only ``HELP_REQUESTED`` goes; an age check or a fault still waits for staff. True if
        there was a call to withdraw.
        """
        if self.state is not S.NEEDS_ATTENDANT:
            return False
        calls = [p for p in self._pending if p.reason is AttendantReason.HELP_REQUESTED]
        if not calls:
            return False
        self._pending = [p for p in self._pending if p.reason is not AttendantReason.HELP_REQUESTED]
        for pending in calls:
            self._emit(AttendantCleared(pending.reason, "shopper"))
        self._leave_attendant_if_clear()
        return True

    def report_fault(self, detail: str) -> None:
        self._need(AttendantReason.DEVICE_FAULT, detail)

    def cash_left(self, inserted: Yen) -> None:
        """The shopper walked away while paying in cash, ``inserted`` yen in the changer and
        not enough: staff decide (give it back, or the rest is put in). The detail is the
        amount, for staff and the journal."""
        self._need(AttendantReason.CASH_LEFT, str(int(inserted)))

    def approve(self, staff_id: str) -> list[AttendantReason]:
        """Staff clear every pending reason: approve ages, apply requested removals."""
        self._require(S.NEEDS_ATTENDANT, staff=True)
        cleared = list(self._pending)
        for pending in cleared:
            if pending.reason is AttendantReason.AGE_CHECK and pending.line_id is not None:
                self.basket.approve_age(pending.line_id, staff_id)
            elif pending.reason is AttendantReason.REMOVAL_APPROVAL and pending.line_id is not None:
                self._apply_removal(pending, staff_id)
        self._pending.clear()
        for pending in cleared:
            self._emit(AttendantCleared(pending.reason, staff_id))
        self._recompute("approved")
        self._leave_attendant_if_clear()
        return [p.reason for p in cleared]

    # --- payment -------------------------------------------------------------------------

    def begin_payment(self) -> None:
        if self.basket.is_empty():
            raise IllegalTransition("begin_payment", self.state)
        if self.basket.lines_needing_age_check():
            raise IllegalTransition("begin_payment", S.NEEDS_ATTENDANT)
        self._move("begin_payment")

    def payment_cancelled(self) -> None:
        self._move("payment_cancelled")

    def payment_problem(self, detail: str) -> None:
        self._need(AttendantReason.PAYMENT_PROBLEM, detail)

    def mark_paid(self) -> None:
        """Only the runtime calls this, after the sale and its outbox row are committed.

        Staff called *during* the payment (the cash changer's cable came out, then went back
        in, and the shopper's money covered the amount) do not stop it: the money is in and
        the sale is committed, so the checkout is paid. Refusing here left a committed sale
        behind a basket the shopper could pay again. The call stays in the journal and
        the device's own status for staff."""
        if self.state is S.NEEDS_ATTENDANT and self._paying_when_interrupted:
            self._pending.clear()
            self._move("attendant_done_paying")
        self._move("paid")

    def finish(self) -> None:
        self._move("finish")
        self._reset()

    # --- internals -----------------------------------------------------------------------

    def _ensure_shopping(self) -> None:
        if self.state is S.IDLE:
            self.start()
        self._require(S.SHOPPING, S.NEEDS_ATTENDANT)

    def _added(self, line: BasketLine) -> BasketLine:
        self.last_line = line
        if line.needs_age_check and self._age_verifier is not None:
            method = self._age_verifier(line)
            if method:
                self.basket.approve_age(line.line_id, by=f"digital:{method}")
        self._recompute("added", line.line_id)
        if line.needs_age_check:
            self._need(AttendantReason.AGE_CHECK, line.product.name_en, line.line_id)
        return line

    def _apply_removal(self, pending: _Pending, staff_id: str) -> None:
        assert pending.line_id is not None
        if pending.detail.startswith("quantity→"):
            self.basket.set_quantity(pending.line_id, int(pending.detail.split("→")[1]))
        else:
            self.basket.void_line(pending.line_id, reason="removal approved", by=staff_id)

    def _need(self, reason: AttendantReason, detail: str = "", line_id: int | None = None) -> None:
        if self.state is not S.NEEDS_ATTENDANT:
            self._paying_when_interrupted = self.state is S.PAYING
        self._move("need_attendant")
        self._pending.append(_Pending(reason, line_id, detail))
        self._emit(AttendantNeeded(reason, detail, line_id))

    def _leave_attendant_if_clear(self) -> None:
        if self.state is S.NEEDS_ATTENDANT and not self._pending:
            self._move(
                "attendant_done_paying" if self._paying_when_interrupted else "attendant_done"
            )

    def _recompute(self, change: str, line_id: int | None = None) -> None:
        self.basket.adjustments = self._adjuster(self.basket) if self._adjuster else []
        self.totals = compute_totals(
            self.basket.lines, self.basket.adjustments, rounding=self.policy.rounding
        )
        self._emit(BasketChanged(change, line_id))

    def _reset(self) -> None:
        self.basket = Basket()
        self.last_line = None
        self._pending.clear()
        self._paying_when_interrupted = False
        self.read_only = False
        self.totals = compute_totals([], rounding=self.policy.rounding)

    def _require(self, *states: CheckoutState, staff: bool = False) -> None:
        if self.state not in states:
            raise IllegalTransition("change the basket", self.state)
        if self.read_only and not staff:
            raise BasketReadOnly(self.state)

    def _move(self, trigger: str) -> None:
        try:
            new = TRANSITIONS[(trigger, self.state)]
        except KeyError:
            raise IllegalTransition(trigger, self.state) from None
        old, self.state = self.state, new
        if old is not new:
            self._emit(StateChanged(old, new, trigger))

    def _emit(self, event: CheckoutEvent) -> None:
        for listener in list(self._listeners):
            listener(event)
