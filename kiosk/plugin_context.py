"""``PluginContext``: the part of the runtime a plugin may rely on, as a typed protocol.

Hooks that take ``runtime`` receive a per-plugin door over a
:class:`~kiosk.plugin_scope.ScopedRuntime` of the :class:`~kiosk.runtime.KioskRuntime`
(:mod:`kiosk.plugin_door`) — every plugin, built-in or a vendor's, the same: its own
settings, keys and stored values, the devices its manifest declares, no ``host``,
``store``, ``checkout`` or ``devices``. Every door satisfies this protocol; what it lists is the supported door — the
rest of the runtime may change between versions. The sale is read as an immutable
``sale_view()`` and changed through the named methods, never through ``runtime.checkout``
or ``runtime.store``; rows of the plugin's own that go with an outbox event or a journal row
are written in one ``unit_of_work()``, and a check-then-act holds the sale with
``exclusively()``. A door is revoked when its plugin is disabled (a hook overran its
deadline, raised, or returned the wrong type): every touch then raises
:class:`~kiosk.plugin_door.PluginStopped`. A plugin
additionally has ``runtime.keys`` (:class:`kiosk.keys.PluginKeys`, its own keys).
(The UI, drivers and servers hold the runtime itself and call the same public methods.)

Typing only: nothing here runs, so importing it costs nothing and changes no behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kiosk.config import KioskConfig
    from kiosk.domain.basket import AdjustContext, Basket, BasketLine, LineSource
    from kiosk.domain.events import AttendantReason, CheckoutEvent, CheckoutState
    from kiosk.domain.money import Yen
    from kiosk.domain.scan import Scan
    from kiosk.payments.method import PaymentMethod, PaymentProgress
    from kiosk.runtime.actions import PrinterLayout
    from kiosk.runtime.exclusive import ExclusiveSale
    from kiosk.runtime.runtime import ScanOutcome
    from kiosk.runtime.sale_view import LineSnapshot, SaleView
    from kiosk.runtime.unit_of_work import Reading, UnitOfWork
    from kiosk.staff import StaffAccount


@runtime_checkable
class PluginContext(Protocol):
    #: the kiosk's configuration (a plugin's: its own ``plugin_settings(name)`` only)
    config: KioskConfig
    #: the store's clock (``[store] time_zone``): use it, not ``datetime.now()``
    clock: Callable[[], datetime]
    #: the shopper's language now (``ja``, ``en``, ``zh-Hans``, ``ko``)
    language: str
    #: the back office answers (the sync relay lowers it when not): for what needs it, a
    #: member look-up, another kiosk's sale. Not payments: a payment method reports its own
    #: network (``PaymentMethod.network_up``) and sales wait in the outbox meanwhile
    backoffice_reachable: bool
    #: deprecated name of ``backoffice_reachable`` (it never was the payment network)
    online: bool
    #: this shopper's sale id (a new one per shopper)
    sale_id: str
    #: the member card scanned for this sale, if any
    member_id: str | None

    # --- the sale: read a snapshot, change it through these methods ----------------------

    @property
    def state(self) -> CheckoutState:
        """The checkout's state now."""
        ...

    def sale_view(self) -> SaleView:
        """The sale in progress as an immutable snapshot (lines, adjustments, totals)."""
        ...

    def add_plu(self, plu: str, quantity: int = 1, source: LineSource = ...) -> LineSnapshot:
        """Add a product by PLU (not a weighed one)."""
        ...

    def void_line(self, line_id: int, by: str | None = None) -> None:
        """Void a line (``by`` a staff id: at once; else it may need approval)."""
        ...

    def request_help(self, detail: str = "") -> None:
        """Call staff."""
        ...

    def approve(self, staff_id: str) -> list[AttendantReason]:
        """Staff approve what the checkout waits for."""
        ...

    def approve_if_waiting(self, staff_id: str) -> list[AttendantReason]:
        """As ``approve``, only when the checkout waits for staff (else nothing)."""
        ...

    def hand_basket_away(self, reason: str) -> None:
        """The basket left for another kiosk: back to idle without storing it here."""
        ...

    def take_handed_off_basket(
        self,
        lines: list[BasketLine],
        reason: str,
        total: Yen,
        staff_id: str,
        extra: dict[str, Any],
    ) -> Yen:
        """Put another kiosk's basket here, read-only; returns this kiosk's total (a
        different one drops it again)."""
        ...

    def audit_staff(self, account: StaffAccount, action: str, detail: dict[str, Any]) -> None:
        """Journal who unlocked the kiosk, for what (``staff_unlock``)."""
        ...

    def exclusively(self) -> ExclusiveSale:
        """The sale held for one check-then-act (``with runtime.exclusively() as sale:``):
        the block holds the sale's lock; ``sale`` reads it (``state``, ``line(id)``,
        ``view()``, ``payments_taken``) and changes it (``approve``, ``void_line``,
        ``refresh_adjustments``, ``cancel_payment``, ``cancel``) with nothing in between."""
        ...

    def refresh_adjustments(self) -> None:
        """Ask for basket adjustments again (a member card or coupon was scanned)."""
        ...

    # --- the plugin's own data, the journal, the outbox, the printer ---------------------

    def journal(self, kind: str, payload: dict[str, Any]) -> None:
        """Add an audit row to the kiosk's journal (store clock)."""
        ...

    def check_staff_pin(self, staff_id: str, pin: str, needs: Any = None) -> Any:
        """The staff account (:class:`kiosk.staff.StaffAccount`) for a right PIN with at least
        role ``needs`` (:class:`kiosk.staff.Role`; an attendant when not given), checked by
        the kiosk's one lock-out, shared with the staff overlay and the return screen: 5
        wrong PINs typed on any pad lock them all. Raises ``StaffLocked``, ``WrongPin`` or
        ``NotAllowed`` from :mod:`kiosk.staff`; every refusal is journalled, never the PIN."""
        ...

    def stored_value(self, key: str, default: Any = None) -> Any:
        """A small value the plugin kept under ``key`` (or ``default``); a plugin's keys are
        its own, ``"<name>.<rest>"`` (``pay_card.offline_used``) and its feed topic's
        cursor ``sync.feed.<name>``: another is refused."""
        ...

    def store_value(self, key: str, value: Any) -> None:
        """Keep a small JSON-able value under ``key`` (``"<name>.<rest>"``), durably."""
        ...

    def unsent_sales(self, limit: int = 10_000) -> int:
        """How many sales wait in the outbox for the back office (a status report)."""
        ...

    def database(self) -> Engine:
        """The local store's engine, for the plugin's own tables (its migrations)."""
        ...

    def send_event(self, kind: str, payload: dict[str, Any], aggregate_id: str = "") -> str:
        """Put one outbox event of the plugin's own kind for the back office."""
        ...

    def unit_of_work(self) -> UnitOfWork:
        """One store transaction (``with runtime.unit_of_work() as uow:``): the plugin's own
        tables through ``uow.session``, ``uow.send_event(kind, payload, idempotency_key)``
        and ``uow.journal(kind, payload)``, committed together or rolled back together."""
        ...

    def erase_member_data(self, uow: UnitOfWork, member_id: str, at: datetime) -> dict[str, int]:
        """A member is being erased (APPI) in ``uow``: every plugin's rows naming the member
        go in that transaction (``kiosk_member_erasers``); returns the rows per plugin."""
        ...

    def reading(self) -> Reading:
        """A read of the plugin's own tables (``with runtime.reading() as read:``) on a
        snapshot that takes no write lock: ``read.session`` for queries only."""
        ...

    def recent_sales(self, limit: int = 50) -> list[dict[str, Any]]:
        """The documents of this kiosk's latest committed sales, newest first."""
        ...

    def sale_and_returns(self, sale_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """A sale made on this kiosk and its returns here; during the return of another
        kiosk's sale (``kiosk_return_completed``) that sale, as the back office gave it, and
        its returns on every kiosk; otherwise ``None`` and the returns here."""
        ...

    def printer_layout(self) -> PrinterLayout | None:
        """The receipt printer's columns and emoji support (``None``: no printer)."""
        ...

    def output_receipt(self, lines: list[str], sale_id: str, file_name: str) -> str:
        """Print ``lines`` (``"printed"``) or, with no printer, save them (``"saved"``)."""
        ...

    def masterdata(self, section: str) -> Any:
        """A section of the applied master data: ``config`` or a plugin's (``promotions``…),
        None if the applied version has none of that name."""
        ...

    def on_shutdown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` first thing at shutdown (stop a thread, close a port)."""
        ...

    def subscribe(self, listener: Callable[[CheckoutEvent | PaymentProgress], None]) -> None:
        """Get every checkout event and payment progress, from any thread."""
        ...

    def handle_scan(self, scan: Scan) -> ScanOutcome:
        """Offer a scan as a scanner would (plugins first, then the catalogue)."""
        ...

    def translate(
        self, key: str, language: str | None = None, *, domain: str | None = None, **params: Any
    ) -> str:
        """``key`` (an English msgid with ``{fields}``) from the plugin's own gettext catalogue
        — ``<package>/locale/<lang>/LC_MESSAGES/<name>.po``, declared in its ``plugin.toml``
        ``[translations]`` — in ``language``, the shopper's when not given (docs/plugins.md,
        "Translations"). ``domain`` names another catalogue (``"kiosk"``: the core's)."""
        ...

    def payment_methods(self) -> list[PaymentMethod]:
        """The methods that can take the amount due now, in the store's order."""
        ...

    def method(self, method_id: str) -> PaymentMethod:
        """One payment method by id (``KeyError`` if no plugin offers it)."""
        ...

    # --- devices and other plugins, each through one named door --------------------------

    def device(self, role: str) -> Any:
        """The hardware profile's opened device in ``role`` (``changer``, ``terminal``,
        ``printer``…; ``None`` if none): for a plugin whose ``plugin.toml`` declares
        ``permissions = ["devices"]``, else ``PluginAccessDenied``."""
        ...

    def add_panel_simulator(self, role: str, device_class: str, simulator: Any) -> None:
        """Show an in-process simulator on the developer device panel as ``role``."""
        ...

    def plugin_api(self, name: str) -> Any:
        """What your own plugin publishes for its screens and commands (its ``plugin_api()``
        method's result), ``name`` being your plugin's name; another plugin's name raises
        ``PluginAccessDenied``, a plugin not live here (or publishing nothing)
        ``LookupError``."""
        ...

    def offers_coordinated(self) -> bool:
        """Whether a live plugin settles every plugin's offers (``settles_offers = True``)."""
        ...

    def pricing_offers(self, basket: Basket, context: AdjustContext) -> list[Any]:
        """Every other live plugin's ``pricing_offers(basket, context)``, by plugin name
        (what the plugin that settles them all collects)."""
        ...
