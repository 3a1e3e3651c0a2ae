"""One kiosk, wired: it owns the checkout, calls the hooks, talks to the store and devices.

The runtime never imports Kivy; the shell subscribes to :meth:`KioskRuntime.subscribe` and
calls the methods here. Everything here may block on I/O, so the shell calls it off its UI
thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.config import KioskConfig
from kiosk.domain.basket import AdjustContext, Adjustment, Basket, BasketLine, LimitExceeded
from kiosk.domain.catalogue import UnknownProduct
from kiosk.domain.checkout import Checkout, IllegalTransition
from kiosk.domain.codes import InvalidBarcode
from kiosk.domain.events import (
    AttendantNeeded,
    AttendantReason,
    BasketChanged,
    CheckoutEvent,
    CheckoutState,
    ScanClaim,
    StateChanged,
)
from kiosk.domain.limits import MAX_LINE_QUANTITY, Limit
from kiosk.domain.method_names import InstalledNames
from kiosk.domain.money import Yen
from kiosk.domain.receipt import Receipt, ReceiptSection
from kiosk.domain.receipt_sections import KIND as RECEIPT_SECTIONS
from kiosk.domain.receipt_sections import sections_event_id, sections_payload
from kiosk.domain.receipt_text import render_receipt
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.scan import Scan
from kiosk.messages import Message
from kiosk.payments.errors import MethodUnavailable
from kiosk.payments.ledger import PaymentLedger
from kiosk.payments.method import Outcome, PaymentMethod, PaymentProgress, PaymentResult
from kiosk.payments.recovery import RecoveryReport, resolve_open
from kiosk.plugins import PluginHost
from kiosk.runtime import formal_receipt
from kiosk.runtime.actions import SaleActions
from kiosk.runtime.gc_quiet import FREE_CHUNK, quick_switches, without_collections
from kiosk.runtime.hardware import hardware_scan_sources
from kiosk.runtime.method_network import MethodNetworks, MethodsNow
from kiosk.runtime.plugin_services import PluginServices
from kiosk.runtime.returns import ReturnDesk, recover_returns
from kiosk.runtime.sale_lock import SaleLock
from kiosk.runtime.sync_alerts import SyncAlert, SyncAlertBoard
from kiosk.runtime.weighing import ScaleReading, WeighRefused, read_scale, stable_grams, zero_scale
from kiosk.store import LocalStore
from kiosk.store import identity as store_identity
from kiosk.store.models import OutboxRow

log = logging.getLogger(__name__)


class PaymentFailed(RuntimeError):
    """The payment did not go through; nothing was charged. ``result`` says why."""

    def __init__(self, method: str, result: PaymentResult) -> None:
        super().__init__(f"{method}: {result.outcome.value} {result.message}".strip())
        self.method = method
        self.result = result


class StoreNotConfirmed(RuntimeError):
    """The local database was emptied, replaced or put back: no sale until staff confirm it
    (``kiosk store confirm-new --reason …``). ``check`` says what was found."""

    def __init__(self, check: store_identity.IdentityCheck) -> None:
        super().__init__(
            f"out of service: {check.text('en')} Staff: run 'kiosk store confirm-new --reason …'"
        )
        self.check = check


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What a scan did, for the screen: a line added, a plugin claim, or a clear refusal."""

    accepted: bool
    line_id: int | None = None
    claim: ScanClaim | None = None
    error: Message | None = None  # what the screen shows, in the shopper's language
    detail: str = ""  # why, for logs and scripts (not shown to the shopper)

    def error_text(self, language: str = "en") -> str:
        """The refusal in ``language`` (scripts and tests read it in English)."""
        text = self.error.render(language) if self.error is not None else ""
        return f"{text} ({self.detail})" if self.detail and language == "en" else text


def tender_names(method: PaymentMethod) -> tuple[tuple[str, str], ...]:
    """A payment method's name for Chinese and Korean paper: from the plugin's own catalogue
    (``name_key`` in its ``domain``; a deprecated ja/en pair through the core's)."""
    return tuple((lang, method.name(lang)) for lang in ("zh-Hans", "ko"))


def limit_message(exc: LimitExceeded) -> Message:
    """The shopper's words for a bound of :mod:`kiosk.domain.limits` (staff can ring more)."""
    if exc.limit is Limit.LINE_QUANTITY:
        return Message.of(
            "You can buy at most {n} of one item here. Please call staff.", n=MAX_LINE_QUANTITY
        )
    return Message.of("This is more than this kiosk can take in one sale. Please call staff.")


class KioskRuntime(SaleActions, PluginServices):
    """One kiosk: the checkout, the plugins, the store and the devices, behind named methods
    (:class:`~kiosk.runtime.actions.SaleActions` and below); callers do not reach into
    ``checkout``, ``store`` or ``_lock``."""

    def __init__(
        self,
        config: KioskConfig,
        store: LocalStore,
        host: PluginHost,
        clock: Callable[[], datetime] = datetime.now,
        devices: Any = None,
    ) -> None:
        self.config = config
        self.store = store
        self.host = host
        self.clock = clock
        self.devices = devices
        #: the back office answers (the sync relay's view): for what needs it — a member
        #: look-up, another kiosk's sale at the return desk. Never payments: each method
        #: has its own network (PaymentMethod.network_up); sales wait in the outbox.
        self.backoffice_reachable = True
        self._method_networks = MethodNetworks()
        self.member_id: str | None = None
        self.language = config.language
        self.catalogue = store.load_catalogue()
        self.checkout = Checkout(
            self.catalogue, config.policy, adjuster=self._adjust, age_verifier=self._verify_age
        )
        self.checkout.subscribe(self._on_checkout_event)
        self.ledger = PaymentLedger(store, clock, on_contract_violation=self._method_broke_contract)
        self.sale_id = str(uuid.uuid4())
        self.started_at = clock()
        self.tenders: list[Tender] = []
        self.change: Yen = 0
        self.last_sale: Sale | None = None
        # the last sale's plugin receipt sections, made once when it completed: the paper,
        # the screen, the e-receipt event and a 領収書 all show the same, and a plugin's
        # hook (a balance looked up, a record read) runs once per sale
        self._last_sections: tuple[Sale, tuple[ReceiptSection, ...]] | None = None
        self.sale_staff_id: str | None = None  # who registered the basket (semi-self station)
        self.sale_extra: dict[str, Any] = {}  # e.g. the hand-off id; goes into Sale.extra
        self._foreign_sales = {}  # the return desk's (returning_foreign_sale)
        self._listeners: list[Callable[[CheckoutEvent | PaymentProgress], None]] = []
        self._paying: PaymentMethod | None = None  # the method whose start() runs now
        self._lock = SaleLock()  # a hook run for the holder may enter (sale_lock.py)
        self._reload_lock = threading.Lock()  # one catalogue reload at a time, off _lock
        self._scan_sources: list[Any] = []
        self._on_shutdown: list[Callable[[], None]] = []
        self.device_panel_url: str | None = None
        #: training mode (トレーニングモード): a payment method takes money from a simulator
        self.training = False
        self.identity_problem: store_identity.IdentityCheck | None = None  # set: no sales
        self._sync_alerts = SyncAlertBoard()  # the back office relay's, for staff

    @property
    def online(self) -> bool:
        """Deprecated name of :attr:`backoffice_reachable` (the back office, not payments)."""
        return self.backoffice_reachable

    @online.setter
    def online(self, reachable: bool) -> None:
        self.backoffice_reachable = reachable

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Check the database is this kiosk's, resolve payments a crash left open, then let
        plugins start."""
        self.check_store_identity()
        ReturnDesk(self).hold_unattended_cash()  # never pay cash out into an empty tray
        self.recover_payments()
        self.recover_returns()
        self.host.call("kiosk_startup", runtime=self)
        # building the methods now also shows a payment plugin that refuses to start (no
        # connection settings) in the plugin problems at boot, not at the first payment
        simulated = [
            m.id
            for m in self.host.call_each("kiosk_payment_methods", runtime=self)
            if getattr(m, "simulated", False)
        ]
        self.training = bool(simulated)
        if simulated:
            log.warning("training mode: %s take money from simulators", ", ".join(simulated))
        self._check_method_order()

    def check_store_identity(self, remote_anchor: Any = None) -> store_identity.IdentityCheck:
        """Refuse to sell while the database is not confirmed as this kiosk's (see
        :mod:`kiosk.store.identity`); ``remote_anchor`` is the back office's, when known."""
        result = store_identity.check(self.store, remote_anchor)
        with self._lock:
            self.identity_problem = None if result.ok else result
        if not result.ok:
            store_identity.record_problem(self.store, result, self.clock())
        return result

    # --- the back office relay's alerts (the sync thread reports, the screen polls) -----

    def report_sync_alert(self, kind: str, at: datetime, **details: Any) -> SyncAlert:
        """The sync relay raised an alert (``backlog``, ``revoked``, ``gap``, ``rejected``) at
        store time ``at``; ``details``: ``unsent``, ``oldest_unsent_at``, ``message`` and
        ``stopped`` (the relay sends nothing more until staff act), as in :class:`SyncAlert`."""
        return self._sync_alerts.raise_alert(kind, at, **details)

    def sync_recovered(self, kind: str) -> None:
        """The alert's episode is over (the unsent sales went): staff need not look."""
        self._sync_alerts.clear(kind)

    def sync_alerts(self) -> tuple[SyncAlert, ...]:
        """The relay's alerts still standing, oldest first (any thread)."""
        return self._sync_alerts.current()

    def _check_method_order(self) -> None:
        """A misspelt id in ``[checkout] method_order`` is named (it would simply not sort).

        A warning, not an error: one store file serves kiosks with different methods
        (a cashless kiosk has no ``cash``).
        """
        known = {m.id for m in self.host.call_each("kiosk_payment_methods", runtime=self)}
        for method_id in self.config.method_order:
            if method_id not in known:
                log.warning(
                    "%s: [checkout.method_order] names %r, which no loaded plugin offers "
                    "(offered: %s)",
                    self.config.source,
                    method_id,
                    ", ".join(sorted(known)) or "none",
                )

    def on_shutdown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` first thing at shutdown (stop a sync thread, close a port)."""
        self._on_shutdown.append(callback)

    def shutdown(self) -> None:
        for callback in self._on_shutdown:
            try:
                callback()
            except Exception:  # shutdown must reach the store close
                log.exception("shutdown callback failed")
        self.stop_scan_sources()
        self.host.call("kiosk_shutdown", runtime=self)
        self.host.close()  # plugins' worker processes (isolation = "process")
        if self.devices is not None and hasattr(self.devices, "close_all"):
            self.devices.close_all()
        self.store.close()

    def start_scan_sources(self, deliver: Callable[[Scan], None]) -> list[Any]:
        """Start the profile's main scanner and every plugin's scan sources; ``deliver`` gets
        each scan (from any thread). The touch UI and headless runs both start input here."""
        sources = [
            *hardware_scan_sources(self.devices),
            *self.host.call_each("kiosk_scan_sources", runtime=self),
        ]
        for source in sources:
            try:
                source.start(deliver)
            except Exception:  # one broken scanner must not stop the kiosk
                log.exception("scan source %s failed to start", getattr(source, "name", source))
                continue
            self._scan_sources.append(source)
        return list(self._scan_sources)

    def stop_scan_sources(self) -> None:
        """Stop the sources :meth:`start_scan_sources` started (again at shutdown is a no-op)."""
        sources, self._scan_sources = self._scan_sources, []
        for source in sources:
            try:
                source.stop()
            except Exception:  # the other sources must still stop
                log.exception("scan source %s failed to stop", getattr(source, "name", source))

    def subscribe(self, listener: Callable[[CheckoutEvent | PaymentProgress], None]) -> None:
        """``listener`` gets every checkout event, and a payment's :class:`PaymentProgress`
        (cash put in so far, the QR code to show) from whatever thread reports it."""
        self._listeners.append(listener)

    # --- input ---------------------------------------------------------------------------

    def handle_scan(self, scan: Scan) -> ScanOutcome:
        """Offer the scan to plugins, else add the product; bad codes get a clear message."""
        with self._lock:
            if self.identity_problem is not None:
                return ScanOutcome(
                    False,
                    error=Message.of("This checkout is closed. Please use another one."),
                    detail="store identity not confirmed",
                )
            claim = self.host.call_first("kiosk_claim_scan", scan=scan, checkout=self.checkout)
            if claim is not None:
                return ScanOutcome(accepted=True, claim=claim)
            try:
                line = self.checkout.scan(scan)
            except InvalidBarcode as exc:
                log.warning("rejected scan %r from %s: %s", scan.code, scan.source, exc.reason)
                return ScanOutcome(
                    False,
                    error=Message.of("That barcode could not be read. Please try again."),
                    detail=exc.reason,
                )
            except UnknownProduct:
                log.warning("unknown product %r from %s", scan.code, scan.source)
                return ScanOutcome(
                    False,
                    error=Message.of("This item is not in our catalogue. Please call staff."),
                )
            except LimitExceeded as exc:
                log.warning("scan %r from %s refused: %s", scan.code, scan.source, exc)
                return ScanOutcome(
                    False,
                    error=limit_message(exc),
                    detail=str(exc),
                )
            return ScanOutcome(True, line_id=line.line_id)

    # --- weighed produce (the scale role) -----------------------------------------------

    @property
    def has_scale(self) -> bool:
        """Whether the kiosk has a working scale (else weighed items need staff)."""
        return read_scale(self.devices).status != "no_scale"

    def read_scale(self) -> ScaleReading:
        """The scale's current figure for the live display (no waiting, no exceptions)."""
        return read_scale(self.devices)

    def tare_scale(self) -> None:
        """Zero the scale (empty tray or the shopper's bag on it). Raises WeighRefused."""
        zero_scale(self.devices)

    def add_weighed_from_scale(self, plu: str, timeout: float = 3.0) -> BasketLine:
        """Add a weighed item at the scale's own stable reading, priced by the domain.

        Raises :class:`WeighRefused` (no scale, did not settle, overload, under
        ``[checkout] weigh_min_g``, not a weighed product); the basket is untouched then.
        """
        product = self.catalogue.by_plu(plu)
        if not product.weighed:
            raise WeighRefused("not_weighed", plu)
        with self._lock:
            grams = stable_grams(self.devices, self.config.weigh_min_g, timeout)
            return self.checkout.add_weighed(plu, grams)

    def ask_staff_to_weigh(self, plu: str) -> None:
        """No scale here: call staff for a weighed item (they weigh it and print a label)."""
        product = self.catalogue.by_plu(plu)
        with self._lock:
            self.checkout.request_help(f"weigh {product.plu} {product.name_ja}: no scale")

    # --- payment -------------------------------------------------------------------------

    def payment_methods(self) -> list[PaymentMethod]:
        """Methods that can take the amount due now (a method whose own payment network is
        down is left out, whatever the back office), in the store's ``[checkout]
        method_order``; methods it does not name follow in plugin order."""
        return self._in_store_order(self._methods_now().usable)

    def methods_unavailable(self) -> list[PaymentMethod]:
        """Methods not offered now because their own payment network is down (the card
        terminal's link, the QR provider's gateway, the reader not ready) — or, a card
        terminal working store-and-forward, not for this amount — in store order, so the
        payment screen names them rather than leave the shopper to wonder where card and
        QR went. Not those left out for another reason (points with no member signed in),
        nor any outside their limits. Never depends on the back office."""
        return self._in_store_order(self._methods_now().held)

    def payment_network_problems(self) -> dict[str, str]:
        """For staff: each payment method whose network is down, and what is down."""
        return self._methods_now().problems

    def _methods_now(self) -> MethodsNow:
        methods = self.host.call_each("kiosk_payment_methods", runtime=self)
        return self._method_networks.look(methods, self.amount_due)

    def _in_store_order(self, methods: list[PaymentMethod]) -> list[PaymentMethod]:
        """The store's ``[checkout] method_order``, then the rest in plugin order."""
        order = {method_id: i for i, method_id in enumerate(self.config.method_order)}
        return sorted(methods, key=lambda m: order.get(m.id, len(order)))

    def method(self, method_id: str) -> PaymentMethod:
        for method in self.host.call_each("kiosk_payment_methods", runtime=self):
            if method.id == method_id:
                return method
        raise KeyError(f"no payment method {method_id!r}")

    def installed_method_names(self) -> InstalledNames:
        """``(method id, language) -> name`` of the methods the plugins offer now (each
        from its plugin's catalogue, as on a live receipt; ``None`` for an id none offers),
        for a receipt or return invoice rebuilt from its document
        (:mod:`kiosk.domain.method_names`)."""
        methods = {m.id: m for m in self.host.call_each("kiosk_payment_methods", runtime=self)}

        def name(method_id: str, language: str) -> str | None:
            method = methods.get(method_id)
            return method.name(language) if method is not None else None

        return name

    @property
    def amount_due(self) -> Yen:
        return self.checkout.totals.total - sum(t.amount for t in self.tenders)

    def pay(self, method_id: str, amount: Yen | None = None) -> Sale | None:
        """Take a payment (all that is due, or ``amount`` of it for split tender).

        Returns the committed :class:`Sale` once fully paid, else ``None`` (more is due).
        Raises :class:`PaymentFailed` if the method declined or the outcome stayed unclear;
        the basket is untouched and the shopper can choose again. Raises
        :class:`StoreNotConfirmed`, before any money is taken, while the database is not
        confirmed as this kiosk's.
        """
        with self._lock:
            if self.identity_problem is not None:
                raise StoreNotConfirmed(self.identity_problem)
            if self.checkout.state is CheckoutState.SHOPPING:
                self.checkout.begin_payment()
            if self.checkout.state is not CheckoutState.PAYING:
                # never take money a sale could not then be committed for (e.g. age check)
                raise IllegalTransition("pay", self.checkout.state)
            if self.amount_due == 0 and not self.tenders:
                # a coupon covered the basket: no method takes ¥0, and none is needed
                return self._complete()
            method = self.method(method_id)
            if not method.available(method.network_up()):
                why = method.network_problem() or "not available now"
                raise MethodUnavailable(f"{method.id} cannot take payments now: {why}")
            due = self.amount_due
            amount = due if amount is None else min(amount, due)
            method.attach_display(self._notify)
            self._paying = method
            try:
                row, result = self.ledger.pay(self.sale_id, method, amount)
            finally:
                self._paying = None
            if result.outcome is not Outcome.APPROVED:
                if result.outcome is Outcome.UNKNOWN:
                    self.checkout.payment_problem(f"{method.id}: outcome unknown")
                raise PaymentFailed(method.id, result)
            self.tenders.append(
                Tender(
                    row.payment_id,
                    method.id,
                    method.name("ja"),
                    method.name("en"),
                    row.approved_amount or amount,  # e-money short of balance: less (split)
                    result.reference,
                    result.masked,
                    result.tendered,
                    names=tender_names(method),
                )
            )
            self.change += result.change
            if self.amount_due > 0:
                if result.problems:
                    self.checkout.payment_problem(f"{method.id}: {'; '.join(result.problems)}")
                return None
            sale = self._complete()
            if result.problems:
                self._report_payment_problems(method.id, result.problems)
            return sale

    def _report_payment_problems(self, method_id: str, problems: tuple[str, ...]) -> None:
        """A discrepancy on a completed sale (change short, jam): record it, call staff."""
        self.store.journal_event(
            "payment_problem",
            {"method": method_id, "problems": list(problems), "sale_id": self.sale_id},
            self.clock(),
        )
        self.host.call(
            "kiosk_attendant_needed", checkout=self.checkout, reason=AttendantReason.PAYMENT_PROBLEM
        )
        self._notify(
            AttendantNeeded(AttendantReason.PAYMENT_PROBLEM, f"{method_id}: {problems[0]}")
        )

    def interrupt_payment(self) -> bool:
        """The shopper pressed cancel while the payment in progress waits for them (cash not
        yet covered, no card touched, no QR code yet): its ``pay`` then fails as cancelled,
        with nothing kept. ``False`` when nothing waits or it is too late. Any thread; never
        blocks (``pay`` holds the sale lock meanwhile)."""
        method = self._paying
        return method is not None and method.interrupt()

    def payment_scan(self, scan: Scan) -> bool:
        """A scan made while a payment is in progress goes to that payment only (a QR wallet
        code): never to the basket or a coupon. ``True`` if taken. Any thread; never blocks."""
        method = self._paying
        return method is not None and method.take_code(scan.code)

    def cancel_payment(self) -> None:
        """Back to shopping; approved partial payments are cancelled (never left charged)."""
        with self._lock:
            unconfirmed = []
            for tender in self.tenders:
                result = self.ledger.void(tender.payment_id, self.method(tender.method))
                if result.outcome is not Outcome.CANCELLED:
                    unconfirmed.append(tender.payment_id)  # its void row stays open
            self.tenders.clear()
            self.change = 0
            self.checkout.payment_cancelled()
            if unconfirmed:
                self.checkout.payment_problem(f"void not confirmed: {', '.join(unconfirmed)}")

    def recover_payments(self) -> RecoveryReport:
        """Before a new sale: settle payments a crash left open and void charged-without-sale."""
        report = resolve_open(self.ledger, self._method_or_none, self.store.sale_exists)
        for payment_id in report.unresolved:
            log.error("payment %s could not be resolved at start-up; left for staff", payment_id)
        return report

    def recover_returns(self) -> Any:
        """After the payments: commit returns whose refunds went through before a crash,
        drop those nothing was refunded for (:mod:`kiosk.runtime.returns`)."""
        report = recover_returns(self)
        for return_id in report.left_for_staff:
            log.error("return %s is pending at start-up: a refund needs staff", return_id)
        return report

    def _method_broke_contract(self, method: PaymentMethod, call: str, problem: str) -> None:
        """A method returned a malformed result: disable the plugin that offers it (one
        message naming plugin, call and field); the payment itself is resolved as unknown."""
        owner = self.host.owner_of(method) or f"payment method {method.id!r}"
        self.host.disable(owner, f"PaymentMethod.{call} (method {method.id!r})", problem)

    def _method_or_none(self, method_id: str) -> PaymentMethod | None:
        try:
            return self.method(method_id)
        except KeyError:
            return None

    # --- completion ----------------------------------------------------------------------

    def _complete(self) -> Sale:
        now = self.clock()
        sale = Sale(
            sale_id=self.sale_id,
            kiosk_id=self.config.kiosk_id,
            receipt_no=self.store.next_receipt_no(),
            started_at=self.started_at,
            completed_at=now,
            lines=tuple(self.checkout.basket.lines),
            adjustments=tuple(self.checkout.basket.adjustments),
            totals=self.checkout.totals,
            tenders=tuple(self.tenders),
            change=self.change,
            language=self.language,
            member_id=self.member_id,
            staff_id=self.sale_staff_id,
            extra=dict(self.sale_extra),
            training=self.training,
        )
        self.store.commit_sale(sale)  # only after this may the shopper see "paid"
        store_identity.note_sale(self.store)  # an older copy put back is then found
        self.checkout.mark_paid()
        self.last_sale = sale
        self.host.call("kiosk_sale_completed", sale=sale)
        # made after the plugins have done their part of the sale (points booked, a record)
        sections = tuple(self.host.call_each("kiosk_receipt_sections", sale=sale))
        self._last_sections = (sale, sections)
        self._send_receipt_sections(sale, sections)
        return sale

    def _send_receipt_sections(self, sale: Sale, sections: tuple[ReceiptSection, ...]) -> None:
        """The plugins' receipt sections to the back office, for the e-receipt page to show
        them as the paper does (:mod:`kiosk.domain.receipt_sections`); none: nothing sent."""
        if sale.training:  # practice: nothing but the sale itself goes to the back office
            return
        if not sections:
            return
        try:
            with self.store.transaction() as session:
                session.add(
                    OutboxRow(
                        event_id=sections_event_id(sale.sale_id),
                        kind=RECEIPT_SECTIONS,
                        aggregate_id=sale.sale_id,
                        payload=sections_payload(sale.sale_id, sections),
                        created_at=self.clock(),
                    )
                )
        except Exception:  # the sale is committed and paid: its e-receipt lacks them, no more
            log.exception(
                "receipt sections of sale %s not queued for the back office", sale.sale_id
            )

    def receipt(self, sale: Sale) -> Receipt:
        """``sale``'s receipt with the plugins' sections: the ones made when it completed
        for the last sale, asked of the plugins again for an earlier one (a reprint)."""
        last = self._last_sections
        if last is not None and (last[0] is sale or last[0] == sale):
            sections = last[1]
        else:
            sections = tuple(self.host.call_each("kiosk_receipt_sections", sale=sale))
        return Receipt.from_sale(sale, self.config.issuer, sections)

    def receipt_lines(self, sale: Sale) -> list[str]:
        """The receipt laid out to the printer's columns (its profile), else the config's."""
        printer = getattr(self.devices, "printer", None)
        if printer is None:
            return render_receipt(self.receipt(sale), width=self.config.receipt_width)
        return render_receipt(
            self.receipt(sale), width=printer.columns, keep_emoji=printer.can_print_emoji
        )

    def formal_receipt_choices(self) -> formal_receipt.FormalReceiptChoices:
        """The 但し書き and addressee suffixes the 領収書 screen offers (the store's)."""
        return formal_receipt.choices(self.config)

    def issue_formal_receipt(
        self,
        addressee: str,
        proviso: str,
        *,
        honorific: str | None = None,
        sale: Sale | None = None,
        receipt_no: int | None = None,
    ) -> formal_receipt.FormalReceiptIssued:
        """Print a 領収書 for ``sale`` (just paid) or for the past sale ``receipt_no`` (staff
        reprint at the overlay); the second for a sale is printed 再発行. Worker thread."""
        if sale is not None:
            receipt = self.receipt(sale)
            return formal_receipt.issue(self, sale.sale_id, receipt, addressee, proviso, honorific)
        if receipt_no is None:
            raise ValueError("a 領収書 needs the sale or its receipt number")
        sale_id, receipt = formal_receipt.receipt_of_number(self, receipt_no)
        return formal_receipt.issue(self, sale_id, receipt, addressee, proviso, honorific)

    def finish(self) -> None:
        """The shopper has their receipt: ready for the next one."""
        with self._lock:
            self.checkout.finish()
            self._new_session()

    def cancel(self) -> None:
        with self._lock:
            self.checkout.cancel()
            self._new_session()

    def suspend(self, reason: str) -> int:
        """Put the basket aside for staff (e.g. the shopper walked away); returns its id.

        The basket is stored and journaled; the kiosk goes back to idle with a new sale id.
        """
        with self._lock:
            suspended = self.checkout.suspend(reason)
            document = {
                "sale_id": self.sale_id,
                "lines": [
                    {
                        "sku": line.product.sku,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                        "weight_g": line.weight_g,
                        "voided": line.voided,
                    }
                    for line in suspended.lines
                ],
                "pending": [p.reason.value for p in suspended.pending],
            }
            row_id = self.store.save_suspended(reason, document, self.clock())
            self._new_session()
            return row_id

    def reload_catalogue(self) -> None:
        """Take a newly applied catalogue; a basket in progress keeps the products it has.

        The new catalogue is built off the runtime lock (100k products take seconds) and
        swapped in under it in one step, so a scan meanwhile prices from the old catalogue
        instead of waiting; reloads are serialised so an older one never lands last. The
        build makes no garbage-collector pass, the old catalogue is freed in chunks after
        the swap, off the lock, and other threads get the interpreter sooner meanwhile
        (:mod:`kiosk.runtime.gc_quiet` says what each cost a scan before).
        """
        with self._reload_lock, quick_switches():
            catalogue = without_collections(self.store.load_catalogue)
            with self._lock:
                old, self.catalogue = self.catalogue, catalogue
                self.checkout.catalogue = catalogue
            if sys.getrefcount(old) == 2:  # ``old`` and the call's argument: nobody reads it
                for _ in old.emptied(FREE_CHUNK):  # not all at once: see Catalogue.emptied
                    time.sleep(0)

    def masterdata(self, section: str) -> Any:
        """A section of the applied master data: ``config`` or a plugin's (``promotions``…),
        None if the applied version has none of that name."""
        return self.store.get_config(f"masterdata.{section}")

    def masterdata_applied(self, version: int) -> None:
        """A new master-data version is in the store: reload the catalogue, tell plugins."""
        self.reload_catalogue()
        self.host.call("kiosk_masterdata_applied", runtime=self, version=version)

    def set_language(self, language: str) -> None:
        """The shopper changed language; the basket stays as it is."""
        if language not in self.config.languages:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language

    def _new_session(self) -> None:
        self.sale_id = str(uuid.uuid4())
        self.started_at = self.clock()
        self.tenders = []
        self.change = 0
        self.member_id = None
        self.sale_staff_id = None
        self.sale_extra = {}

    # --- plumbing ------------------------------------------------------------------------

    def _adjust(self, basket: Basket) -> list[Adjustment]:
        context = AdjustContext(now=self.clock(), language=self.language, member_id=self.member_id)
        return self.host.call_each("kiosk_adjust_basket", basket=basket, context=context)

    def _verify_age(self, line: BasketLine) -> str | None:
        """A digital ID check (plugin) may approve an age-restricted line without staff."""
        approval = self.host.call_first("kiosk_age_check", line=line, checkout=self.checkout)
        if approval is None:
            return None
        self.store.journal_event(
            "age_approved_digitally",
            {
                "sale_id": self.sale_id,
                "sku": line.product.sku,
                "method": approval.method,
                "assurance_level": approval.assurance_level,
            },
            self.clock(),
        )
        return approval.method

    def report_device_status(self, device: str, status: str, fault: bool = False) -> None:
        """Devices report here; a fault during a sale calls staff."""
        self.host.call("kiosk_device_status", device=device, status=status)
        if fault and self.checkout.state in (CheckoutState.SHOPPING, CheckoutState.PAYING):
            self.checkout.report_fault(f"{device}: {status}")

    def _on_checkout_event(self, event: CheckoutEvent) -> None:
        if isinstance(event, StateChanged):
            if event.old is CheckoutState.IDLE:
                self.started_at = self.clock()
            self.host.call(
                "kiosk_state_changed", checkout=self.checkout, old=event.old, new=event.new
            )
        elif isinstance(event, BasketChanged):
            self.host.call("kiosk_basket_changed", checkout=self.checkout)
        elif isinstance(event, AttendantNeeded):
            self.store.journal_event(
                "attendant_needed",
                {"reason": event.reason.value, "detail": event.detail, "sale_id": self.sale_id},
                self.clock(),
            )
            self.host.call("kiosk_attendant_needed", checkout=self.checkout, reason=event.reason)
        self._notify(event)

    def _notify(self, event: CheckoutEvent | PaymentProgress) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken screen must not lose the sale
                log.exception("checkout listener failed")
