"""Semi-self checkout in the shell: payment kiosk, paused/closed notices, staff station.

``ctl.semi`` (:class:`SemiSelfModel`) is built by the root when the hand-off plugin is loaded
(``plugins.handoff.plugin.handoff_for``); without it every property keeps its default and the
shell behaves as a plain self-checkout.

* **Payment kiosk** (``[plugins.handoff] role = "payment"``): "start" asks the receiver for
  an assigned hand-off (``on_start_tapped``, on the runtime worker); a scanned hand-off code
  is a ``ScanClaim`` from the plugin. A ticket → the read-only basket, ready to pay; an
  error → a plain message.
* **Notices** (``actions.subscribe``, any thread): ``mode`` → the closed/paused screen, which
  blocks "start"; ``message`` → the console message bar; ``reprint`` → the printer.
* **Staff station** (``role = "station"``): :class:`~plugins.handoff.station.StaffStation`
  sharing the plugin's ``StaffRegistry`` (one PIN lock-out); the station screen drives it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import StringProperty

from kiosk.domain.basket import LimitExceeded
from kiosk.staff import StaffLocked, WrongPin
from plugins.handoff.errors import (
    ForgedTicket,
    HandOffError,
    NothingToHandOff,
    TicketAlreadyUsed,
    TicketExpired,
)
from plugins.handoff.ticket import HandOffTicket

if TYPE_CHECKING:
    from kiosk.ui.controller import Controller

log = logging.getLogger(__name__)

CONSOLE_MESSAGE_SECONDS = 60.0

#: what the shopper reads for a refused hand-off code (English msgids, translated)
ERROR_TEXT: dict[type, str] = {
    TicketExpired: "This payment slip has expired. Please ask staff to register the items again.",
    TicketAlreadyUsed: "This payment slip has already been paid.",
    ForgedTicket: "This payment slip cannot be read here. Please call staff.",
}
DEFAULT_ERROR = "This payment slip cannot be used. Please call staff."


def error_text(exc: BaseException) -> str:
    for kind, text in ERROR_TEXT.items():
        if isinstance(exc, kind):
            return text
    return DEFAULT_ERROR


def _handoff_plugin(runtime: Any) -> Any:
    try:
        from plugins.handoff.plugin import handoff_for

        return handoff_for(runtime)
    except (LookupError, AttributeError):
        return None


class SemiSelfModel(EventDispatcher):
    role = StringProperty("self")  # self | payment | station
    mode = StringProperty("open")  # open | paused | closed
    console_message = StringProperty("")
    # station
    step = StringProperty("sign_in")  # sign_in | register | result
    signed_in = StringProperty("")
    feedback = StringProperty("")
    handoff_where = StringProperty("")  # the payment kiosk the server chose
    handoff_code = StringProperty("")  # the signed basket, shown as a QR when on paper
    handoff_total = StringProperty("")
    slip_status = StringProperty("")

    def __init__(self, ctl: Controller, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl = ctl
        self.plugin = _handoff_plugin(ctl.runtime)
        self.station: Any = None
        self._message_event: Any = None
        if self.plugin is None or self.plugin.actions is None:
            return
        self.role = self.plugin.role.value
        self.mode = self.plugin.actions.mode.value
        self.plugin.actions.subscribe(self._notice)
        if self.plugin.actions.staff is not None:  # one PIN lock-out for overlay and actions
            ctl.flows.staff = self.plugin.actions.staff
        if self.is_station:
            from plugins.handoff.station import StaffStation

            self.station = StaffStation(
                ctl.runtime, self.plugin.keys, self.plugin.actions.staff, self.plugin.server
            )

    @property
    def is_station(self) -> bool:
        return self.role == "station"

    @property
    def is_open(self) -> bool:
        return self.mode == "open"

    # --- notices from the console (any thread) -------------------------------------------

    def _notice(self, notice: Any) -> None:
        Clock.schedule_once(lambda _dt: self.show_notice(notice), 0)

    def show_notice(self, notice: Any) -> None:
        """UI thread: a mode change, a message for the screen, or a receipt to reprint."""
        if notice.kind == "mode":
            self.mode = notice.text
        elif notice.kind == "message":
            self.console_message = notice.text
            if self._message_event is not None:
                self._message_event.cancel()
            self._message_event = Clock.schedule_once(
                lambda _dt: self.dismiss_message(), CONSOLE_MESSAGE_SECONDS
            )
        elif notice.kind == "reprint":
            self.ctl.run(lambda: self._print(list(notice.lines)))

    def dismiss_message(self) -> None:
        self.console_message = ""

    def _print(self, lines: list[str], qr: str | None = None) -> str:
        """Worker thread: to the printer if there is one; ``""`` when there is none."""
        printer = getattr(self.ctl.runtime.devices, "printer", None)
        if printer is None:
            log.info("no printer: %d lines not printed", len(lines))
            return ""
        printer.print_receipt(lines, qr=qr)
        return "printed"

    # --- payment kiosk -------------------------------------------------------------------

    def start(self) -> bool:
        """The shopper pressed "start"; True when handled here (closed, or a payment kiosk)."""
        ctl = self.ctl
        if not self.is_open:
            ctl.say(ctl.t("This checkout is closed. Please use another one."), error=True)
            return True
        if self.role != "payment" or self.plugin is None or self.plugin.receiver is None:
            return False
        receiver, runtime = self.plugin.receiver, ctl.runtime

        def take() -> HandOffTicket | None:
            ticket = receiver.on_start_tapped()
            if ticket is None and runtime.checkout.state.value == "idle":
                runtime.checkout.start()
            return ticket

        def done(ticket: HandOffTicket | None) -> None:
            if ticket is not None:
                ctl.say(ctl.t("Your items are ready. Please check them and pay."))
            ctl.screen = "shopping"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, HandOffError):
                ctl.say(ctl.t(error_text(exc)), error=True)
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
            ctl.say(ctl.t("Your items are ready. Please check them and pay."))
            ctl.screen = "shopping"
        elif isinstance(claim.payload, BaseException):
            text = ERROR_TEXT.get(type(claim.payload))
            if text is None and type(claim.payload) is not HandOffError:
                text = DEFAULT_ERROR
            shown = ctl.t(text) if text else ctl.claim_text(claim)
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

    def sign_out(self) -> None:
        self.ctl.run(self.station.sign_out)
        self.signed_in = ""
        self.feedback = ""
        self.step = "sign_in"

    def station_scan(self, scan: Any) -> None:
        ctl = self.ctl
        if not self.signed_in:
            ctl.say(ctl.t("Staff: sign in first"), error=True)
            return
        if self.step == "result":
            self.next_shopper()
        ctl.run(lambda: self.station.scan(scan.code), ctl._scanned)

    def add_plu(self, plu: str) -> None:
        ctl, runtime = self.ctl, self.ctl.runtime
        if not plu or not self.signed_in:
            return

        def add() -> None:
            if runtime.checkout.state.value == "idle":
                runtime.checkout.start()
            runtime.checkout.add_plu(plu)

        def failed(exc: BaseException) -> None:
            log.info("PLU %s refused: %s", plu, exc)
            if isinstance(exc, LimitExceeded):
                ctl.say(ctl.limit_text(exc), error=True)
                return
            ctl.say(ctl.t("No item has this PLU number."), error=True)

        ctl.run(add, failed=failed)

    def approve(self) -> None:
        self.ctl.run(self.station.approve_pending)

    def hand_off(self) -> None:
        ctl = self.ctl
        self.feedback = ""

        def send() -> tuple[Any, str]:
            if self.plugin is not None and self.plugin.server is not None:
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
                "printed": ctl.t("The slip is printing."),
                "failed": ctl.t("The printer needs attention. Show this QR code instead."),
            }.get(printed, "")
            self.step = "result"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NothingToHandOff):
                self.feedback = ctl.t("Scan the items first and finish any age check.")
            else:
                log.error("hand-off failed: %s", exc)
                self.feedback = ctl.t("Sorry, that did not work. Please try again or call staff.")

        ctl.run(send, done, failed)

    def next_shopper(self) -> None:
        self.handoff_where = self.handoff_code = self.handoff_total = self.slip_status = ""
        self.step = "register" if self.signed_in else "sign_in"
