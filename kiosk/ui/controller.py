"""The one object the screens talk to: it wraps the runtime and holds what they show.

Screens read Kivy properties here and call its methods; nothing else reaches the runtime.
Every runtime call goes through :class:`~kiosk.ui.worker.RuntimeWorker` (off the UI
thread); after each call a :class:`~kiosk.ui.basket_view.BasketSnapshot` comes back and
:meth:`Controller.apply` updates the properties. Payment, receipt and staff actions live in
:mod:`kiosk.ui.flows` to keep this module short.

Everything goes through the runtime's named methods (``add_plu``, ``void_line``,
``pay``, ``cancel_sale``…) and the basket is read as its immutable ``sale_view()``; nothing
here touches the checkout, the store or the devices (``tests/test_runtime_facade.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)

from kiosk.domain.basket import LimitExceeded
from kiosk.domain.events import AttendantCleared, AttendantNeeded, StateChanged
from kiosk.domain.product import Product
from kiosk.domain.scan import Scan, Symbology
from kiosk.messages import Message
from kiosk.payments.method import PaymentProgress
from kiosk.runtime.runtime import limit_message
from kiosk.ui.basket_view import (
    AttendantView,
    BasketSnapshot,
    LineView,
    labelled_text,
    snapshot,
    yen_text,
)
from kiosk.ui.i18n import Translator
from kiosk.ui.settings import BUTTON_INSET_PX, UiSettings, pt_to_px
from kiosk.ui.sync_problems import sync_problem
from kiosk.ui.theme import Theme
from kiosk.ui.worker import RuntimeWorker

log = logging.getLogger(__name__)

SCANS_IGNORED = ("receipt", "thanks", "methods")  # the sale is closed or being paid
UNREADABLE = Message.of("That barcode could not be read. Please try again.")

SHOPPER_SCREENS = ("shopping", "lookup", "code", "weigh")  # plugins add theirs
LARGE_TEXT_FACTOR = 1.35


def claim_is_refusal(claim: Any) -> bool:
    """A claim whose payload is an exception (a refused coupon): shown as an error."""
    return isinstance(claim.payload, BaseException)


def to_ui(fn: Callable[[], None]) -> None:
    Clock.schedule_once(lambda _dt: fn(), 0)


class Controller(EventDispatcher):
    language = StringProperty("ja")
    large_text = BooleanProperty(False)
    theme = ObjectProperty(None)
    fs_small = NumericProperty(14)
    fs_body = NumericProperty(18)
    fs_large = NumericProperty(26)
    fs_huge = NumericProperty(44)
    fs_total = NumericProperty(34)
    target = NumericProperty(63)  # smallest touch target side, px (the box, with the inset)
    key_target = NumericProperty(63)  # the same without large text's growth (keyboards)
    screen = StringProperty("attract")
    state = StringProperty("idle")
    rows = ListProperty()  # basket lines (one dict per line)
    adjust_rows = ListProperty()  # discounts shown under the lines (coupons, promotions…)
    tax_text = StringProperty("")  # per rate: 10%対象 ￥X（内消費税 ￥Y）, one line each
    last_name = StringProperty("")
    last_price = StringProperty("")
    total_text = StringProperty("")
    item_count = NumericProperty(0)
    has_reduced = BooleanProperty(False)
    read_only = BooleanProperty(False)  # handed-off basket: no quantity/remove controls
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    attendant = ListProperty()
    problems = ListProperty()
    sync_standing = ListProperty()  # the relay's standing alerts (SyncAlert), for the staff overlay
    still_there = BooleanProperty(False)
    still_there_left = NumericProperty(0)
    busy = BooleanProperty(False)
    # payment / receipt / staff (driven by kiosk.ui.flows)
    methods = ListProperty()
    # the names ({language: name}) of methods missing only for want of the network
    methods_offline = ListProperty()
    pay_method = StringProperty("")
    pay_busy = BooleanProperty(False)
    pay_error = StringProperty("")
    due_text = StringProperty("")
    paid_text = StringProperty("")  # split tender: what earlier methods took ("" for none)
    sale = DictProperty()
    ereceipt_url = StringProperty("")
    receipt_status = StringProperty("")
    staff_mode = StringProperty("")  # "" | "attendant" | "exit" | "returns"
    staff_feedback = StringProperty("")
    confirm = DictProperty()  # a question before an action the shopper cannot undo
    weigh_product = ObjectProperty(None, allownone=True)  # the item on the weigh screen
    # what plugins show on the receipt screen (tax-free…): Messages in their own domain
    receipt_notes = ListProperty()
    # open | paused | closed: not open covers the attract screen, so no new shopper starts
    # (an unconfirmed database closes the kiosk; the hand-off plugin's console pauses it)
    availability = StringProperty("open")
    staff_station = BooleanProperty(False)  # staff work here (hand-off station): no staff cover
    home_screen = StringProperty("attract")  # where recover() returns (a station: its screen)

    def __init__(self, runtime: Any, theme: Theme, settings: UiSettings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from kiosk.ui.flows import Flows

        self.runtime = runtime
        self.settings = settings
        self.translate = Translator(theme.strings)
        self.theme = theme
        self.language = runtime.language
        self.worker = RuntimeWorker(to_ui)
        self.flows = Flows(self)
        self.snapshot: BasketSnapshot | None = None
        self.last_activity = time.monotonic()
        self.clock: Callable[[], float] = time.monotonic
        self.on_exit: Callable[[], None] | None = None
        # the core's shopper screens and the plugins' (kiosk.ui.root adds them)
        self.shopper_screens: tuple[str, ...] = SHOPPER_SCREENS
        # What plugin screens hook in (kiosk_ui_screens' attach; none of it is a plugin's
        # model on the controller): a scan a plugin screen takes first (tax-free's passport
        # reader, loyalty's phone number, the hand-off station): True = taken; a claim a
        # plugin shows itself (True: no banner); a "start" a plugin handles (a payment kiosk
        # asking for its hand-off); a paid sale (loyalty reads the points it earned).
        self.scan_interceptors: list[Callable[[Scan], bool]] = []
        self.claim_handlers: list[Callable[[Any], bool]] = []
        self.start_handlers: list[Callable[[], bool]] = []
        self.paid_listeners: list[Callable[[Any], None]] = []
        # a name for a 領収書's addressee a plugin knows for a sale (loyalty: the member's);
        # called on the runtime worker, "" for none
        self.addressee_sources: list[Callable[[Any], str]] = []
        self._plugin_views: dict[str, Any] = {}  # plugin -> its view (plugin_view)
        self._attendant: list[AttendantView] = []  # worker thread only
        self._seen_problems = 0
        self._seen_sync = 0  # the last relay alert shown (each is shown once)
        self._message_event: Any = None
        self._row_cache: dict[int, tuple[LineView, dict]] = {}  # line_id → (view, row)
        self._scale_fonts()
        runtime.subscribe(self._on_runtime_event)
        self.bind(large_text=lambda *_: self._scale_fonts(), theme=lambda *_: self._scale_fonts())
        self.bind(language=lambda *_: self._retranslate_sync_problems())
        self.refresh()

    def plugin_view(self, plugin: str) -> Any:
        """What plugin ``plugin`` (its host name) gets of this controller: a
        :class:`~kiosk.ui.plugin_controller.PluginController` whose runtime is that plugin's
        own scoped runtime; one per plugin, so its hooks and screens share it."""
        views = self._plugin_views
        view = views.get(plugin)
        if view is None:
            from kiosk.ui.plugin_controller import PluginController

            runtime = self.runtime.host.runtime_for(plugin, self.runtime)
            name = self.runtime.host.scope_name(plugin)
            view = views[plugin] = PluginController(self, name, runtime)
        return view

    def plugin_views(self) -> tuple[Any, ...]:
        """The views made so far (a stopped kiosk's UI forgets what holds them)."""
        return tuple(self._plugin_views.values())

    # --- text --------------------------------------------------------------------------

    def t(self, msgid: str, *_watch: Any, domain: str = "kiosk") -> str:
        """Translate ``msgid``; kv passes ``ctl.language`` as ``_watch`` to re-evaluate. A
        plugin's screen passes its own ``domain`` (``"plugins.tax_free"``)."""
        return self.translate(msgid, self.language, domain)

    def render(self, message: Message) -> str:
        """A message from the runtime or a plugin (key + params) in the shopper's language."""
        return self.translate.render(message, self.language)

    def note_text(self, note: Message | str) -> str:
        """A receipt note: a plugin's :class:`Message` (its own catalogue) or a core msgid."""
        return self.render(note) if isinstance(note, Message) else self.t(note)

    def claim_text(self, claim: Any) -> str:
        """What a plugin said about a scan it took, in the shopper's language.

        The claim's :class:`~kiosk.messages.Message` is translated in the plugin's domain; a
        claim without one shows a translated "Code accepted".
        """
        if claim.message is not None:
            return self.render(claim.message)
        return self.t("Code accepted")

    def yen(self, amount: int) -> str:
        return yen_text(amount, self.language)

    def labelled(self, label: str, value: str, gap: str = " ") -> str:
        """``label: value`` with the colon of the shopper's script: full-width "：" after
        Japanese and Chinese labels (a half-width ": " reads as a typo there), ": " otherwise."""
        return labelled_text(label, value, self.language, gap)

    def set_language(self, language: str) -> None:
        self.activity()
        self.language = language
        self.run(lambda: self.runtime.set_language(language))

    def toggle_large_text(self) -> None:
        self.activity()
        self.large_text = not self.large_text

    def _scale_fonts(self) -> None:
        factor = LARGE_TEXT_FACTOR if self.large_text else 1.0
        dpi = self.settings.dpi
        # body first: KioskLabel/KioskButton's class rules bind font_size to fs_body, and a
        # label's own rule (fs_small…) must fire after it, or the label keeps fs_body after
        # large text is turned off (kv calls both rules; the last size set wins)
        for name in ("body", "small", "large", "huge", "total"):
            setattr(self, f"fs_{name}", round(pt_to_px(self.theme.sizes[name], dpi) * factor))
        # the box is larger than the face drawn in it (BUTTON_INSET_PX each side): the face
        # is what the shopper aims at, so it is the face that has touch_target_mm
        face = max(self.settings.target_px, self.fs_body * 2.2)
        self.target = face + 2 * BUTTON_INSET_PX
        self.key_target = self.settings.target_px + 2 * BUTTON_INSET_PX

    # --- runtime calls -----------------------------------------------------------------

    def run(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` on the worker, then refresh the snapshot and call ``done``/``failed``."""
        language = self.language

        def wrapped() -> tuple[Any, BasketSnapshot]:
            result = job()
            return result, snapshot(self.runtime, language, self._attendant, self.translate.render)

        def on_done(pair: tuple[Any, BasketSnapshot]) -> None:
            self.apply(pair[1])
            if done is not None:
                done(pair[0])

        def on_failed(exc: BaseException) -> None:
            self.refresh()
            (failed or self.show_failure)(exc)

        self.worker.submit(wrapped, on_done, on_failed)

    def refresh(self) -> None:
        self.run(lambda: None)

    def apply(self, snap: BasketSnapshot) -> None:
        """Show a snapshot (UI thread). Moves between screens when the state demands it."""
        self.snapshot = snap
        self.rows = self._rows_for(snap.lines)
        self.adjust_rows = self._adjust_rows_for(snap)
        self.tax_text = self._tax_text_for(snap)
        self.total_text = snap.total_text or self.yen(0)
        self.item_count = snap.item_count
        self.has_reduced = snap.has_reduced
        self.read_only = snap.read_only
        self.last_name = snap.last.name if snap.last else ""
        self.last_price = snap.last.amount_text if snap.last else ""
        self.due_text = self.yen(snap.amount_due)
        paid = snap.total - snap.amount_due if snap.state == "paying" else 0
        self.paid_text = self.yen(paid) if paid > 0 else ""
        self.attendant = [{"reason": a.reason, "detail": a.detail} for a in snap.attendant]
        self.state = snap.state
        if snap.state == "idle" and self.screen in (*self.shopper_screens, "methods", "paying"):
            self.screen = "attract"
        elif snap.state in ("shopping", "needs_attendant") and self.screen == "attract":
            self.screen = "shopping"

    def _rows_for(self, lines: tuple[LineView, ...]) -> list[dict]:
        """Row dicts for the basket list; an unchanged line keeps the very same dict.

        Kivy only dispatches ``rows`` when the list differs, and the shopping screen tells
        new and changed lines by identity, so a scan updates one row, not the whole list.
        """
        cache, rows = self._row_cache, []
        kept: dict[int, tuple[LineView, dict]] = {}
        for v in lines:
            hit = cache.get(v.line_id)
            if hit is not None and hit[0] == v:
                row = hit[1]
            else:
                row = {
                    "line_id": v.line_id,
                    "name": v.name,
                    "qty": v.quantity_text,
                    "amount": v.amount_text,
                    "reduced": v.reduced,
                    "weighed": v.weighed,
                    "unit": v.unit_text,
                }
            kept[v.line_id] = (v, row)
            rows.append(row)
        self._row_cache = kept
        return rows

    def _adjust_rows_for(self, snap: BasketSnapshot) -> list[dict]:
        """Discount rows (and tax added to tax-exclusive prices): the rows shown add up to
        the total. An unchanged row keeps its dict (see :meth:`_rows_for`)."""
        rows = [
            {"line_id": f"adj:{a.key}", "label": a.label, "amount": a.amount_text}
            for a in snap.adjustments
        ]
        if snap.added_tax:
            label = self.t("Consumption tax")
            rows.append({"line_id": "adj:tax", "label": label, "amount": snap.added_tax_text})
        old = {row["line_id"]: row for row in self.adjust_rows}
        return [old[r["line_id"]] if old.get(r["line_id"]) == r else r for r in rows]

    def _tax_text_for(self, snap: BasketSnapshot) -> str:
        """The invoice's per-rate figures; the reduced rate marked ※ like its lines."""
        lines = []
        for rate in sorted(snap.rates, key=lambda r: -r.rate_percent):
            template = (
                self.t("※ {rate}% items (reduced rate) {gross}, incl. tax {tax}")
                if rate.reduced
                else self.t("{rate}% items {gross}, incl. tax {tax}")
            )
            lines.append(
                template.format(rate=rate.rate_percent, gross=rate.gross_text, tax=rate.tax_text)
            )
        return "\n".join(lines)

    def show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, LimitExceeded):
            log.warning("refused: %s", exc)
            self.say(self.limit_text(exc), error=True)
            return
        log.error("runtime call failed: %s", exc)
        self.say(self.t("Sorry, that did not work. Please try again or call staff."), error=True)

    def say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error
        if self._message_event is not None:
            self._message_event.cancel()
        self._message_event = Clock.schedule_once(
            lambda _dt: setattr(self, "message", ""), self.settings.message_seconds
        )

    # --- shopper actions ---------------------------------------------------------------

    def activity(self) -> None:
        self.last_activity = self.clock()
        self.still_there = False

    def go(self, screen: str) -> None:
        self.activity()
        self.screen = screen

    def start(self) -> None:
        self.activity()
        if self.availability != "open":
            self.say(self.t("This checkout is closed. Please use another one."), error=True)
            return
        if any(handler() for handler in self.start_handlers):
            return  # a payment kiosk asking for its hand-off

        self.run(self.runtime.start_sale, lambda _r: setattr(self, "screen", "shopping"))

    def scan(self, scan: Scan) -> None:
        """Any scan (wedge, plugin source, look-up, keypad); UI thread."""
        self.activity()
        if self.screen == "paying":
            self.flows.payment_scan(scan)  # a QR wallet code for the payment, nothing else
            return
        returns = getattr(self, "returns", None)
        if returns is not None and returns.wants(scan):
            return  # a receipt's code for a return (kiosk.ui.returns), or on its screen
        if self.screen in SCANS_IGNORED:
            return  # the sale is closed or being paid: ignore stray scans
        if any(intercept(scan) for intercept in self.scan_interceptors):
            return  # taken by a plugin screen (passport MRZ lines, the station's basket…)
        self.run(lambda: self.runtime.handle_scan(scan), self._scanned)

    def _scanned(self, outcome: Any) -> None:
        if outcome.claim is not None:
            claim = outcome.claim
            if any(handler(claim) for handler in self.claim_handlers):
                return  # shown by its plugin (a hand-off basket, a refused hand-off code)
            self.say(self.claim_text(claim), error=claim_is_refusal(claim))
        elif not outcome.accepted:
            error = outcome.error or UNREADABLE
            self.say(self.render(error), error=True)
        elif self.screen in ("attract", "lookup", "code"):
            self.screen = "shopping"

    def unreadable_scan(self, source: str, keys: int) -> None:
        """A scan that did not arrive whole (a keyboard-wedge burst with a pause inside,
        :class:`kiosk.ui.burst.BrokenScan`): no code goes anywhere, the shopper scans again.
        Only its length is logged (it may have been a passport line)."""
        self.activity()
        log.warning("a %s scan arrived broken (%d keys): asked to scan again", source, keys)
        if self.screen not in SCANS_IGNORED:
            self.say(self.render(UNREADABLE), error=True)

    def scan_code(self, code: str, source: str) -> None:
        self.scan(Scan(code, Symbology.UNKNOWN, source))

    def add_product(self, product: Product) -> None:
        """An item chosen on the look-up screen."""
        self.activity()
        if product.weighed:  # onto the scale (kiosk.ui.screens.weigh)
            self.weigh_product = product
            self.screen = "weigh"
            return
        if product.gtin:
            self.scan(Scan(product.gtin, Symbology.EAN13, "lookup"))
            return
        from kiosk.domain.basket import LineSource

        plu = product.plu or ""
        self.run(
            lambda: self.runtime.add_plu(plu, source=LineSource.LOOKUP),
            lambda _r: setattr(self, "screen", "shopping"),
        )

    def departments(self) -> list[str]:
        """Departments of the in-memory catalogue (no I/O, so read on the UI thread)."""
        return self.runtime.catalogue.departments()

    def search(self, text: str, department: str | None = None) -> list[Product]:
        return self.runtime.catalogue.search(text, self.language, department)

    def change_quantity(self, line_id: int, delta: int) -> None:
        self.activity()
        row = next((r for r in self.rows if r["line_id"] == line_id), None)
        if row is None or row["weighed"]:
            return
        quantity = int(row["qty"]) + delta
        if quantity < 1:
            self.ask_remove_line(line_id)
            return
        self.run(lambda: self.runtime.set_quantity(line_id, quantity))

    def limit_text(self, exc: LimitExceeded) -> str:
        """The shopper's words for a bound of kiosk.domain.limits (staff can ring more up)."""
        return self.render(limit_message(exc))

    def remove_line(self, line_id: int) -> None:
        self.activity()
        self.run(lambda: self.runtime.void_line(line_id))

    def ask_remove_line(self, line_id: int) -> None:
        """× on a line (or − from 1): ask first, naming the item."""
        self.activity()
        row = next((r for r in self.rows if r["line_id"] == line_id), None)
        if row is None:
            return
        self.ask(
            self.t("Remove {name} from your basket?").format(name=row["name"]),
            self.t("Remove"),
            lambda: self.remove_line(line_id),
            danger=True,
        )

    def ask_cancel_sale(self) -> None:
        """ "Stop shopping": at once on an empty basket; with items, after a question — or,
        where the store wants staff to approve removals, an offer to call staff."""
        self.activity()
        if not self.rows:
            self.cancel_sale()
        elif self.runtime.removal_needs_approval:
            self.ask(
                self.t("Staff need to approve cancelling a basket with items. Call staff?"),
                self.t("Call staff"),
                self.call_staff,
            )
        else:
            self.ask(
                self.t("Stop shopping? Every item will be taken off. Please leave them here."),
                self.t("Stop shopping"),
                self.cancel_sale,
                danger=True,
            )

    def ask(self, text: str, yes: str, action: Callable[[], None], danger: bool = False) -> None:
        self._confirm_action = action
        self.confirm = {"text": text, "yes": yes, "no": self.t("No, go back"), "danger": danger}

    def confirm_answer(self, yes: bool) -> None:
        self.activity()
        action, self._confirm_action = getattr(self, "_confirm_action", None), None
        self.confirm = {}
        if yes and action is not None:
            action()

    def call_staff(self) -> None:
        self.activity()
        self.run(lambda: self.runtime.request_help("shopper pressed call staff"))

    def withdraw_call(self) -> None:
        """The shopper takes back their call for staff (the overlay's button)."""
        self.activity()
        self.run(self.runtime.withdraw_help)

    def cancel_sale(self) -> None:
        """Shopper's "stop shopping" (confirmed), or staff's void of the whole sale.

        A basket with items is journalled first (what was on it), so a cancelled sale
        leaves a trace for loss prevention.
        """
        self.run(self.runtime.cancel_sale, self.flows.next_shopper)

    # --- runtime events (any thread) ---------------------------------------------------

    def _on_runtime_event(self, event: Any) -> None:
        if isinstance(event, PaymentProgress):
            self.flows.progress(event)  # cash inserted, a QR code to show: no basket change
            return
        if isinstance(event, AttendantNeeded):
            self._attendant.append(AttendantView(event.reason.value, event.detail, event.line_id))
        elif isinstance(event, AttendantCleared):
            reason = event.reason.value
            self._attendant[:] = [a for a in self._attendant if a.reason != reason]
        elif isinstance(event, StateChanged) and event.new.value != "needs_attendant":
            self._attendant.clear()
        if threading.current_thread().name != "kiosk-runtime":
            if isinstance(event, AttendantNeeded | AttendantCleared | StateChanged):
                # a device thread called staff (a fault) while a payment keeps the runtime
                # worker busy: its snapshot would come only after the payment, so the
                # shopper would see nothing; show the state (the staff overlay) now
                state = "needs_attendant" if isinstance(event, AttendantNeeded) else None
                if isinstance(event, StateChanged):
                    state = event.new.value
                attendant = [{"reason": a.reason, "detail": a.detail} for a in self._attendant]
                to_ui(lambda: self._show_state_now(state, attendant))
            to_ui(self.refresh)  # a plugin or device thread changed the checkout

    def _show_state_now(self, state: str | None, attendant: list[dict]) -> None:
        self.attendant = attendant
        if state is not None:
            self.state = state

    def poll_problems(self, *_args: Any) -> None:
        """Show plugin failures (``runtime.host.problems``) that are new; UI thread."""
        problems = list(getattr(self.runtime.host, "problems", ()))
        for problem in problems[self._seen_problems :]:
            self.problems.append(
                {
                    "shopper": self.t("Some features are unavailable. Staff have been told."),
                    # in the screen's language; the hook and the error are in the log
                    "staff": self.t("Turned off after an error: {plugin}").format(
                        plugin=problem.plugin
                    ),
                }
            )
        self._seen_problems = len(problems)
        self._poll_store_identity()
        self._poll_sync_alerts()

    def _poll_sync_alerts(self) -> None:
        """The back office relay's alerts for staff (the runtime's door; each shown once); a
        backlog's entry leaves when its sales were sent."""
        standing = self.runtime.sync_alerts()
        if list(standing) != list(self.sync_standing):  # the staff overlay lists them all
            self.sync_standing = list(standing)
        numbers = {alert.number for alert in standing}
        kept = [p for p in self.problems if "sync" not in p or p["sync"] in numbers]
        if len(kept) != len(self.problems):
            self.problems = kept
        for alert in standing:
            if alert.number > self._seen_sync:
                self.problems.append(sync_problem(alert, self.t, self.language))
                self._seen_sync = alert.number

    def _retranslate_sync_problems(self) -> None:
        """The relay's entries in the new language, as the bar's "Staff:" prefix is."""
        if not any("sync" in p for p in self.problems):
            return
        alerts = {alert.number: alert for alert in self.runtime.sync_alerts()}
        self.problems = [
            sync_problem(alerts[p["sync"]], self.t, self.language) if p.get("sync") in alerts else p
            for p in self.problems
        ]

    def _poll_store_identity(self) -> None:
        """A database not confirmed as this kiosk's: the closed screen, and staff told why."""
        problem = getattr(self.runtime, "identity_problem", None)
        if problem is None or self.availability == "closed":
            return
        self.availability = "closed"  # covers the attract screen: no new shopper starts
        if getattr(self, "_identity_told", False):
            return
        self._identity_told = True
        self.problems.append(
            {
                "shopper": self.t("This checkout is closed. Please use another one."),
                "staff": f"{problem.message} — kiosk store confirm-new --reason …",
            }
        )

    def dismiss_problem(self) -> None:
        if self.problems:
            self.problems.pop(0)

    def recover(self) -> None:
        """After an unexpected error: back to a screen that matches the checkout state."""
        self.pay_busy = False
        self.flows.payment.begin("")  # no live cash figures or QR code left over
        self.staff_mode = ""
        self.screen = self.home_screen
        self.refresh()
        self.say(self.t("Sorry, something went wrong. Please try again or call staff."), True)
