"""Tax-free shopping (免税): what is needed, the passport MRZ or a Visit Japan Web QR, the result.

:class:`TaxFreeModel` (``ctl.taxfree``) holds what the shopping, tax-free and receipt
screens show and talks to the plugin's desk (``plugins.tax_free.desk_for(runtime)``) through
the controller's worker. It is ``available`` only when the store enabled the plugin.

Passport readers type the two MRZ lines like a keyboard-wedge scanner: each line ends in
Enter, so each arrives as its own scan. :meth:`TaxFreeModel.intercept` (the controller's
scan interceptor) feeds them to the plugin's ``MrzLineAssembler`` and presents the pair;
a VJW code is presented directly. Both also open the tax-free screen from the shopping,
look-up or member screens.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.ui.shown_box import ShownBox  # noqa: F401  (used by the kv rules)
from kiosk.ui.widgets import KioskScreen

log = logging.getLogger(__name__)

TAXFREE_SCREENS = ("shopping", "lookup", "code", "taxfree")

# What the screen says for each state (msgids; translated when shown).
WAITING = (
    "Place your passport photo page on the passport reader, or show your Visit Japan Web "
    "tax-free QR code to the scanner."
)
READY = "Tax-free is ready. Scan your items and pay as usual."
NEED_LANDING = (
    "Enter your landing date (the date on the landing sticker or stamp in your passport), "
    "then choose your status of residence."
)
NEED_PROOF = "Japanese nationals living abroad need a proof of residence abroad. Please call staff."
EXPIRED = "Your passport has expired. Tax-free shopping needs a valid passport."
RESIDENT = "Tax-free shopping is only for visitors staying in Japan for less than six months."
NOT_ELIGIBLE = "Tax-free shopping is not possible with this document. You can still shop as usual."
CHECK_DIGIT = (
    "The passport could not be checked (check digit error). Please scan it again; "
    "if it fails twice, call staff."
)
UNREADABLE = "The passport or QR code could not be read. Please try again."
COUNTER = "Please go to the staffed tax-free counter."
UNAVAILABLE = "Tax-free shopping is not available at this checkout."
BAD_DATE = "Please enter the landing date as 8 digits: year, month, day."


def _desk_for(runtime: Any) -> Any:
    """The plugin's desk, or None when the plugin is not installed, loaded or enabled."""
    try:
        from plugins.tax_free import desk_for
        from plugins.tax_free.errors import TaxFreeError
    except ImportError:
        return None
    try:
        return desk_for(runtime)
    except (TaxFreeError, ValueError):
        return None


def refused_text(message_en: str) -> str:
    """The refused status only carries the plugin's English reason: pick our message."""
    text = message_en.lower()
    if "expired" in text:
        return EXPIRED
    if "resident" in text:
        return RESIDENT
    return NOT_ELIGIBLE


class TaxFreeModel(EventDispatcher):
    available = BooleanProperty(False)
    state = StringProperty(
        "off"
    )  # off | waiting_for_document | needs_information | ready | refused
    missing = StringProperty("")
    message = StringProperty("")  # a msgid: translated by the kv rule
    error = BooleanProperty(False)
    buyer_name = StringProperty("")
    minimum = NumericProperty(0)
    reading = BooleanProperty(False)  # the first MRZ line arrived, waiting for the second

    def __init__(self, ctl: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl = ctl
        self.desk = _desk_for(ctl.runtime)
        self.available = self.desk is not None
        self.assembler: Any = None
        if self.desk is not None:
            from plugins.tax_free.mrz_reader import MrzLineAssembler

            self.assembler = MrzLineAssembler()
            self.minimum = self.desk.settings.minimum_purchase_excl_tax
        ctl.bind(state=self._checkout_state)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    # --- shopper actions -----------------------------------------------------------------

    def open(self) -> None:
        """The "Tax-free shopping" button."""
        ctl = self.ctl
        ctl.activity()
        if self.desk is None:
            self._show("off", UNAVAILABLE, error=True)
            ctl.say(ctl.t(UNAVAILABLE), error=True)
            return
        ctl.screen = "taxfree"
        if self.state in ("off", "refused"):
            self.message, self.error = "", False
            ctl.run(self.desk.start, self._status, self._failed)

    def back(self) -> None:
        self.ctl.go("shopping")

    def stop(self) -> None:
        """Leave tax-free mode: the sale goes on as an ordinary (taxed) one."""
        self.ctl.activity()
        if self.desk is not None:
            self.ctl.run(self.desk.cancel)
        self._reset()
        self.ctl.go("shopping")

    def provide_landing(self, digits: str, status: str) -> None:
        from plugins.tax_free.buyer import ResidenceStatus

        self.ctl.activity()
        try:
            landing = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            self.message, self.error = BAD_DATE, True
            return
        desk = self.desk
        self.ctl.run(
            lambda: desk.provide_landing(landing, ResidenceStatus(status)),
            self._status,
            self._failed,
        )

    # --- scans ---------------------------------------------------------------------------

    def intercept(self, scan: Any) -> bool:
        """Take passport MRZ lines and VJW codes; True if the scan was ours (UI thread)."""
        if self.desk is None or self.ctl.screen not in TAXFREE_SCREENS:
            return False
        from plugins.tax_free import vjw
        from plugins.tax_free.mrz_reader import TD3_LINE, td3_lines

        code = scan.code.strip()
        desk = self.desk
        if vjw.is_vjw_code(code):
            self._present(lambda: desk.present_vjw(code))
            return True
        both = td3_lines(code.upper())
        if both is not None:
            self._present(lambda: desk.present_mrz("\n".join(both)))
            return True
        if not TD3_LINE.match(code.upper()):
            return False
        lines = self.assembler.feed(code + "\r")
        if lines is None:
            self.reading = code.upper().startswith("P")
            if self.reading:
                self.ctl.screen = "taxfree"
            return True
        self.reading = False
        self._present(lambda: desk.present_mrz("\n".join(lines)))
        return True

    def _present(self, job: Any) -> None:
        self.ctl.activity()
        self.ctl.screen = "taxfree"
        self.message, self.error = "", False
        self.ctl.run(job, self._status, self._failed)

    # --- results (UI thread) -------------------------------------------------------------

    def _status(self, status: Any) -> None:
        state = str(status.state)
        self.missing = status.missing
        self.buyer_name = status.buyer_name
        self.minimum = status.minimum
        if state == "waiting_for_document":
            self._show(state, WAITING)
        elif state == "ready":
            self._show(state, READY)
        elif state == "needs_information":
            if status.missing in ("landing_date", "residence_status"):
                self._show(state, NEED_LANDING)
            else:
                self._show(state, NEED_PROOF, error=True)
        elif state == "refused":
            self._show(state, refused_text(status.message_en), error=True)
        else:
            self._show(state, "")

    def _failed(self, exc: BaseException) -> None:
        from plugins.tax_free.errors import (
            CheckDigitMismatch,
            DocumentUnreadable,
            OldRulesNeedCounter,
            TaxFreeUnavailable,
        )

        log.info("tax-free: %s", exc)
        if isinstance(exc, CheckDigitMismatch):
            text = CHECK_DIGIT
        elif isinstance(exc, DocumentUnreadable):
            text = UNREADABLE
        elif isinstance(exc, OldRulesNeedCounter):
            text = COUNTER
        elif isinstance(exc, TaxFreeUnavailable):
            text = UNAVAILABLE
        else:
            log.error("tax-free call failed: %s", exc)
            text = "Sorry, that did not work. Please try again or call staff."
        self.message, self.error = text, True
        if self.desk is not None and self.desk.state.value == "off":
            self.state = "off"
        elif self.state == "off":
            self.state = "waiting_for_document"

    def _show(self, state: str, message: str, error: bool = False) -> None:
        self.state, self.message, self.error = state, message, error

    def _checkout_state(self, _ctl: Any, state: str) -> None:
        if state == "idle":  # the sale ended (finished, cancelled, suspended)
            self._reset()

    def _reset(self) -> None:
        self.state, self.message, self.error = "off", "", False
        self.missing, self.buyer_name, self.reading = "", "", False
        if self.assembler is not None:
            from plugins.tax_free.mrz_reader import MrzLineAssembler

            self.assembler = MrzLineAssembler()


def add_shopping_row(shopping: Any) -> None:
    """Put the "Tax-free shopping" button (and the badge) above the shopping screen's
    action buttons, only when the store enabled tax-free: otherwise the layout is untouched.
    """
    if not shopping.ctl.taxfree.available:
        return
    from kivy.factory import Factory

    actions = shopping.ids.lookup.parent  # the grid of look-up / member / staff / cancel
    column = actions.parent
    row = Factory.TaxFreeRow()
    column.add_widget(row, index=column.children.index(actions) + 1)
    shopping.ids["taxfree_row"] = row
    shopping.ids["taxfree"] = row.ids.taxfree
    shopping.ids["taxfree_badge"] = row.ids.taxfree_badge


class TaxFreeScreen(KioskScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self.ids.landing_pad.value = ""

    def choose_status(self, status: str) -> None:
        self.ctl.taxfree.provide_landing(self.ids.landing_pad.value, status)

    @staticmethod
    def landing_text(digits: str) -> str:
        shown = digits.ljust(8, "_")
        return f"{shown[0:4]} / {shown[4:6]} / {shown[6:8]}"
