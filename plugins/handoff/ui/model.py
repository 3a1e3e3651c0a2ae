"""Semi-self checkout in the shell: payment kiosk, paused/closed notices, staff station.

The hand-off plugin's UI model, made once per kiosk UI by :func:`plugins.handoff.ui.screens`'
hooks (``kiosk_ui_screens``, ``kiosk_ui_overlays``) when the plugin has its console actions;
without them the plugin adds nothing and the shell behaves as a plain self-checkout. It
reaches the core's controller only through what plugin screens use: ``ctl.availability``
(the closed/paused cover), ``ctl.staff_station`` and ``ctl.home_screen``, and the scan,
claim and start hooks of the controller.

* **Payment kiosk** (``[plugins.handoff] role = "payment"``): "start" asks the receiver for
  an assigned hand-off (``on_start_tapped``, on the runtime worker); a scanned hand-off code
  is a ``ScanClaim`` from the plugin. A ticket → the read-only basket, ready to pay; an
  error → a plain message.
* **Notices** (``actions.subscribe``, any thread): ``mode`` → ``ctl.availability`` (the
  core's closed/paused cover, which blocks "start"); ``message`` → the console message bar; ``reprint`` → the printer.
* **Staff station** (``role = "station"``): :class:`~plugins.handoff.station.StaffStation`
  sharing the kiosk's one PIN lock-out (``runtime.check_staff_pin``); the station screen drives it.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import StringProperty

from kiosk.domain.basket import LimitExceeded
from kiosk.messages import N_
from kiosk.staff import StaffLocked, WrongPin
from plugins.handoff.errors import (
    ForgedTicket,
    HandOffError,
    NothingToHandOff,
    TicketAlreadyUsed,
    TicketExpired,
)
from plugins.handoff.i18n import DOMAIN
from plugins.handoff.ticket import HandOffTicket

if TYPE_CHECKING:
    from kiosk.ui.controller import Controller
    from plugins.handoff.plugin import Plugin

log = logging.getLogger(__name__)

CONSOLE_MESSAGE_SECONDS = 60.0

#: what the shopper reads for a refused hand-off code (keys of the plugin's catalogue)
ERROR_TEXT: dict[type, str] = {
    TicketExpired: N_(
        "This payment slip has expired. Please ask staff to register the items again."
    ),
    TicketAlreadyUsed: N_("This payment slip has already been paid."),
    ForgedTicket: N_("This payment slip cannot be read here. Please call staff."),
}
DEFAULT_ERROR = N_("This payment slip cannot be used. Please call staff.")


def error_text(exc: BaseException) -> str:
    for kind, text in ERROR_TEXT.items():
        if isinstance(exc, kind):
            return text
    return DEFAULT_ERROR


class SemiSelfModel(EventDispatcher):
    role = StringProperty("self")  # self | payment | station
    console_message = StringProperty("")
    # station
    step = StringProperty("sign_in")  # sign_in | register | result
    signed_in = StringProperty("")
    feedback = StringProperty("")
    handoff_where = StringProperty("")  # the payment kiosk the server chose
    handoff_code = StringProperty("")  # the signed basket, shown as a QR when on paper
    handoff_total = StringProperty("")
    slip_status = StringProperty("")

    def __init__(self, ctl: Controller, plugin: Plugin, **kwargs: Any) -> None:
        """``plugin``: the hand-off plugin, with its console actions (UI thread)."""
        super().__init__(**kwargs)
        self.ctl = ctl
        self.plugin = plugin
        self.station: Any = None
        self._message_event: Any = None
        self._pending: deque[Any] = deque()  # notices from other threads, for the UI thread
        actions = plugin.actions
        self.role = plugin.role.value
        ctl.availability = actions.mode.value
        actions.subscribe(self._notice)
        # one PIN lock-out for the overlay and the actions: both check through the runtime
        # (runtime.check_staff_pin, kiosk.staff.kiosk_staff), nothing to share here
        if self.is_station:
            from plugins.handoff.station import StaffStation

            self.station = StaffStation(ctl.runtime, plugin.keys, actions.staff, plugin.server)
            ctl.staff_station = True  # staff approve ages on the station screen itself
            ctl.home_screen = "station"

    @property
    def is_station(self) -> bool:
        return self.role == "station"

    def intercept(self, scan: Any) -> bool:
        """The controller's scan interceptor: at the station every scan is staff's."""
        if not self.is_station:
            return False
        self.station_scan(scan)
        return True

    # --- notices from the console (any thread) -------------------------------------------

    def _notice(self, notice: Any) -> None:
        # Kivy's Clock keeps a bound method weakly, a lambda strongly: scheduled as a lambda,
        # a notice (and the 60 s dismissal below) kept the model, its controller and the
        # stopped app alive for as long as the event waited (tests: the next kiosk's minute)
        self._pending.append(notice)
        Clock.schedule_once(self._show_pending, 0)

    def _show_pending(self, _dt: float = 0) -> None:
        while self._pending:
            self.show_notice(self._pending.popleft())

    def show_notice(self, notice: Any) -> None:
        """UI thread: a mode change, a message for the screen, or a receipt to reprint."""
        if notice.kind == "mode":
            self.ctl.availability = notice.text
        elif notice.kind == "message":
            self.console_message = notice.text
            if self._message_event is not None:
                self._message_event.cancel()
            self._message_event = Clock.schedule_once(self._message_due, CONSOLE_MESSAGE_SECONDS)
        elif notice.kind == "reprint":
            self.ctl.run(lambda: self._print(list(notice.lines)))

    def _message_due(self, _dt: float) -> None:
        self._message_event = None
        self.dismiss_message()

    def dismiss_message(self) -> None:
        self.console_message = ""

    def _print(self, lines: list[str], qr: str | None = None) -> str:
        """Worker thread: to the printer if there is one; ``""`` when there is none."""
        printer = self.ctl.runtime.device("printer")
        if printer is None:
            log.info("no printer: %d lines not printed", len(lines))
            return ""
        printer.print_receipt(lines, qr=qr)
        return "printed"

    # --- payment kiosk -------------------------------------------------------------------

    def start(self) -> bool:
        """The shopper pressed "start" on an open kiosk; True when handled here (a payment
        kiosk asks the receiver for its hand-off)."""
        ctl = self.ctl
        if self.role != "payment" or self.plugin.receiver is None:
            return False
        receiver, runtime = self.plugin.receiver, ctl.runtime

        def take() -> HandOffTicket | None:
            ticket = receiver.on_start_tapped()
            if ticket is None:
                runtime.start_sale()  # only when idle
            return ticket

        def done(ticket: HandOffTicket | None) -> None:
            if ticket is not None:
                ctl.say(ctl.t("Your items are ready. Please check them and pay.", domain=DOMAIN))
            ctl.screen = "shopping"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, HandOffError):
                ctl.say(ctl.t(error_text(exc), domain=DOMAIN), error=True)
            else:
                ctl.show_failure(exc)

        ctl.run(take, done, failed)
        return True

    def claimed(self, claim: Any) -> bool:
        """A scan the hand-off plugin took; True when it was a hand-off (shown here)."""
        ctl = self.ctl
        if claim.plugin != "handoff" or claim.payload is None:
            return False
        if isinstance(claim.payload, HandOffTicket):
            ctl.say(ctl.t("Your items are ready. Please check them and pay.", domain=DOMAIN))
            ctl.screen = "shopping"
        elif isinstance(claim.payload, BaseException):
            text = ERROR_TEXT.get(type(claim.payload))
            if text is None and type(claim.payload) is not HandOffError:
                text = DEFAULT_ERROR
            shown = ctl.t(text, domain=DOMAIN) if text else ctl.claim_text(claim)
            ctl.say(shown, error=True)
        else:
            return False
        return True

    # --- staff station -------------------------------------------------------------------

    def sign_in(self, staff_id: str, pin: str) -> None:
        ctl = self.ctl
        self.feedback = ctl.t("Checking…")

        def done(account: Any) -> None:
            self.feedback = ""
            self.signed_in = account.staff_id
            self.step = "register"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaffLocked):
                self.feedback = ctl.t("Too many wrong PINs. The PIN pad is locked.")
            elif isinstance(exc, WrongPin):
                self.feedback = ctl.t("Wrong staff ID or PIN.")
            else:
                self.feedback = str(exc)

        ctl.run(lambda: self.station.sign_in(staff_id, pin), done, failed)

    def open_returns(self) -> None:
        """A return (返品) from the station: the core's return screen, after the staff
        overlay checks a PIN with the ``[returns] role`` (a station sign-in may be an
        attendant's only). Not while a shopper's items are being registered."""
        if not self.signed_in or self.ctl.rows:
            return
        self.ctl.returns.open()

    def sign_out(self) -> None:
        self.ctl.run(self.station.sign_out)
        self.signed_in = ""
        self.feedback = ""
        self.step = "sign_in"

    def station_scan(self, scan: Any) -> None:
        ctl = self.ctl
        if not self.signed_in:
            ctl.say(ctl.t("Staff: sign in first", domain=DOMAIN), error=True)
            return
        if self.step == "result":
            self.next_shopper()
        ctl.run(lambda: self.station.scan(scan.code), ctl.show_scan_outcome)

    def add_plu(self, plu: str) -> None:
        ctl, runtime = self.ctl, self.ctl.runtime
        if not plu or not self.signed_in:
            return

        def add() -> None:
            runtime.start_sale()  # only when idle
            runtime.add_plu(plu)

        def failed(exc: BaseException) -> None:
            log.info("PLU %s refused: %s", plu, exc)
            if isinstance(exc, LimitExceeded):
                ctl.say(ctl.limit_text(exc), error=True)
                return
            ctl.say(ctl.t("No item has this PLU number.", domain=DOMAIN), error=True)

        ctl.run(add, failed=failed)

    def approve(self) -> None:
        self.ctl.run(self.station.approve_pending)

    def hand_off(self) -> None:
        ctl = self.ctl
        self.feedback = ""

        def send() -> tuple[Any, str]:
            if self.plugin.server is not None:
                self.station.server = self.plugin.server
            result = self.station.hand_off()
            printed = ""
            if result.paper:
                try:
                    printed = self._print(result.slip_lines(), qr=result.code)
                except Exception as exc:  # the slip is on screen anyway
                    log.error("hand-off slip not printed: %s", exc)
                    printed = "failed"
            return result, printed

        def done(pair: tuple[Any, str]) -> None:
            result, printed = pair
            self.handoff_total = ctl.yen(result.ticket.total)
            self.handoff_where = "" if result.paper else (result.kiosk_name or result.kiosk_id)
            self.handoff_code = result.code if result.paper else ""
            self.slip_status = {
                "printed": ctl.t("The slip is printing.", domain=DOMAIN),
                "failed": ctl.t(
                    "The printer needs attention. Show this QR code instead.", domain=DOMAIN
                ),
            }.get(printed, "")
            self.step = "result"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NothingToHandOff):
                self.feedback = ctl.t(
                    "Scan the items first and finish any age check.", domain=DOMAIN
                )
            else:
                log.error("hand-off failed: %s", exc)
                self.feedback = ctl.t("Sorry, that did not work. Please try again or call staff.")

        ctl.run(send, done, failed)

    def next_shopper(self) -> None:
        self.handoff_where = self.handoff_code = self.handoff_total = self.slip_status = ""
        self.step = "register" if self.signed_in else "sign_in"
