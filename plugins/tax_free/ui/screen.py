"""Tax-free shopping (免税): what is needed, the passport MRZ or a Visit Japan Web QR, the result.

The plugin's kiosk screen, added through ``kiosk_ui_screens`` (:func:`screens`): the core
UI does not know it. :class:`TaxFreeModel` (the screen's ``model``, shared with the row it
adds to the shopping screen) holds what they show and talks to the plugin's desk
(``plugins.tax_free.desk_for(runtime)``) through the controller's worker. It is
``available`` only when the store enabled the plugin.

Passport readers type the two MRZ lines like a keyboard-wedge scanner: each line ends in
Enter, so each arrives as its own scan. :meth:`TaxFreeModel.intercept` (the controller's
scan interceptor) feeds them to the plugin's ``MrzLineAssembler`` and presents the pair;
a VJW code is presented directly. Both also open the tax-free screen from the shopping,
look-up or member screens.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout

from kiosk.messages import N_
from kiosk.ui.pin_entry import PinEntry
from kiosk.ui.plugin_ui import PluginScreen
from kiosk.ui.shown_box import ShownBox
from kiosk.ui.widgets import KioskScreen
from plugins.tax_free.errors import DOMAIN, tax_free_message

log = logging.getLogger(__name__)

TAXFREE_SCREENS = ("shopping", "lookup", "code", "taxfree")
KV = Path(__file__).with_name("taxfree.kv")
RECEIPT_NOTE = N_(
    "Tax-free: your receipt will include the tax-free section. Please print it and show it "
    "with the goods to customs when you leave Japan."
)
TRAINING_NOTE = N_(
    "Training: the tax-free section is printed for practice. No purchase record is sent to "
    "the tax office."
)

# What the screen says for each state: msgids of the plugin's catalogue (DOMAIN), translated
# when shown (the kv rules pass domain=tf.DOMAIN).
WAITING = N_(
    "Place your passport photo page on the passport reader, or show your Visit Japan Web "
    "tax-free QR code to the scanner."
)
READY = N_("Tax-free is ready. Scan your items and pay as usual.")
NEED_LANDING = N_(
    "Enter your landing date (the date on the landing sticker or stamp in your passport), "
    "then choose your status of residence."
)
NEED_PROOF = N_(
    "Japanese nationals living abroad need a proof of residence abroad. Please call staff."
)
EXPIRED = N_("Your passport has expired. Tax-free shopping needs a valid passport.")
RESIDENT = N_("Tax-free shopping is only for visitors staying in Japan for less than six months.")
NOT_ELIGIBLE = N_(
    "Tax-free shopping is not possible with this document. You can still shop as usual."
)
CHECK_DIGIT = N_(
    "The passport could not be checked (check digit error). Please scan it again; "
    "if it fails twice, call staff."
)
UNREADABLE = N_("The passport or QR code could not be read. Please try again.")
COUNTER = N_("Please go to the staffed tax-free counter.")
UNAVAILABLE = N_("Tax-free shopping is not available at this checkout.")
BAD_DATE = N_("Please enter the landing date as 8 digits: year, month, day.")
FAILED = N_("Sorry, that did not work. Please try again or call staff.")
SHORTFALL = N_("Add {amount} (excl. tax) more to qualify for tax-free.")
TAX_FREE = N_("Tax-free")
DETAILS_NEEDED = N_(
    "Items of ¥1,000,000 or more need their brand, model number and serial number. "
    "Please call staff."
)

# What the shopper reads for each refusal code of the plugin (msgids, translated when shown).
REFUSALS = {
    "not_enabled": UNAVAILABLE,
    "old_rules": COUNTER,
    "bad_mrz": CHECK_DIGIT,
    "unreadable": UNREADABLE,
    "passport_expired": EXPIRED,
    "resident": N_(
        "Tax-free shopping is only for visitors with a short-term stay or a landing "
        "permission. You can still shop as usual."
    ),
    "landed_too_long": RESIDENT,
    "landing_after_sale": N_(
        "The landing date is after today. Please check it and enter it again."
    ),
    "not_abroad_long_enough": N_(
        "Japanese nationals can shop tax-free after living abroad for two years or more. "
        "You can still shop as usual."
    ),
    "below_minimum": N_(
        "Today's tax-free purchases are below the minimum, so this sale is taxed as usual."
    ),
    "no_eligible_items": N_(
        "None of these items can be sold tax-free, so this sale is taxed as usual."
    ),
    "failed": FAILED,
}


def other_script_hint(ctl: Any, *_watch: Any) -> str:
    """ "Tax-free" in the other of Japanese and English, for the button on a Japanese or an
    English screen (a visitor who has not switched language yet finds it); Chinese and
    Korean screens stay in their own language."""
    other = {"ja": "en", "en": "ja"}.get(ctl.language)
    return "" if other is None else "  " + ctl.translate(TAX_FREE, other, DOMAIN)


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


def refusal_text(code: str | None) -> str:
    """The msgid for a refusal code; an unknown code (a newer plugin) gets the general one."""
    return REFUSALS.get(str(code), NOT_ELIGIBLE)


class TaxFreeState(EventDispatcher):
    """What the tax-free widgets show; on its own (:data:`OFF`) until the screen has a model."""

    available = BooleanProperty(False)
    state = StringProperty(
        "off"
    )  # off | waiting_for_document | needs_information | ready | refused
    missing = StringProperty("")
    message = StringProperty("")  # a msgid: translated by the kv rule
    error = BooleanProperty(False)
    buyer_name = StringProperty("")
    minimum = NumericProperty(0)
    shortfall = NumericProperty(0)  # yen (excl. tax) still to buy today: the plugin's sum
    reading = BooleanProperty(False)  # the first MRZ line arrived, waiting for the second
    # ¥1,000,000+ items waiting for 商品情報詳細: dicts of line_no, name_en, name_ja,
    # unit_price, record_id (empty for the basket being sold)
    detail_lines = ListProperty()
    details_step = StringProperty("")  # "" | pin (staff authorises) | form
    details_feedback = StringProperty("")  # a translated message on the panel


OFF = TaxFreeState()


class TaxFreeModel(TaxFreeState):
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
        ctl.bind(state=self._checkout_state, rows=self._basket_changed)

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
            ctl.say(ctl.t(UNAVAILABLE, domain=DOMAIN), error=True)
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
        self.shortfall = status.shortfall if state == "ready" else 0
        self.detail_lines = [
            {
                "line_no": d.line_no,
                "name_en": d.name_en,
                "name_ja": d.name_ja,
                "unit_price": d.unit_price,
                "record_id": d.record_id,
            }
            for d in status.detail_lines
        ]
        if not self.detail_lines:
            self.details_step = ""
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
            self._show(state, refusal_text(status.refusal), error=True)
        else:
            self._show(state, "")

    def _failed(self, exc: BaseException) -> None:
        from plugins.tax_free.errors import TaxFreeError

        if isinstance(exc, TaxFreeError):
            log.info("tax-free: %s", exc.code)
            text = refusal_text(exc.code)
        else:
            log.error("tax-free call failed: %s", type(exc).__name__)
            text = FAILED
        self.message, self.error = text, True
        if self.desk is not None and self.desk.state.value == "off":
            self.state = "off"
        elif self.state == "off":
            self.state = "waiting_for_document"

    def _basket_changed(self, *_args: Any) -> None:
        """The basket changed: the shortfall and the lines needing details may have too."""
        if self.desk is not None and self.state == "ready":
            self.ctl.run(self.desk.status, self._status)

    # --- item details (商品情報詳細) for ¥1,000,000+ items, entered by staff --------------

    def open_details(self) -> None:
        self.ctl.activity()
        self.details_feedback = ""
        self.details_step = "pin"

    def close_details(self) -> None:
        self.ctl.activity()
        self.details_feedback, self.details_step = "", ""

    def authorise_details(self, staff_id: str, pin: str) -> None:
        """A staff PIN (attendant or higher) opens the form; audited like an unlock."""
        from kiosk.staff import NotAllowed, StaffLocked, WrongPin

        ctl = self.ctl
        ctl.activity()
        self.details_feedback = ctl.t("Checking…")

        def check() -> str:
            account = ctl.runtime.check_staff_pin(staff_id, pin)  # the kiosk's one lock-out
            detail = {"sale_id": ctl.runtime.sale_id, "lines": len(self.detail_lines)}
            ctl.runtime.audit_staff(account, "tax_free_details", detail)
            return account.staff_id

        def done(_staff_id: str) -> None:
            self.details_feedback, self.details_step = "", "form"

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaffLocked):
                text = "Too many wrong PINs. The PIN pad is locked."
            elif isinstance(exc, WrongPin | NotAllowed):
                text = "Wrong staff ID or PIN."
            else:
                log.error("staff check failed: %s", type(exc).__name__)
                self.details_feedback = ctl.t(FAILED, domain=DOMAIN)
                return
            self.details_feedback = ctl.t(text)  # the core's PIN pad words

        ctl.run(check, done, failed)

    def save_details(self, brand: str, model_number: str, serial_number: str) -> None:
        """Details for the first waiting line; the panel moves on to the next, if any."""
        from plugins.tax_free.record import ItemDetails

        self.ctl.activity()
        if not self.detail_lines or self.desk is None:
            return
        line = self.detail_lines[0]
        details = ItemDetails(brand.strip(), model_number.strip(), serial_number.strip())
        desk = self.desk
        if line["record_id"]:
            job = lambda: desk.complete_record_details(line["record_id"], line["line_no"], details)  # noqa: E731
        else:
            job = lambda: desk.set_item_details(line["line_no"], details)  # noqa: E731

        def failed(exc: BaseException) -> None:
            log.error("tax-free details not saved: %s", type(exc).__name__)
            self.details_feedback = self.ctl.t(FAILED, domain=DOMAIN)

        self.ctl.run(job, self._details_saved, failed)

    def _details_saved(self, status: Any) -> None:
        self.details_feedback = ""
        self._status(status)

    def _show(self, state: str, message: str, error: bool = False) -> None:
        self.state, self.message, self.error = state, message, error

    def _checkout_state(self, _ctl: Any, state: str) -> None:
        if state == "idle":  # the sale ended (finished, cancelled, suspended)
            self._reset()

    def _reset(self) -> None:
        self.state, self.message, self.error = "off", "", False
        self.missing, self.buyer_name, self.reading = "", "", False
        self.shortfall, self.detail_lines, self.details_step = 0, [], ""
        if self.assembler is not None:
            from plugins.tax_free.mrz_reader import MrzLineAssembler

            self.assembler = MrzLineAssembler()


def add_shopping_row(shopping: Any, model: TaxFreeModel) -> None:
    """Put the "Tax-free shopping" button (and the badge) above the shopping screen's
    action buttons, only when the store enabled tax-free: otherwise the layout is untouched.
    """
    if not model.available:
        return
    actions = shopping.ids.lookup.parent  # the grid of look-up / member / staff / cancel
    column = actions.parent
    row = TaxFreeRow(model=model)
    column.add_widget(row, index=column.children.index(actions) + 1)
    shopping.ids["taxfree_row"] = row
    shopping.ids["taxfree"] = row.ids.taxfree
    shopping.ids["taxfree_badge"] = row.ids.taxfree_badge
    shopping.ids["taxfree_shortfall"] = row.ids.taxfree_shortfall


class TaxFreeBadge(BoxLayout):
    """ "免税 / TAX-FREE" on the shopping screen while the tax-free session is ready."""

    model = ObjectProperty(OFF, rebind=True)


class TaxFreeRow(BoxLayout):
    """The badge, the shortfall and the "Tax-free shopping" button on the shopping screen."""

    model = ObjectProperty(OFF, rebind=True)


class TaxFreeScreen(KioskScreen):
    model = ObjectProperty(OFF, rebind=True)

    def on_pre_enter(self, *_args: Any) -> None:
        self.ids.landing_pad.value = ""

    def choose_status(self, status: str) -> None:
        self.model.provide_landing(self.ids.landing_pad.value, status)

    @staticmethod
    def landing_text(digits: str) -> str:
        shown = digits.ljust(8, "_")
        return f"{shown[0:4]} / {shown[4:6]} / {shown[6:8]}"


class ItemDetailsPanel(PinEntry, ShownBox):
    """商品情報詳細 for a ¥1,000,000+ item, over the tax-free screen: staff ID and PIN on the
    digit pad, then brand, model number and serial number on the A–Z/0–9 pad (the OS input
    method does not reach Kivy on the kiosk)."""

    model = ObjectProperty(OFF, rebind=True)
    entry = StringProperty("brand")  # the field the letter pad types into
    brand = StringProperty("")
    model_number = StringProperty("")
    serial_number = StringProperty("")

    def on_touch_down(self, touch: Any) -> bool:
        if not self.shown:
            return False
        super().on_touch_down(touch)
        return True  # nothing under the open panel takes a tap

    def on_shown(self, _panel: Any, _shown: bool) -> None:
        if "text_pad" in self.ids:  # a fresh panel each time, never the last staff's entry
            self.reset()
            self.clear()

    def submit(self, staff_id: str, pin: str) -> None:
        self.model.authorise_details(staff_id, pin)

    def choose_entry(self, entry: str) -> None:
        self.entry = entry
        self.ids.text_pad.value = getattr(self, entry).lower()

    def on_text(self, value: str) -> None:
        setattr(self, self.entry, value.upper())  # serials and model numbers are upper case

    def save(self) -> None:
        self.model.save_details(self.brand, self.model_number, self.serial_number)
        self.clear()

    def cancel(self) -> None:
        self.clear()
        self.reset()
        self.model.close_details()

    def clear(self) -> None:
        self.brand = self.model_number = self.serial_number = ""
        self.choose_entry("brand")

    @staticmethod
    def item_text(lines: list[dict], language: str, yen: Any) -> str:
        if not lines:
            return ""
        line = lines[0]
        name = line["name_ja"] if language == "ja" else line["name_en"]
        more = f"  (+{len(lines) - 1})" if len(lines) > 1 else ""
        return f"{name}  {yen(line['unit_price'])}{more}"


def screens(ctl: Any) -> list[PluginScreen]:
    """The ``kiosk_ui_screens`` answer: the tax-free screen, opened by the row it adds to the
    shopping screen and by a passport or VJW scan (the controller's scan interceptor)."""
    model = TaxFreeModel(ctl)

    def attach(root: Any) -> None:
        root.screen("taxfree").model = model
        ctl.scan_interceptors.append(model.intercept)
        add_shopping_row(root.screen("shopping"), model)
        model.bind(state=lambda _m, state: _receipt_note(ctl, state == "ready"))

    return [PluginScreen("taxfree", TaxFreeScreen, kv_files=(KV,), attach=attach)]


def _receipt_note(ctl: Any, ready: bool) -> None:
    ours = (tax_free_message(RECEIPT_NOTE), tax_free_message(TRAINING_NOTE))
    notes = [n for n in ctl.receipt_notes if n not in ours]
    if not ready:
        ctl.receipt_notes = notes
        return
    # a training kiosk prints the section for practice and sends nothing: it says so
    training = [ours[1]] if getattr(ctl.runtime, "training", False) else []
    ctl.receipt_notes = [*notes, ours[0], *training]
