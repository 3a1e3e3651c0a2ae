"""What the return screen shows, and the staff's actions on it (UI thread).

Every runtime call goes through ``ctl.run`` (the worker) to
:class:`kiosk.runtime.returns.KioskReturns`; nothing here touches the store or a device.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)

from kiosk import messages
from kiosk.domain.sale import document_line_name
from kiosk.domain.sale_reference import PREFIX
from kiosk.domain.scan import Scan

log = logging.getLogger(__name__)

DOMAIN = "kiosk.ui.returns"
IDLE_SECONDS = 120  # untouched this long, the return screen signs the staff out
SCREEN = "returns"

#: reason code → msgid (a store's own codes are shown as they are)
REASONS = {
    "changed_mind": "Changed mind",
    "wrong_item": "Wrong item",
    "damaged": "Damaged",
    "expired": "Past its date",
    "other": "Other reason",
}
#: why another kiosk's sale cannot be returned now (OnlyLocalSales.why) → msgid
ONLY_LOCAL = {
    "offline": "The back office cannot be reached, so only sales made on this kiosk can be "
    "returned now. Please try again later or use the kiosk the sale was made on.",
    "no_backoffice": "This kiosk has no back office, so only sales made on this kiosk can "
    "be returned here.",
    "receipt_offline": "The back office cannot be reached, so a receipt number of another "
    "kiosk cannot be looked up. Scan the code on the receipt, or make the return in the back "
    "office.",
}
PENDING_TEXT = (
    "The refund could not be confirmed. The return is kept pending: "
    "finish it with kiosk return --resume."
)
METHODS = {  # tender ids the receipt shows → msgid
    "cash": "Cash",
    "card": "Credit card",
    "emoney": "E-money (IC card)",
    "qr": "QR code payment",
}


def rt(msgid: str, language: str) -> str:
    """``msgid`` in ``language`` from this feature's own catalogue."""
    return messages.catalogue(DOMAIN, language).gettext(msgid)


class ReturnModel(EventDispatcher):
    stage = StringProperty("find")  # find | choose | weight | manager | done
    weighing = NumericProperty(0)  # the weighed line whose grams are being typed
    staff_id = StringProperty("")
    entry = StringProperty("")  # receipt number or amount typed on the pad
    entry_mode = StringProperty("receipt")  # receipt | store (any kiosk's) | amount
    feedback = StringProperty("")
    feedback_error = BooleanProperty(False)
    sale = DictProperty()  # receipt_no, completed_at, total, kiosk_id, local
    lines = ListProperty()  # one dict per returnable line
    found = ListProperty()  # search results: receipt_no, time, total (+ kiosk_id, any kiosk)
    reason = StringProperty("")
    reasons = ListProperty()
    refund_total = NumericProperty(0)
    result = DictProperty()  # return_no, total, tenders, printed
    busy = BooleanProperty(False)

    def __init__(self, ctl: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl = ctl
        self._account: Any = None
        self._approver: Any = None
        self._found: Any = None
        self._pending_code = ""
        self._document: dict[str, Any] = {}
        # a signed-in return screen left alone is closed: a shopper must never find it open
        self._idle = Clock.schedule_interval(self.check_idle, 5.0)

    def stop(self) -> None:
        """The app is closing: no more idle checks."""
        self._idle.cancel()

    def check_idle(self, *_args: Any) -> None:
        ctl = self.ctl
        waiting = ctl.screen == SCREEN and not self.busy and self.stage != "manager"
        if waiting and ctl.clock() - ctl.last_activity >= IDLE_SECONDS:
            self.close()

    # --- helpers -----------------------------------------------------------------------

    def rt(self, msgid: str, *_watch: Any) -> str:
        return rt(msgid, self.ctl.language)

    @property
    def flow(self) -> Any:
        from kiosk.runtime.returns import kiosk_returns

        return kiosk_returns(self.ctl.runtime)

    def say(self, msgid: str, error: bool = False, **params: Any) -> None:
        self.feedback = self.rt(msgid).format(**params) if msgid else ""
        self.feedback_error = error

    # --- in and out --------------------------------------------------------------------

    def open(self, code: str = "") -> None:
        """Staff sign in on the staff overlay (mode ``returns``), then the return screen.
        ``code``: a receipt's SR1 code already scanned (looked up once signed in)."""
        self._pending_code = code
        self.ctl.flows.open_staff("returns")

    def wants(self, scan: Scan) -> bool:
        """A receipt code scanned where no shopper is mid-sale (the start screen), or any
        scan while the return screen is up: it is the return's, not the basket's."""
        code = scan.code.strip()
        if self.ctl.screen == SCREEN:
            if self.stage == "find":
                self.find(code)
            return True
        if code.upper().startswith(PREFIX + ":") and self.ctl.screen == "attract":
            self.open(code)
            return True
        return False

    def sign_in(self, staff_id: str, pin: str) -> None:
        """The overlay's ID and PIN, checked for ``[returns] role`` (worker thread)."""
        ctl = self.ctl
        ctl.staff_feedback = ctl.t("Checking…")

        def done(account: Any) -> None:
            ctl.staff_feedback, ctl.staff_mode = "", ""
            self._account, self.staff_id = account, account.staff_id
            self.reasons = self.flow.reasons
            self._reset_sale()
            self.stage = "find"
            ctl.screen = SCREEN
            if self._pending_code:
                code, self._pending_code = self._pending_code, ""
                self.find(code)

        ctl.run(lambda: self.flow.sign_in(staff_id, pin), done, self._staff_failed)

    def _staff_failed(self, exc: BaseException) -> None:
        from kiosk.staff import NotAllowed, StaffLocked, WrongPin

        ctl = self.ctl
        if isinstance(exc, StaffLocked):
            ctl.staff_feedback = ctl.t("Too many wrong PINs. The PIN pad is locked.")
        elif isinstance(exc, WrongPin):
            ctl.staff_feedback = ctl.t("Wrong staff ID or PIN.")
        elif isinstance(exc, NotAllowed):
            ctl.staff_feedback = self.rt("Your role may not make returns.")
        else:
            log.error("return sign-in failed: %s", exc)
            ctl.staff_feedback = self.rt("Something went wrong. Please try again.")

    def close(self) -> None:
        """Leave the return screen (signed out); back to the start screen or the station."""
        self._account = self._approver = None
        self.staff_id = ""
        self._reset_sale()
        self.ctl.screen = self.ctl.home_screen  # the start screen, or a station's own

    def _reset_sale(self) -> None:
        self._found, self._approver, self._document = None, None, {}
        self.sale, self.lines, self.found, self.result = {}, [], [], {}
        self.entry, self.entry_mode, self.reason, self.refund_total = "", "receipt", "", 0
        self.say("")

    def new_return(self) -> None:
        self._reset_sale()
        self.stage = "find"

    # --- finding the sale --------------------------------------------------------------

    def type_key(self, value: str) -> None:
        self.entry = value

    def set_entry_mode(self, mode: str) -> None:
        self.entry_mode, self.entry, self.found = mode, "", []

    def submit_entry(self) -> None:
        if not self.entry:
            self.say("Scan the receipt's code, or type its receipt number.", error=True)
            return
        if self.entry_mode == "amount":
            self.search(int(self.entry))
        elif self.entry_mode == "store":
            self.find_in_store(int(self.entry))
        else:
            self.find(self.entry)

    def find(self, text: str) -> None:
        self.say("Looking for the sale…")
        self.busy = True
        flow = self.flow

        def job() -> tuple[Any, dict[int, int]]:
            found = flow.find(text)
            return found, flow.returnable(found)

        self.ctl.run(job, self._found_sale, self._find_failed)

    def find_in_store(self, receipt_no: int, kiosk_id: str = "") -> None:
        """Any kiosk's sale by the receipt number typed, asked of the back office; when
        several kiosks have it, staff choose one of them (``found`` with their kiosk)."""
        if not kiosk_id:  # a new number typed: the last number's candidates go
            self.found = []
        self.say("Looking for the sale…")
        self.busy = True
        flow = self.flow

        def job() -> tuple[Any, dict[int, int]]:
            found = flow.find_in_store(receipt_no, kiosk_id)
            return found, flow.returnable(found)

        self.ctl.run(job, self._found_sale, self._find_failed)

    def search(self, amount: int) -> None:
        self.busy = True

        def done(sales: list[dict[str, Any]]) -> None:
            self.busy = False
            self.found = [
                {
                    "receipt_no": int(s["receipt_no"]),
                    "time": str(s["completed_at"])[11:16],
                    "total": int(s["total"]),
                }
                for s in sales
            ]
            if not sales:
                self.say("No sale of that amount today on this kiosk.", error=True)
            else:
                self.say("Choose the sale.")

        self.ctl.run(lambda: self.flow.search(amount), done, self._find_failed)

    def _found_sale(self, pair: tuple[Any, dict[int, int]]) -> None:
        found, left = pair
        self.busy = False
        self._found = found
        sale = found.sale
        paid = {int(a["line_id"]): int(a["paid"]) for a in sale.get("allocation") or ()}
        language = self.ctl.language
        rows = []
        for line in sale.get("lines", []):
            line_id = int(line["line_id"])
            if line.get("voided") or line_id not in left:
                continue
            weighed = line.get("weight_g") is not None
            name = document_line_name(line, language)
            rows.append(
                {
                    "line_id": line_id,
                    "name": str(name or line.get("name_ja") or line["sku"]),
                    "sold": int(line["weight_g"] if weighed else line["quantity"]),
                    "left": int(left[line_id]),
                    "chosen": 0,
                    "weighed": weighed,
                    "paid": paid.get(line_id, int(line["amount"])),
                    "reduced": line.get("tax") == "reduced",
                }
            )
        self.lines = rows
        self.sale = {
            "receipt_no": int(sale["receipt_no"]),
            "completed_at": str(sale["completed_at"])[:16].replace("T", " "),
            "total": int(sale["total"]),
            "kiosk_id": str(sale.get("kiosk_id") or ""),
            "local": found.local,
        }
        self.reason = self.reasons[0] if self.reasons else ""
        self.refund_total = 0
        self.stage = "choose"
        self._say_what_to_choose()

    def _say_what_to_choose(self) -> None:
        """The choose stage's instruction (on arriving, and back from the weight step)."""
        if not any(row["left"] for row in self.lines):
            self.say("Everything on this receipt has been returned already.", error=True)
        elif self._found is None or self._found.local:
            self.say("Choose what comes back.")
        else:
            self.say("A sale of another kiosk: the refund is paid in cash here.")

    def _find_failed(self, exc: BaseException) -> None:
        from kiosk.domain.sale_reference import InvalidSaleReference
        from kiosk.runtime.return_lookup import BadAnswer, RemoteSaleNotFound, SeveralSales
        from kiosk.runtime.returns import OnlyLocalSales, SaleNotFound

        self.busy = False
        log.warning("return: sale not found: %s", exc)
        if isinstance(exc, SeveralSales):
            self.found = [
                {
                    "receipt_no": c.receipt_no,
                    "kiosk_id": c.kiosk_id,
                    "time": c.completed_at[:16].replace("T", " "),
                    "total": c.total,
                }
                for c in exc.candidates
            ]
            self.say("Several kiosks have a sale with this receipt number. Choose the sale.")
        elif isinstance(exc, OnlyLocalSales):
            self.say(ONLY_LOCAL.get(exc.why, ONLY_LOCAL["offline"]), error=True)
        elif isinstance(exc, InvalidSaleReference):
            self.say("That receipt code could not be read. Please scan it again.", error=True)
        elif isinstance(exc, SaleNotFound | RemoteSaleNotFound):
            self.say("No sale with that receipt was found.", error=True)
        elif isinstance(exc, BadAnswer):
            self.say("The back office sent an answer we cannot use. Staff: see the log.", True)
        else:
            self.say("Something went wrong. Please try again.", error=True)

    # --- choosing ----------------------------------------------------------------------

    def change(self, line_id: int, delta: int) -> None:
        """+1/−1 of a piece; a weighed line goes all (its weight left) or nothing."""
        rows = []
        for row in self.lines:
            if row["line_id"] == line_id:
                step = row["left"] if row["weighed"] else 1
                chosen = max(0, min(row["left"], row["chosen"] + delta * step))
                row = {**row, "chosen": chosen}
            rows.append(row)
        self.lines = rows
        self._preview()

    def ask_weight(self, line_id: int) -> None:
        """A weighed line: staff type the grams that come back (stage ``weight``)."""
        self.weighing, self.entry = line_id, ""
        self.stage = "weight"

    def set_weight(self, grams: int) -> None:
        """The grams typed for the line being weighed, up to what is still returnable."""
        line_id, self.weighing = self.weighing, 0
        row = next((r for r in self.lines if r["line_id"] == line_id), None)
        self.stage = "choose"
        if row is None:
            return
        if not 0 <= grams <= row["left"]:
            self.say("More than is still returnable was chosen.", error=True)
            return
        self.lines = [{**r, "chosen": grams} if r is row else r for r in self.lines]
        self._say_what_to_choose()
        self._preview()

    def choose_reason(self, reason: str) -> None:
        self.reason = reason

    def chosen(self) -> dict[int, int]:
        return {row["line_id"]: row["chosen"] for row in self.lines if row["chosen"]}

    def _preview(self) -> None:
        """The refund of what is chosen, as the return would make it (allocation, rates)."""
        chosen, found = self.chosen(), self._found
        if not chosen:
            self.refund_total = 0
            return
        reason = self.reason or (self.reasons[0] if self.reasons else "")

        def job() -> int:
            return self.flow.preview(found, chosen, reason)

        def done(total: int) -> None:
            self.refund_total = total

        self.ctl.run(job, done, self._refund_failed)

    # --- refunding ---------------------------------------------------------------------

    def refund(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.say("Choose at least one item to return.", error=True)
            return
        found, account, approver, reason = self._found, self._account, self._approver, self.reason
        flow = self.flow
        self.busy = True
        self.say("Refunding…")

        def job() -> tuple[Any, str]:
            plan = flow.plan(found, chosen, reason, account, approver)
            result = flow.make(found, plan)
            try:
                how = flow.print_receipt(result.document)
            except Exception as exc:  # the refund is made; the paper can be printed again
                log.warning("return receipt not printed: %s", exc)
                how = "failed"
            return result, how

        self.ctl.run(job, self._refunded, self._refund_failed)

    def _refunded(self, pair: tuple[Any, str]) -> None:
        result, how = pair
        self.busy = False
        document = result.document
        self._document = document
        self.result = {
            "return_no": int(document["receipt_no"]),
            "total": -int(document["total"]),
            "tenders": [(str(t["method"]), -int(t["amount"])) for t in document["tenders"]],
            "printed": how,
            "problems": list(result.problems),
        }
        self.stage = "done"
        if how == "failed":
            self.say("The printer needs attention. Print the return receipt again.", True)
        elif result.problems:
            self.say("The changer paid out short: pay the rest from the till.", error=True)
        else:
            self.say("")

    def _refund_failed(self, exc: BaseException) -> None:
        from kiosk.domain.returns import OverReturn, ReturnError
        from kiosk.runtime.returns import NeedsManager, RefundUnresolved

        self.busy = False
        if isinstance(exc, NeedsManager):
            self.stage = "manager"
            self.say("This refund is above the limit: a manager must approve it.", error=True)
        elif isinstance(exc, OverReturn):
            self.say("More than is still returnable was chosen.", error=True)
        elif isinstance(exc, RefundUnresolved):
            log.error("return pending: %s", exc)
            self.say(PENDING_TEXT, error=True)
        elif isinstance(exc, ReturnError):
            self.say("This return cannot be made as chosen.", error=True)
        else:
            log.error("return failed: %s", exc)
            self.say("Something went wrong. Please try again.", error=True)

    def manager_pin(self, staff_id: str, pin: str) -> None:
        """A manager approves the refund above the limit, then it is made."""

        def done(account: Any) -> None:
            self._approver = account
            self.stage = "choose"
            self.refund()

        def failed(exc: BaseException) -> None:
            self.say("A manager's ID and PIN are needed.", error=True)
            log.warning("return approval refused: %s", exc)

        self.ctl.run(lambda: self.flow.approve(staff_id, pin), done, failed)

    def cancel_manager(self) -> None:
        self.stage = "choose"
        self.say("")

    def print_again(self) -> None:
        document = self._document
        if not document:
            return

        def done(how: str) -> None:
            self.result = {**self.result, "printed": how}
            self.say("")

        def failed(exc: BaseException) -> None:
            log.warning("return receipt not printed: %s", exc)
            self.say("The printer needs attention. Print the return receipt again.", True)

        self.ctl.run(lambda: self.flow.print_receipt(document), done, failed)
