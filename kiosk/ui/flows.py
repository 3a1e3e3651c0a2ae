"""Payment, receipt, staff and inactivity flows of the :class:`Controller`.

Kept apart from the controller's basket handling so each module stays small; they set the
controller's properties and run runtime calls through its worker, nothing else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

from kiosk.domain.languages import LANGUAGES
from kiosk.payments.errors import MethodUnavailable
from kiosk.payments.method import Outcome
from kiosk.runtime.runtime import PaymentFailed
from kiosk.staff import NotAllowed, Role, StaffLocked, WrongPin, kiosk_staff
from kiosk.ui.payment_state import PaymentModel
from kiosk.ui.receipt_output import (
    deliver_receipt,
    ereceipt_link,
    printer_fault_text,
    public_base,
)

if TYPE_CHECKING:
    from kiosk.ui.controller import Controller

log = logging.getLogger(__name__)

_FAILURE_TEXT = {
    Outcome.DECLINED: "The payment was declined. Please try again or choose another method.",
    Outcome.CANCELLED: "The payment was cancelled. Nothing was charged.",
    Outcome.UNKNOWN: "We could not confirm the payment. Staff have been called.",
}
# a method that gave up waiting for the shopper (the shopper did not press Cancel)
TIMED_OUT_TEXT = {
    "emoney": "No card was touched, so nothing was charged. "
    "To pay by e-money, press Try again and touch your card on the reader.",
    "qr": "No payment code was scanned, so nothing was charged. "
    "Press Try again, then show your app's code to the scanner.",
    "qr-merchant": "The code was not paid in time, so nothing was charged. "
    "Press Try again for a new code.",
    "cash": "Not enough cash was put in, so nothing was charged. "
    "Please take your money from the cash tray.",
}
#: where a paid shopper chooses paper, an e-receipt code or none
RECEIPT_CHOICE_SCREENS = ("receipt", "ereceipt")
SHOPPER_CANCELLED_TEXT = "Payment cancelled. Nothing was charged."
CASH_RETURNED_TEXT = "Payment cancelled. Please take your {amount} from the cash tray."
START_FAILED_TEXT = "The payment could not start. Please call staff."
# the method's own payment service stopped answering after its tile was shown
UNAVAILABLE_TEXT = "This way to pay cannot be used right now (the payment service is not answering). Nothing was charged. Please choose another way to pay."


class Flows:
    def __init__(self, ctl: Controller) -> None:
        self.ctl = ctl
        self.payment = ctl.payment = PaymentModel()
        self.staff = kiosk_staff(ctl.runtime)  # the kiosk's one PIN lock-out
        self.last_sale: Any = None
        self._thanks_event: Any = None
        self._finishing = False  # a paid sale left at the receipt choice is being finished
        self._inserted_seen = 0  # cash in at the last inactivity check (more: not gone)
        self._inactivity = Clock.schedule_interval(self.check_inactivity, 1.0)

    # --- payment -----------------------------------------------------------------------

    def open_payment(self) -> None:
        ctl = self.ctl
        ctl.activity()
        if not ctl.rows:
            ctl.say(ctl.t("Scan an item first"), error=True)
            return

        runtime = ctl.runtime

        def both() -> tuple[list[Any], list[Any]]:
            return runtime.payment_methods(), runtime.methods_unavailable()

        def listed(found: tuple[list[Any], list[Any]]) -> None:
            methods, held = found
            ctl.methods = [
                {
                    "id": m.id,
                    "icon": m.icon,
                    "icon_image": str(getattr(m, "icon_image", "") or ""),
                    "names": m.names(),  # the plugin's own catalogue, every language
                }
                for m in methods
            ]
            ctl.methods_offline = [m.names() for m in held]  # the screen says why they are gone
            ctl.pay_error = ""
            ctl.screen = "methods"

        ctl.run(both, listed)

    def pay(self, method_id: str) -> None:
        ctl = self.ctl
        ctl.activity()
        self.payment.begin(method_id)
        ctl.pay_method, ctl.pay_error, ctl.pay_busy = method_id, "", True
        ctl.screen = "paying"
        ctl.run(lambda: ctl.runtime.pay(method_id), self._paid, self._pay_failed)

    def retry(self) -> None:
        self.pay(self.ctl.pay_method)

    def progress(self, progress: Any) -> None:
        """The runtime's :class:`PaymentProgress` (any thread) → the paying screen."""
        self.payment.report(progress)

    def payment_scan(self, scan: Any) -> None:
        """A scan while paying goes to the payment (a QR wallet code), never the basket."""
        # taken or not, no banner: it would cover the receipt screen's headline a moment
        # later; the status line says "code read" (the method's progress)
        if self.ctl.pay_busy:
            self.ctl.runtime.payment_scan(scan)

    def _paid(self, sale: Any) -> None:
        ctl = self.ctl
        ctl.pay_busy = False
        self.payment.begin("")  # paid: no code or cash figures left for the next payment
        if sale is None:  # split tender: more is due
            self.open_payment()
            return
        self.last_sale = sale
        self._finishing = False
        ctl.activity()  # cash goes in without a touch: the receipt choice gets its own time
        ctl.message = ""  # a basket's banner (a coupon taken…) would cover "payment complete"
        # yen amounts, formatted by the receipt screen in the language shown at the time
        ctl.sale = {
            "sale_id": sale.sale_id,
            "receipt_no": sale.receipt_no,
            "total": sale.totals.total,
            "paid": sum(t.tendered or t.amount for t in sale.tenders),
            "cash": any(t.tendered for t in sale.tenders),
            "change": sale.change,
            "methods": [{lang: t.name(lang) for lang in LANGUAGES} for t in sale.tenders],
        }
        # signed and expiring when the kiosk has a back office (the page is served there)
        template = ctl.settings.ereceipt_url
        signed = ereceipt_link(ctl.runtime, sale, public_base(template))
        ctl.ereceipt_url = signed or template.format(sale_id=sale.sale_id)
        ctl.receipt_status = ""
        ctl.screen = "receipt"
        for listener in ctl.paid_listeners:  # plugin screens (loyalty: the points earned)
            listener(sale)

    def _pay_failed(self, exc: BaseException) -> None:
        ctl, payment = self.ctl, self.payment
        ctl.pay_busy = False
        payment.waiting = False
        # the shopper was at the terminal or reader: the failure gets the whole walk-away time
        ctl.activity()
        if isinstance(exc, MethodUnavailable):
            log.warning("payment not started: %s", exc)  # staff detail: what is down
            ctl.pay_error = UNAVAILABLE_TEXT
            return
        if not isinstance(exc, PaymentFailed):
            log.error("payment could not start: %s", exc)
            ctl.pay_error = START_FAILED_TEXT
            return
        outcome = exc.result.outcome
        if outcome is Outcome.CANCELLED and payment.cancelling:
            self._back_to_basket(exc.result.change)  # cash: what the changer gave back
            return
        key = f"{exc.method}-merchant" if payment.code else exc.method
        payment.code = ""  # the provider has withdrawn it: never leave it up to be scanned
        # message ids: the screen translates them, also after a language change
        if outcome is Outcome.CANCELLED and key in TIMED_OUT_TEXT:
            ctl.pay_error = TIMED_OUT_TEXT[key]
        else:
            ctl.pay_error = _FAILURE_TEXT.get(outcome, _FAILURE_TEXT[Outcome.DECLINED])

    def cancel_payment(self) -> None:
        """Cancel: while the method waits for the shopper, stop it (the failure then brings
        the shopper back to the basket); with no payment call running, straight back."""
        ctl = self.ctl
        if ctl.pay_busy:
            if self.payment.waiting and ctl.runtime.interrupt_payment():
                self.payment.cancelling, self.payment.waiting = True, False
            return  # otherwise not safe: the terminal/changer is mid-transaction
        self._back_to_basket(0)

    def _back_to_basket(self, returned: int) -> None:
        ctl = self.ctl
        shopper_cancelled = self.payment.cancelling

        def back(_r: Any) -> None:
            self.payment.begin("")
            ctl.screen = "shopping"
            if returned:
                ctl.say(ctl.t(CASH_RETURNED_TEXT).format(amount=ctl.yen(returned)))
            elif shopper_cancelled:
                ctl.say(ctl.t(SHOPPER_CANCELLED_TEXT))

        # the runtime checks the checkout's own state (ctl.state may be a snapshot from
        # before the payment)
        ctl.run(ctl.runtime.leave_payment, back)

    # --- receipt -----------------------------------------------------------------------

    def print_receipt(self, with_ereceipt: bool = False) -> None:
        """Print; ``with_ereceipt`` (paper too, from the e-receipt screen) adds its QR code."""
        ctl, sale = self.ctl, self.last_sale
        link = ctl.ereceipt_url if with_ereceipt and ctl.ereceipt_url else None
        ctl.receipt_status = ctl.t("Printing…")

        def printed(_how: str) -> None:
            self.finish("Please take your receipt.")

        def failed(exc: BaseException) -> None:
            ctl.receipt_status = ctl.t("The printer needs attention. Staff have been told.")
            log.warning("receipt %s not printed: %s", sale.sale_id, exc)
            ctl.problems.append(
                {"shopper": ctl.receipt_status, "staff": printer_fault_text(ctl.t, exc)}
            )

        ctl.run(lambda: deliver_receipt(ctl.runtime, sale, e_receipt_url=link), printed, failed)

    def show_ereceipt(self) -> None:
        self.ctl.screen = "ereceipt"

    def finish(self, farewell: str = "") -> None:
        ctl = self.ctl
        ctl.receipt_status = ctl.t(farewell) if farewell else ""

        def done(_r: Any) -> None:
            ctl.screen = "thanks"
            if self._thanks_event is not None:
                self._thanks_event.cancel()
            self._thanks_event = Clock.schedule_once(self.to_attract, ctl.settings.thanks_seconds)

        ctl.run(ctl.runtime.finish, done)

    def to_attract(self, *_args: Any) -> None:
        if self.ctl.screen == "thanks":
            self.next_shopper()

    def next_shopper(self, *_args: Any) -> None:
        """The attract screen with the store's defaults, whichever way the last shopper left
        (paid, stopped shopping, walked away, voided by staff): the next one starts in the
        store's language and normal text, not in the last shopper's."""
        ctl = self.ctl
        ctl.screen = "attract"
        ctl.large_text = False
        if ctl.language != ctl.runtime.config.language:
            ctl.language = ctl.runtime.config.language
            ctl.run(lambda: ctl.runtime.set_language(ctl.language))

    # --- staff -------------------------------------------------------------------------

    def open_staff(self, mode: str = "attendant") -> None:
        self.ctl.staff_feedback = ""
        self.ctl.staff_mode = mode

    def close_staff(self) -> None:
        self.ctl.staff_mode = ""

    def unlock(self, staff_id: str, pin: str) -> None:
        """Check the PIN and do what the overlay is open for; audited. UI thread."""
        ctl = self.ctl
        mode = ctl.staff_mode or "attendant"
        if mode == "returns":  # the return screen checks its own role ([returns] role)
            ctl.returns.sign_in(staff_id, pin)
            return
        needs = Role.MANAGER if mode == "exit" else Role.ATTENDANT
        reasons = [a["reason"] for a in ctl.attendant]
        ctl.staff_feedback = ctl.t("Checking…")

        def check_and_act() -> str:
            account = self.staff.check(staff_id, pin, needs)
            ctl.runtime.audit_staff(
                account, mode, {"reasons": reasons, "sale_id": ctl.runtime.sale_id}
            )
            # staff at the kiosk for a 領収書 reprint also answer the call that brought them
            if mode in ("attendant", "formal"):
                approve = (
                    ctl.runtime.approve_while_paying if beside else ctl.runtime.approve_if_waiting
                )
                approve(account.staff_id)
            return account.staff_id

        def done(staff_id: str) -> None:
            ctl.staff_feedback = ""
            ctl.staff_mode = ""
            if mode == "exit" and ctl.on_exit is not None:
                ctl.on_exit()
            elif mode == "formal":  # 領収書 reprint for a past sale (screens/formal_receipt)
                ctl.formal_receipt.open_reprint(back_to=ctl.screen)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaffLocked):
                ctl.staff_feedback = ctl.t("Too many wrong PINs. The PIN pad is locked.")
            elif isinstance(exc, WrongPin):
                ctl.staff_feedback = ctl.t("Wrong staff ID or PIN.")
            elif isinstance(exc, NotAllowed):
                ctl.staff_feedback = ctl.t("A manager PIN is needed for this.")
            else:
                ctl.staff_feedback = str(exc)

        # cash left in the changer: the deposit still waits, holding the worker and the sale
        # lock, so staff answer its call beside it (else the PIN pad would wait for them)
        beside = ctl.pay_busy
        if beside:
            _beside_payment(check_and_act, done, failed)
        else:
            ctl.run(check_and_act, done, failed)

    # --- inactivity --------------------------------------------------------------------

    def check_inactivity(self, *_args: Any) -> None:
        ctl, settings = self.ctl, self.ctl.settings
        if ctl.state == "paid" and ctl.screen in (*RECEIPT_CHOICE_SCREENS, "formal_receipt"):
            self._finish_when_gone()
            return
        # while a payment runs, ctl.state is the snapshot from before it ("shopping")
        if ctl.screen == "paying" and (ctl.state == "paying" or ctl.pay_busy):
            self._paying_when_gone()
            return
        # a member card scanned with nothing bought yet (at the attract screen too): left
        # there, the next shopper would shop as that member and see their points
        member_waiting = (
            ctl.state == "idle"
            and ctl.snapshot is not None
            and ctl.snapshot.member
            and ctl.screen in ("attract", *ctl.shopper_screens)
        )
        # the method tiles too: a basket left there would be the next shopper's to pay
        if not member_waiting and (
            ctl.state != "shopping" or ctl.screen not in (*ctl.shopper_screens, "methods")
        ):
            ctl.still_there = False
            return
        idle = ctl.clock() - ctl.last_activity
        if member_waiting:  # no basket to put aside, so no "still there?" about one
            ctl.still_there = False
            if idle >= settings.inactivity_seconds + settings.still_there_seconds:
                ctl.last_activity = ctl.clock()
                ctl.cancel_sale()  # the member is let go
            return
        if idle < settings.inactivity_seconds:
            ctl.still_there = False
            return
        left = settings.inactivity_seconds + settings.still_there_seconds - idle
        ctl.still_there, ctl.still_there_left = True, max(0, int(left))
        if left <= 0:
            self.suspend("inactivity")

    def _paying_when_gone(self) -> None:
        """The paying screen, nobody touching it. After a decline or a method that gave up
        waiting (no payment call running) the basket would stay there for the next shopper:
        "still there?", then it is put aside as on the method tiles (approved partial
        tenders voided, nothing charged again). Cash partly put in (the deposit still
        waits): "still there?", then staff are called with the amount, once; the changer
        keeps the money until staff decide (give it back, or the rest is put in)."""
        ctl, settings = self.ctl, self.ctl.settings
        # short of the amount (covered: the change is being paid out, not for staff)
        cash_in = ctl.pay_busy and 0 < self.payment.inserted < self.payment.due
        if cash_in and self.payment.inserted != self._inserted_seen:
            ctl.activity()  # a note or coin going in is the shopper at work, not gone
        self._inserted_seen = int(self.payment.inserted)
        if ctl.pay_busy and not cash_in:  # a terminal or wallet at work: its own deadline
            ctl.still_there = False
            return
        idle = ctl.clock() - ctl.last_activity
        if idle < settings.inactivity_seconds:
            ctl.still_there = False
            return
        left = settings.inactivity_seconds + settings.still_there_seconds - idle
        ctl.still_there, ctl.still_there_left = True, max(0, int(left))
        if left > 0:
            return
        ctl.still_there = False
        ctl.last_activity = ctl.clock()
        if cash_in:
            # not through the worker: the cash payment keeps it (and the sale lock) busy
            ctl.runtime.cash_left_for_staff(int(self.payment.inserted))
            return

        def put_aside(row_id: int | None) -> None:
            if row_id is not None:  # else a void was not confirmed: staff's, overlay shown
                self.next_shopper()

        ctl.run(lambda: ctl.runtime.put_aside_from_payment("inactivity"), put_aside)

    def _finish_when_gone(self) -> None:
        """Paid, and nobody has chosen a receipt for the inactivity and "still there?" time:
        the sale is kept as it is; finish it without paper so that the next shopper does not
        find this one's total, change or e-receipt code. Not while a receipt is printing or
        after it failed (its status line is set): that is for staff, who have been told. The
        領収書 screen likewise (the addressee half typed is the shopper's, gone with them)."""
        ctl, settings = self.ctl, self.ctl.settings
        ctl.still_there = False
        if ctl.receipt_status or self._finishing:
            return
        formal = getattr(ctl, "formal_receipt", None)  # 領収書: printing, or the printer failed
        if ctl.screen == "formal_receipt" and formal is not None and formal.held():
            return
        if ctl.clock() - ctl.last_activity >= settings.inactivity_seconds + (
            settings.still_there_seconds
        ):
            self._finishing = True
            self.finish()

    def suspend(self, reason: str) -> None:
        ctl = self.ctl
        ctl.still_there = False
        ctl.last_activity = ctl.clock()

        ctl.run(lambda: ctl.runtime.suspend(reason), self.next_shopper)


def _beside_payment(
    job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
) -> None:
    """``job`` on a thread of its own while the runtime worker is held by a payment that
    waits for the shopper; ``done``/``failed`` on the UI thread."""

    def run() -> None:
        try:
            result = job()
        except Exception as exc:  # shown on the PIN pad, as the worker's failures are
            Clock.schedule_once(lambda _dt, error=exc: failed(error))
            return
        Clock.schedule_once(lambda _dt: done(result))

    threading.Thread(target=run, name="kiosk-staff-beside-payment", daemon=True).start()
