"""The runtime's named doors: what the UI, the command line and plugins may do to a sale.

Callers outside :mod:`kiosk.runtime` do not reach through the runtime into its checkout, its
store or its lock (``tests/test_runtime_facade.py`` fails when one does): each thing they
need is a method here, which takes the runtime's lock, and readers get immutable
:class:`~kiosk.runtime.sale_view.SaleView` snapshots. :class:`KioskRuntime` inherits these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.domain.basket import BasketLine, LineSource
from kiosk.domain.checkout import SuspendedBasket
from kiosk.domain.events import AttendantReason, CheckoutState
from kiosk.domain.money import Yen
from kiosk.domain.receipt_text import QR_MARK
from kiosk.messages import Message
from kiosk.personal_data import run_erasers
from kiosk.runtime import formal_receipt
from kiosk.runtime.exclusive import ExclusiveSale
from kiosk.runtime.sale_view import LineSnapshot, SaleView
from kiosk.runtime.unit_of_work import Reading, UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kiosk.config import KioskConfig
    from kiosk.domain.checkout import Checkout
    from kiosk.domain.money import Yen
    from kiosk.plugins import PluginHost
    from kiosk.runtime.sale_lock import SaleLock
    from kiosk.staff import Role, StaffAccount
    from kiosk.store import LocalStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrinterLayout:
    """What a receipt is laid out for: the printer's columns and whether it prints emoji."""

    columns: int
    can_print_emoji: bool


class SaleActions:
    """Mixed into :class:`KioskRuntime`; the attributes below are the runtime's own."""

    checkout: Checkout
    store: LocalStore
    config: KioskConfig
    devices: Any
    sale_id: str
    member_id: str | None
    sale_staff_id: str | None
    sale_extra: dict[str, Any]
    clock: Callable[[], datetime]
    #: another kiosk's sales being returned here now: sale id → (document, returns elsewhere)
    _foreign_sales: dict[str, tuple[dict[str, Any], tuple[dict[str, Any], ...]]]
    _lock: SaleLock
    host: PluginHost

    amount_due: Yen  # a property of the runtime

    # --- reading -------------------------------------------------------------------------

    def sale_view(self) -> SaleView:
        """The sale in progress as an immutable snapshot (taken under the runtime's lock)."""
        with self._lock:
            return SaleView.of(self.checkout, self.sale_id, self.amount_due, self.member_id)

    def translate(
        self, key: str, language: str | None = None, *, domain: str | None = None, **params: Any
    ) -> str:
        """``key`` of ``domain``'s gettext catalogue in ``language`` (the shopper's now when
        not given), its ``{fields}`` filled from ``params``. A plugin's door fills in the
        plugin's own domain (:class:`kiosk.plugin_door.RuntimeDoor`); here it is the core's."""
        message = Message.of(key, domain or "kiosk", **params)
        return message.render(language or str(getattr(self, "language", "ja")))

    @property
    def state(self) -> CheckoutState:
        """The checkout's state now (idle, shopping, needs_attendant, paying, paid)."""
        return self.checkout.state

    @property
    def removal_needs_approval(self) -> bool:
        """The store wants staff to approve a removal (``[checkout] policy``)."""
        return self.checkout.policy.removal_needs_approval

    # --- shopper actions -----------------------------------------------------------------

    def start_sale(self) -> None:
        """A shopper begins (touch on the attract screen); nothing happens mid-sale."""
        with self._lock:
            if self.checkout.state is CheckoutState.IDLE:
                self.checkout.start()

    def add_plu(
        self, plu: str, quantity: int = 1, source: LineSource = LineSource.PLU
    ) -> LineSnapshot:
        """Add a product by its PLU (look-up screen, keypad, script); not a weighed one."""
        with self._lock:
            return LineSnapshot.of(self.checkout.add_plu(plu, quantity, source=source))

    def add_weighed(self, plu: str, weight_g: int) -> LineSnapshot:
        """Add a weighed product at ``weight_g`` (staff weighing, a script)."""
        with self._lock:
            return LineSnapshot.of(self.checkout.add_weighed(plu, weight_g))

    def set_quantity(self, line_id: int, quantity: int) -> None:
        """Change a line's quantity (a lower one may need staff approval)."""
        with self._lock:
            self.checkout.set_quantity(line_id, quantity)

    def void_line(self, line_id: int, by: str | None = None) -> None:
        """Void a line; ``by`` a staff id voids at once, a shopper's may need approval."""
        with self._lock:
            self.checkout.void_line(line_id, by=by)

    def request_help(self, detail: str = "") -> None:
        """Call staff (the shopper's button, a plugin needing a person)."""
        with self._lock:
            self.checkout.request_help(detail)

    def withdraw_help(self) -> bool:
        """The shopper takes back their call for staff; ``False`` if nothing was pending."""
        with self._lock:
            return self.checkout.withdraw_help()

    def refresh_adjustments(self) -> None:
        """Ask the plugins for adjustments again (a member card or coupon was scanned)."""
        with self._lock:
            self.checkout.refresh_adjustments()

    def begin_payment(self) -> None:
        """The shopper chose to pay: the basket is closed for changes until paid or back."""
        with self._lock:
            self.checkout.begin_payment()

    def leave_payment(self) -> None:
        """Back to the basket if a payment is open (approved partial tenders are voided)."""
        with self._lock:
            if self.checkout.state is CheckoutState.PAYING:
                self.cancel_payment()  # type: ignore[attr-defined]  # KioskRuntime's

    def put_aside_from_payment(self, reason: str) -> int | None:
        """The shopper walked away from the paying screen with no payment call running (a
        decline, a method that gave up waiting): approved partial tenders are voided, never
        charged again, and the basket is put aside for staff; its id. ``None`` when a void
        was not confirmed: the checkout then waits for staff (called) and keeps the basket."""
        with self._lock:
            if self.checkout.state is CheckoutState.PAYING:
                self.cancel_payment()  # type: ignore[attr-defined]  # KioskRuntime's
            if self.checkout.state is not CheckoutState.SHOPPING:
                return None
            return self.suspend(reason)  # type: ignore[attr-defined]  # KioskRuntime's

    def cash_left_for_staff(self, inserted: Yen) -> None:
        """The shopper walked away with ``inserted`` yen in the changer, short of the amount:
        staff are called (journalled with the amount and the sale). The deposit keeps the
        money until staff decide. Not under the sale lock, which the cash payment holds while
        it waits (a device fault is reported the same way); UI thread."""
        if self.checkout.state is CheckoutState.PAYING and self._paying is not None:  # type: ignore[attr-defined]
            self.checkout.cash_left(inserted)

    def approve_while_paying(self, staff_id: str) -> list[AttendantReason]:
        """Staff answer a call made while a payment still waits (cash left in the changer):
        the checkout goes back to paying, so they can press Cancel (the cash comes back) or
        have the rest put in. Not under the sale lock, which the waiting payment holds."""
        if self.checkout.state is not CheckoutState.NEEDS_ATTENDANT:
            return []
        return self.checkout.approve(staff_id)

    def cancel_sale(self) -> None:
        """The shopper stops shopping (or staff void the whole sale): a basket with items
        is journalled first (what was on it), so a cancelled sale leaves a trace. Before the
        first item nothing is cancelled, but what was attached to the coming sale (a member
        card scanned) is let go: the next shopper must not inherit it."""
        with self._lock:
            if self.checkout.state is CheckoutState.IDLE:
                self._new_session()  # type: ignore[attr-defined]  # KioskRuntime's
                return
            lines = self.checkout.basket.active_lines
            if lines:
                self.store.journal_event(
                    "basket_cancelled",
                    {
                        "sale_id": self.sale_id,
                        "items": sum(line.quantity for line in lines),
                        "total": self.checkout.totals.total,
                    },
                    self.clock(),
                )
            self.cancel()  # type: ignore[attr-defined]  # KioskRuntime's

    # --- staff ---------------------------------------------------------------------------

    def approve(self, staff_id: str) -> list[AttendantReason]:
        """Staff approve what the checkout waits for; returns the reasons cleared."""
        with self._lock:
            return self.checkout.approve(staff_id)

    def approve_if_waiting(self, staff_id: str) -> list[AttendantReason]:
        """As :meth:`approve`, only when the checkout waits for staff (else nothing)."""
        with self._lock:
            if self.checkout.state is not CheckoutState.NEEDS_ATTENDANT:
                return []
            return self.checkout.approve(staff_id)

    def hand_basket_away(self, reason: str) -> None:
        """The basket leaves this kiosk (the registration station handed it to a payment
        kiosk, which now owns it): the checkout goes back to idle without storing it here."""
        with self._lock:
            self.checkout.suspend(reason)

    def take_handed_off_basket(
        self,
        lines: list[BasketLine],
        reason: str,
        total: Yen,
        staff_id: str,
        extra: dict[str, Any],
    ) -> Yen:
        """Put a basket registered on another kiosk (a staff station's hand-off) on this idle
        kiosk, read-only (only staff may change it), the sale carrying who registered it
        (``Sale.staff_id``) and ``extra`` (``Sale.extra``). Returns this kiosk's total; when
        it is not ``total`` the basket is dropped at once (back to idle) and nothing else
        changes. ``IllegalTransition`` when a sale is in progress."""
        with self._lock:
            self.checkout.resume(SuspendedBasket(lines, reason=reason))
            self.checkout.read_only = True
            here = self.checkout.totals.total
            if here != total:
                self.checkout.cancel()
                return here
            self.sale_staff_id = staff_id
            self.sale_extra = dict(extra)
            return here

    def audit_staff(self, account: StaffAccount, action: str, detail: dict[str, Any]) -> None:
        """Journal who unlocked the kiosk, for what (``staff_unlock``), at the store clock."""
        payload = {"staff_id": account.staff_id, "role": account.role.name.lower()}
        payload["action"] = action
        payload.update(detail)
        self.store.journal_event("staff_unlock", payload, self.clock())

    def journal(self, kind: str, payload: dict[str, Any]) -> None:
        """Add a row to the kiosk's journal (audit trail), stamped with the store clock."""
        self.store.journal_event(kind, payload, self.clock())

    def check_staff_pin(self, staff_id: str, pin: str, needs: Role | None = None) -> StaffAccount:
        """The account for a right PIN with at least role ``needs`` (an attendant when not
        given), checked by the kiosk's one PIN lock-out — the one the staff overlay and the
        return screen count on, so a plugin's pad gives nobody extra tries. Raises
        :class:`~kiosk.staff.StaffLocked`, :class:`~kiosk.staff.WrongPin` or
        :class:`~kiosk.staff.NotAllowed`; every refusal is journalled (never the PIN)."""
        from kiosk.staff import Role, kiosk_staff

        return kiosk_staff(self).check(staff_id, pin, Role.ATTENDANT if needs is None else needs)

    # --- a plugin's own data ------------------------------------------------------------

    def stored_value(self, key: str, default: Any = None) -> Any:
        """A small value kept in the local store under ``key`` (a plugin's counter, a
        cursor); ``default`` when none was kept. Use a key with the plugin's name in it."""
        return self.store.get_config(key, default)

    def store_value(self, key: str, value: Any) -> None:
        """Keep ``value`` (JSON-able) under ``key`` in the local store, durably, now."""
        self.store.set_config(key, value)

    def send_event(self, kind: str, payload: dict[str, Any], aggregate_id: str = "") -> str:
        """Put one event of the plugin's own ``kind`` in the outbox (JSON ``payload``), for
        the relay to send to the back office's ``kiosk_backoffice_event_handlers``; durable
        once this returns. ``aggregate_id`` defaults to the kiosk id. Returns the event id.
        An event that goes with rows of the plugin's own: :meth:`unit_of_work`."""
        with self.unit_of_work() as uow:
            return uow.send_event(kind, payload, aggregate_id=aggregate_id)

    def unit_of_work(self) -> UnitOfWork:
        """One store transaction for the plugin's own tables (``uow.session``), outbox
        events (``uow.send_event``) and journal rows (``uow.journal``), committed together
        when the ``with`` block ends or rolled back together (:mod:`kiosk.runtime.unit_of_work`)::

            with runtime.unit_of_work() as uow:
                uow.session.execute(points.insert().values(...))
                uow.send_event("loyalty", detail, idempotency_key=sale_id)
                uow.journal("loyalty_sale", detail)
        """
        return UnitOfWork(self.store, self.config.kiosk_id, self.clock)

    def reading(self) -> Reading:
        """A read of the plugin's own tables on a snapshot that takes no write lock
        (``with runtime.reading() as read: read.session.execute(...)``); what the read
        sees is what was committed when it began (:class:`~kiosk.runtime.unit_of_work.Reading`)."""
        return Reading(self.store)

    def erase_member_data(self, uow: UnitOfWork, member_id: str, at: datetime) -> dict[str, int]:
        """APPI erasure of one member in every plugin: run each plugin's
        :class:`~kiosk.personal_data.MemberEraser` (``kiosk_member_erasers``) in ``uow`` —
        the erasing plugin's open unit of work — on this thread. Returns the rows each
        plugin changed; an eraser that raises makes the whole unit of work roll back."""
        erasers = self.host.call_each("kiosk_member_erasers")
        return run_erasers(erasers, uow, member_id, at)

    def exclusively(self) -> ExclusiveSale:
        """The sale held for one check-then-act (a staff action: re-price only while
        shopping; void an open payment, then cancel; claim a hand-off and restore it): the
        ``with`` block holds the runtime's lock, the :class:`ExclusiveSale` it gives offers
        the sale's named operations (:mod:`kiosk.runtime.exclusive`)::

            with runtime.exclusively() as sale:
                if sale.state is CheckoutState.SHOPPING:
                    sale.refresh_adjustments()
        """
        return ExclusiveSale(self)

    def recent_sales(self, limit: int = 50) -> list[dict[str, Any]]:
        """The documents of this kiosk's latest committed sales, newest first (a plugin's
        start-up recovery: book what a crash left unbooked)."""
        return [dict(row.document) for row in self.store.list_sales(limit)]

    def unsent_sales(self, limit: int = 10_000) -> int:
        """How many sales wait in the outbox for the back office (counted among the oldest
        ``limit`` unsent rows), for a status report."""
        return sum(1 for row in self.store.unsent_outbox(limit) if row.kind == "sale")

    def sale_and_returns(self, sale_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """A past sale's document and its return documents, for a plugin that follows returns
        (``kiosk_return_completed``).

        A sale made on this kiosk: its document and the returns made of it here — and, while
        this kiosk completes a return of it (:meth:`returning_foreign_sale`), the returns
        other kiosks made of it that the back office knew. Another kiosk's sale, while this
        kiosk completes a return of it: the document the back office gave the return desk,
        and its returns there with this kiosk's, each once — so a plugin can tell the whole
        sale has come back wherever it went. Otherwise ``(None, the returns made here)``.
        """
        from kiosk.runtime.returns import merge_returns
        from kiosk.store.returns import ReturnBook, SaleNotFound

        book = ReturnBook(self.store)
        own = list(book.returns_of(sale_id))
        known = self._foreign_sales.get(sale_id)  # while the return desk completes a return
        every = [dict(d) for d in merge_returns(own, known[1])] if known else own
        try:
            return book.sale(sale_id), every
        except SaleNotFound:
            pass
        if known is None:
            return None, own
        return dict(known[0]), every

    @contextmanager
    def returning_foreign_sale(
        self, sale: Mapping[str, Any], elsewhere: Sequence[Mapping[str, Any]]
    ) -> Iterator[None]:
        """For the return desk: inside the ``with`` block (the return's commit and its
        ``kiosk_return_completed`` hook) :meth:`sale_and_returns` answers for ``sale`` —
        another kiosk's sale found through the back office, or this kiosk's of which other
        kiosks took part back — with its returns there (``elsewhere``) counted too."""
        sale_id = str(sale["sale_id"])
        self._foreign_sales[sale_id] = (dict(sale), tuple(dict(d) for d in elsewhere))
        try:
            yield
        finally:
            self._foreign_sales.pop(sale_id, None)

    def database(self) -> Engine:
        """The local store's SQLAlchemy engine, for a plugin's own tables (the ones its
        ``kiosk_store_migrations`` create), read or written on their own. Rows that go with an
        outbox event or a journal row are written in a :meth:`unit_of_work`; sales,
        payments, the outbox and the journal only through the runtime."""
        return self.store.engine

    # --- receipt output through the device layer ---------------------------------------

    def printer_layout(self) -> PrinterLayout | None:
        """The receipt printer's layout, or ``None`` when the kiosk has no printer."""
        printer = getattr(self.devices, "printer", None)
        if printer is None:
            return None
        return PrinterLayout(printer.columns, bool(printer.can_print_emoji))

    def output_receipt(self, lines: list[str], sale_id: str, file_name: str) -> str:
        """Print ``lines`` on the receipt printer (``"printed"``), or, with no printer,
        write them as text to ``file_name`` in the data dir (``"saved"``).

        Printer errors (out of paper, cover open…) are the device layer's typed
        ``PrinterError``, raised for the shell to show.
        """
        printer = getattr(self.devices, "printer", None)
        if printer is not None:
            printer.print_receipt(lines)
            return "printed"
        data_dir = Path(self.config.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        text = "\n".join(plain_line(line) for line in lines) + "\n"
        (data_dir / file_name).write_text(text, encoding="utf-8")
        log.info("no printer: receipt %s written to %s", sale_id, data_dir / file_name)
        return "saved"

    def formal_receipts_issued(self, sale_id: str) -> int:
        """How many 領収書 the journal records for ``sale_id`` (a second one is a 再発行)."""
        return formal_receipt.issued_count(self.store, sale_id)


def plain_line(line: str) -> str:
    """Drop the printer's style markers (ASCII unit separator + letter) for a text file;
    a QR line becomes ``[QR] content``."""
    if line.startswith(QR_MARK):
        return "[QR] " + line[len(QR_MARK) :]
    while line[:1] == "\x1f":
        line = line[2:]
    return line
