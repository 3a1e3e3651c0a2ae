"""The sale held for one check-then-act: staff actions that must not be cut in two.

A staff action checks the sale and then changes it — re-price a line only while the
shopper is still shopping; void an open payment, check no tender is left, then cancel;
claim the hand-off assigned to this kiosk from the store server and restore its basket
while no shopper starts a sale. Done as separate named calls, a shopper's scan or payment
on the UI thread could slip in between. ``runtime.exclusively()`` holds the sale's lock
(:mod:`kiosk.runtime.sale_lock`) for the whole ``with`` block and hands out an
:class:`ExclusiveSale`: the sale's named operations, without the checkout or the lock::

    with runtime.exclusively() as sale:
        if sale.state is CheckoutState.PAYING:
            sale.cancel_payment()
        elif sale.payments_taken:
            raise ActionRefused("payments were taken")
        sale.cancel()

The runtime's other named methods may be called inside the block too (the lock is
reentrant for its holder and the hooks it waits for). Keep the block short: every
shopper action waits for it. Not for hook code that the runtime calls while it holds the
lock already — there the sale is the hook's own for the call anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.runtime.sale_view import LineSnapshot, SaleView

if TYPE_CHECKING:
    from kiosk.domain.events import AttendantReason, CheckoutState
    from kiosk.runtime.actions import SaleActions


class SaleNotHeld(RuntimeError):
    """An :class:`ExclusiveSale` used outside its ``with`` block."""


class ExclusiveSale:
    """The sale in progress, held under the runtime's lock from ``__enter__`` to
    ``__exit__``; its operations act at once and refuse outside the block."""

    def __init__(self, runtime: SaleActions) -> None:
        self._runtime = runtime
        self._held = False

    def __enter__(self) -> ExclusiveSale:
        if self._held:
            raise SaleNotHeld("this sale is already held: use the one the with block gave")
        self._runtime._lock.acquire()
        self._held = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._held:
            self._held = False
            self._runtime._lock.release()

    def _live(self) -> SaleActions:
        if not self._held:
            raise SaleNotHeld("the sale is used outside its 'with runtime.exclusively()' block")
        return self._runtime

    # --- reading -------------------------------------------------------------------------

    @property
    def state(self) -> CheckoutState:
        """The checkout's state; it stays so until the block changes it."""
        return self._live().checkout.state

    @property
    def sale_id(self) -> str:
        """The id of the sale in progress."""
        return self._live().sale_id

    @property
    def payments_taken(self) -> bool:
        """Approved tenders are on the sale (split payment begun)."""
        return bool(getattr(self._live(), "tenders", ()))

    def view(self) -> SaleView:
        """The sale as an immutable snapshot."""
        return self._live().sale_view()

    def line(self, line_id: int) -> LineSnapshot:
        """One basket line as it is now (``BasketError`` when there is none)."""
        return LineSnapshot.of(self._live().checkout.basket.line(line_id))

    # --- changing ------------------------------------------------------------------------

    def approve(self, staff_id: str) -> list[AttendantReason]:
        """Staff approve what the checkout waits for; the reasons cleared."""
        return self._live().approve(staff_id)

    def void_line(self, line_id: int, by: str) -> None:
        """Void a line at once, by staff ``by``."""
        self._live().void_line(line_id, by=by)

    def refresh_adjustments(self) -> None:
        """Ask the plugins for adjustments again (a staff price override)."""
        self._live().refresh_adjustments()

    def cancel_payment(self) -> None:
        """Back to shopping; approved partial payments are voided."""
        self._live().cancel_payment()  # type: ignore[attr-defined]  # KioskRuntime's

    def cancel(self) -> None:
        """Drop the sale (staff void the transaction): back to idle with a new sale id."""
        self._live().cancel()  # type: ignore[attr-defined]  # KioskRuntime's
