"""Attendant actions on a kiosk: from the console's command queue or at the kiosk with a PIN.

Every action checks the role (:data:`kiosk.attendant_policy.NEEDS`), is written to the
kiosk's hash-chained journal, and is queued for the back office's audit log (the reporter
delivers it). PINs are checked through ``runtime.check_staff_pin``: the kiosk's one lock-out (5
wrong PINs → locked for ``lockout_seconds``) applies; failures are journalled and audited.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.attendant_policy import NEEDS, Action, KioskMode, Level
from kiosk.domain.basket import Adjustment, AdjustmentKind, BasketError
from kiosk.domain.checkout import IllegalTransition
from kiosk.domain.events import CheckoutState
from kiosk.staff import NotAllowed, PinCheck, Role, RuntimePins, StaffLocked, WrongPin
from plugins.handoff.errors import ActionRefused
from plugins.handoff.i18n import handoff_message

if TYPE_CHECKING:
    from kiosk.runtime.exclusive import ExclusiveSale

log = logging.getLogger(__name__)
S = CheckoutState
MAX_MESSAGE = 200


@dataclass(frozen=True, slots=True)
class KioskNotice:
    """For the kiosk's screen: a message, a mode change or receipt lines to reprint."""

    kind: str  # "message" | "mode" | "reprint"
    text: str = ""
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionResult:
    action: str
    ok: bool
    detail: str
    staff_id: str
    via: str  # "console" | "pin"


@dataclass
class _Override:
    line_id: int
    price: int
    by: str


@dataclass
class StaffActions:
    runtime: Any
    staff: PinCheck | None = None
    mode: KioskMode = KioskMode.OPEN
    overrides: dict[int, _Override] = field(default_factory=dict)
    pending_audit: list[dict[str, Any]] = field(default_factory=list)
    _listeners: list[Callable[[KioskNotice], None]] = field(default_factory=list)
    _sale_id: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.staff is None:  # the kiosk's one PIN lock-out, so it counts every try
            self.staff = RuntimePins(self.runtime)

    def subscribe(self, listener: Callable[[KioskNotice], None]) -> None:
        self._listeners.append(listener)

    # --- entry points --------------------------------------------------------------------

    def with_pin(self, staff_id: str, pin: str, action: Action | str, **args: Any) -> ActionResult:
        """At the kiosk: check the PIN and the role, then act. Raises the PIN errors."""
        action = Action(action)
        needs = Role.MANAGER if NEEDS[action] is Level.MANAGER else Role.ATTENDANT
        assert self.staff is not None
        try:
            account = self.staff.check(staff_id, pin, needs)
        except (WrongPin, StaffLocked, NotAllowed) as exc:
            self._record(action, False, f"{type(exc).__name__}: {exc}", staff_id[:32], "pin", args)
            raise
        return self.perform(action, account.staff_id, via="pin", **args)

    def perform(
        self, action: Action | str, by: str, via: str = "console", **args: Any
    ) -> ActionResult:
        """Do ``action`` for ``by`` (whose role was already checked); never raises for refusals."""
        try:
            action = Action(action)
        except ValueError:
            log.warning("unknown attendant action %r from %s", action, by)
            return ActionResult(str(action), False, f"unknown action {action!r}", by, via)
        try:
            # each action checks the sale and changes it in one hold: a shopper's scan or
            # payment cannot slip in between (runtime.exclusively(), the sale's lock)
            with self.runtime.exclusively() as sale:
                detail = getattr(self, f"_do_{action.value}")(sale, by, **args)
            ok = True
        except (
            ActionRefused,
            IllegalTransition,
            BasketError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        return self._record(action, ok, detail, by, via, args)

    # --- the actions (each given the held sale) ------------------------------------------

    def _do_approve_age(self, sale: ExclusiveSale, by: str) -> str:
        if sale.state is not S.NEEDS_ATTENDANT:
            raise ActionRefused("nothing waits for approval on this kiosk")
        cleared = sale.approve(by)
        return "approved " + ", ".join(r.value for r in cleared)

    def _do_void_line(self, sale: ExclusiveSale, by: str, line_id: int) -> str:
        line = sale.line(int(line_id))
        sale.void_line(int(line_id), by=by)
        self.overrides.pop(int(line_id), None)
        return f"voided line {line_id} ({line.product.sku})"

    def _do_override_price(self, sale: ExclusiveSale, by: str, line_id: int, price: int) -> str:
        if sale.state not in (S.SHOPPING, S.NEEDS_ATTENDANT):
            raise ActionRefused(f"cannot change a price while {sale.state.value}")
        line = sale.line(int(line_id))
        price = int(price)
        if line.voided or not 0 <= price <= line.unit_price:
            raise ActionRefused(f"override must be between ¥0 and ¥{line.unit_price:,}")
        self._new_sale_check()
        self.overrides[line.line_id] = _Override(line.line_id, price, by)
        sale.refresh_adjustments()
        return f"line {line_id} ({line.product.sku}) ¥{line.unit_price:,} → ¥{price:,}"

    def _do_cancel(self, sale: ExclusiveSale, by: str) -> str:
        state = sale.state
        if state is S.PAYING:
            sale.cancel_payment()
        elif sale.payments_taken:
            raise ActionRefused("payments were taken: resolve them before cancelling")
        if sale.state not in (S.SHOPPING, S.NEEDS_ATTENDANT):
            raise ActionRefused(f"nothing to cancel while {state.value}")
        sale.cancel()
        self.overrides.clear()
        return f"cancelled the transaction (was {state.value})"

    def _do_reprint(self, sale: ExclusiveSale, by: str) -> str:
        last = self.runtime.last_sale
        if last is None:
            raise ActionRefused("no sale to reprint on this kiosk since it started")
        lines = ["*** 再発行 REPRINT ***", *self.runtime.receipt_lines(last)]
        self._notify(KioskNotice("reprint", f"receipt {last.receipt_no}", tuple(lines)))
        return f"reprinted receipt {last.receipt_no}"

    def _do_pause(self, sale: ExclusiveSale, by: str) -> str:
        return self._set_mode(KioskMode.PAUSED)

    def _do_open(self, sale: ExclusiveSale, by: str) -> str:
        return self._set_mode(KioskMode.OPEN)

    def _do_close(self, sale: ExclusiveSale, by: str) -> str:
        if sale.state is not S.IDLE:
            raise ActionRefused("a shopper is using this kiosk: pause it, close when idle")
        return self._set_mode(KioskMode.CLOSED)

    def _do_message(self, sale: ExclusiveSale, by: str, text: str) -> str:
        text = str(text).strip()[:MAX_MESSAGE]
        if not text:
            raise ActionRefused("the message is empty")
        self._notify(KioskNotice("message", text))
        return f"shown: {text}"

    # --- price overrides as adjustments (kiosk_adjust_basket) ----------------------------

    def adjustments(self, basket: Any) -> list[Adjustment]:
        self._new_sale_check()
        result = []
        for ov in self.overrides.values():
            try:
                line = basket.line(ov.line_id)
            except BasketError:
                continue
            if line.voided:
                continue
            new_amount = (
                ov.price * line.weight_g // 1000
                if line.weight_g is not None
                else ov.price * line.quantity
            )
            result.append(
                Adjustment(
                    f"override:{ov.line_id}",
                    AdjustmentKind.MARKDOWN,
                    new_amount - line.amount,
                    handoff_message("Price override"),
                    (ov.line_id,),
                    f"staff:{ov.by}",
                )
            )
        return result

    # --- plumbing ------------------------------------------------------------------------

    def _new_sale_check(self) -> None:
        if self._sale_id != self.runtime.sale_id:
            self._sale_id = self.runtime.sale_id
            self.overrides.clear()

    def _set_mode(self, mode: KioskMode) -> str:
        self.mode = mode
        self._notify(KioskNotice("mode", mode.value))
        return f"kiosk is {mode.value}"

    def _notify(self, notice: KioskNotice) -> None:
        for listener in list(self._listeners):
            try:
                listener(notice)
            except Exception:
                log.exception("kiosk notice listener failed")

    def _record(
        self, action: Action, ok: bool, detail: str, by: str, via: str, args: dict[str, Any]
    ) -> ActionResult:
        runtime = self.runtime
        at = runtime.clock()
        entry = {
            "at": at.isoformat(),
            "staff_id": by,
            "action": action.value,
            "via": via,
            "ok": ok,
            "detail": detail,
            "args": {k: v for k, v in args.items() if k != "pin"},
            "sale_id": runtime.sale_id,
        }
        with runtime.unit_of_work() as uow:  # stamped with the entry's own time
            uow.journal("attendant_action", entry, at=at)
        if via == "pin":  # console commands are audited by the back office itself
            with self._lock:
                self.pending_audit.append(entry)
        return ActionResult(action.value, ok, detail, by, via)

    def take_audit(self) -> list[dict[str, Any]]:
        with self._lock:
            taken, self.pending_audit = self.pending_audit, []
        return taken

    def give_back_audit(self, entries: list[dict[str, Any]]) -> None:
        with self._lock:
            self.pending_audit = entries + self.pending_audit
