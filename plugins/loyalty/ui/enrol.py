"""Become a member (会員登録): purpose of use first, an explicit "I agree", then the fields.

The loyalty plugin's kiosk screen, added through ``kiosk_ui_screens`` (:func:`screens`): the
core UI does not know it. :class:`EnrolModel` (the screen's ``model``) holds whether
enrolment is offered and the member identified for this sale; :func:`screens`' ``attach``
hooks it into the core's screens — the member line on the shopping screen, the "Become a
member" button and phone look-up on the member keypad (a "keypad" scan it intercepts), the
member shown for a card or QR claim, and the points on the receipt screen.

Steps: ``consent`` (the plugin's purpose-of-use notice in the shopper's language, with its
version) → ``details`` (phone digits on the keypad; a name on the kana/ABC pad only when the
store shows names) → ``done`` (the new member's QR code and points balance).

Nothing is stored before the shopper taps "Register": the plugin records the consent (text
version, language, digest) together with the member in ``service.enrol(token, True, …)``.
Declining hands the offer back with ``agreed=False``, which the plugin refuses without
storing anything.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.messages import N_
from kiosk.ui.plugin_ui import PluginScreen
from kiosk.ui.qr import qr_texture
from kiosk.ui.shown_box import ShownBox  # noqa: F401  (used by the kv rules)
from kiosk.ui.widgets import KioskButton, KioskScreen
from plugins.loyalty.errors import DOMAIN

log = logging.getLogger(__name__)

KV = Path(__file__).with_name("enrol.kv")

# what the enrolment screen says when it fails: keys of the plugin's catalogue (DOMAIN)
PHONE_TAKEN = N_("This phone number is already registered. Enter it on the member screen instead.")
PHONE_LENGTH = N_("A phone number has 10 or 11 digits. Please check it.")
FAILED = N_("Sorry, that did not work. Please try again or call staff.")


def loyalty_service(runtime: Any) -> Any:
    """The loyalty plugin's service, or None when the plugin is not loaded or configured."""
    from plugins.loyalty import loyalty_for

    try:
        return loyalty_for(runtime)
    except LookupError:
        return None


def looks_like_phone(code: str) -> bool:
    """A Japanese phone number typed on the member keypad (0…, 10 or 11 digits)."""
    return code.isdigit() and code.startswith("0") and len(code) in (10, 11)


class EnrolState(EventDispatcher):
    """What the loyalty widgets show; on its own (:data:`OFF`) until the screen has a model."""

    available = BooleanProperty(False)
    show_name = BooleanProperty(False)
    member_text = StringProperty("")  # "会員 山田 様　ポイント残高 120pt" on the shopping screen


OFF = EnrolState()


class EnrolModel(EnrolState):
    """The enrolment screen's ``model``: whether enrolment is offered (the member keypad's
    button), and the member identified for this sale (card, QR, phone or a new enrolment)
    with the points."""

    def __init__(self, ctl: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl = ctl
        self.service = loyalty_service(ctl.runtime)
        self.available = self.service is not None
        self.show_name = bool(getattr(self.service, "show_name", False))
        self.member: Any = None  # the plugin's MemberView
        ctl.fbind("language", self._show_member)
        ctl.fbind("state", self._state_changed)

    def identified(self, view: Any) -> None:
        """A member is identified for this sale: show who and the points balance."""
        self.member = view
        self._show_member()

    def points_for(self, sale: Any) -> tuple[int, int, bool] | None:
        """(points earned by ``sale``, the member's balance now, training); None for no member
        or no record. A training sale's points are those it would earn, never booked (the
        balance is unchanged). Reads the plugin's ledger: call it on the runtime worker."""
        if self.service is None or not getattr(sale, "member_id", None):
            return None
        balance = int(self.service.balance(sale.member_id).points)
        if getattr(sale, "training", False):
            return int(self.service.training_points(sale.to_document())), balance, True
        record = self.service.sale_record(sale.sale_id)
        if record is None:
            return None
        return int(record["earned"]), balance, False

    def addressee(self, sale: Any) -> str:
        """The member's name for a 領収書's addressee, when the sale has a member and the
        store shows members their name (``show_name``); "" otherwise. Runtime worker."""
        return member_addressee(self.service, getattr(sale, "member_id", None))

    def intercept(self, scan: Any) -> bool:
        """A phone number typed on the member keypad: looked up here (the controller's scan
        interceptor); True if it was one. Other digits go on as a scan (card, coupon)."""
        if self.service is None or scan.source != "keypad" or not looks_like_phone(scan.code):
            return False
        self.identify_phone(scan.code)
        return True

    def claimed(self, claim: Any) -> bool:
        """A member card or QR the plugin claimed: show who and the points (the claim's
        message is shown as usual, so False)."""
        if claim.plugin == "loyalty" and claim.payload is not None:
            self.identified(claim.payload)
        return False

    def paid(self, sale: Any) -> None:
        """A sale was paid: a member's points for it, read from the plugin's ledger off the
        UI thread, go on the receipt screen (``ctl.sale``'s ``points_*``)."""
        if self.service is None or not getattr(sale, "member_id", None):
            return
        self.ctl.run(lambda: self.points_for(sale), lambda points: self._points(sale, points))

    def _points(self, sale: Any, points: tuple[int, int, bool] | None) -> None:
        ctl = self.ctl
        if points is not None and ctl.sale.get("sale_id") == sale.sale_id:
            earned, balance, training = points
            ctl.sale = {
                **ctl.sale,
                "points_earned": earned,
                "points_balance": balance,
                "points_training": training,  # practice: shown as not awarded
            }

    def identify_phone(self, phone: str) -> None:
        """The member keypad's phone number (the plugin looks up its keyed hash)."""
        service = self.service

        def found(view: Any) -> None:
            self.identified(view)
            self.ctl.say(self.member_text)

        def not_found(exc: BaseException) -> None:
            from plugins.loyalty import NO_MEMBER

            log.info("no member for a typed phone number: %s", type(exc).__name__)
            self.ctl.say(self.ctl.render(NO_MEMBER), error=True)

        self.ctl.run(lambda: service.identify_by_phone(phone), found, not_found)

    def _show_member(self, *_args: Any) -> None:
        if self.member is None:
            self.member_text = ""
            return
        from plugins.loyalty import member_status

        self.member_text = self.ctl.render(member_status(self.member))

    def _state_changed(self, _ctl: Any, state: str) -> None:
        if state == "idle" and self.member is not None:  # the sale ended: the next shopper
            self.identified(None)


class EnrolScreen(KioskScreen):
    model = ObjectProperty(OFF, rebind=True)
    step = StringProperty("consent")  # consent | details | done
    title = StringProperty("")
    body = StringProperty("")
    version = StringProperty("")
    field = StringProperty("phone")  # the field the pad on the right types into
    error = StringProperty("")
    busy = BooleanProperty(False)
    points = NumericProperty(0)
    member_id = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offer: Any = None
        self.ctl.fbind("language", self._language_changed)

    @property
    def service(self) -> Any:
        return getattr(self.model, "service", None)

    def on_pre_enter(self, *_args: Any) -> None:
        self.step, self.error, self.field, self.member_id = "consent", "", "phone", ""
        self.ids.phone_pad.value = ""
        self.ids.name_pad.value = ""
        self.ids.qr.texture = None
        self.offer = None
        self._show_notice()

    def _language_changed(self, *_args: Any) -> None:
        if self.live and self.step == "consent":
            self._show_notice()

    def _show_notice(self) -> None:
        service, language = self.service, self.ctl.language
        if service is None:
            return
        self.ctl.run(lambda: service.begin_enrolment(language), self._offered)

    def _offered(self, offer: Any) -> None:
        self.offer = offer
        notice = offer.notice
        self.title, self.body, self.version = notice.title, notice.body, notice.version

    # --- shopper actions -----------------------------------------------------------------

    def agree(self) -> None:
        """The explicit "I agree" tap: only now may details be asked for."""
        self.ctl.activity()
        if self.offer is None:
            return
        self.step, self.error = "details", ""

    def decline(self) -> None:
        """No agreement: nothing is asked for and nothing is stored."""
        self.ctl.activity()
        offer, service, self.offer = self.offer, self.service, None
        if offer is not None and service is not None:
            self.ctl.run(lambda: _refuse(service, offer.token))
        self.ctl.go("code")

    def register(self) -> None:
        self.ctl.activity()
        offer, service = self.offer, self.service
        if offer is None or service is None or self.busy:
            return
        fields = {"phone": self.ids.phone_pad.value}
        if self.model.show_name and self.ids.name_pad.value.strip():
            fields["name"] = self.ids.name_pad.value.strip()
        self.busy, self.error = True, ""

        def enrol() -> tuple[Any, Any]:
            enrolment = service.enrol(offer.token, True, **fields)
            return enrolment, service.view(enrolment.member.member_id)

        self.ctl.run(enrol, self._enrolled, self._failed)

    def _enrolled(self, result: tuple[Any, Any]) -> None:
        enrolment, view = result
        self.busy, self.offer = False, None
        self.member_id = view.member_id
        self.points = view.points
        self.model.identified(view)  # the new member is this sale's member
        self.ids.qr.texture = qr_texture(enrolment.qr_payload)
        self.step = "done"

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ValueError):
            self.error = PHONE_LENGTH
        elif "already belongs" in str(exc):
            self.error = PHONE_TAKEN
            self._show_notice()  # the offer was used up: a fresh one for the next try
        else:
            log.error("enrolment failed: %s", exc)
            self.error = FAILED
            self._show_notice()

    def finish(self) -> None:
        self.ctl.go("shopping")

    def phone_ok(self, phone: str) -> bool:
        return phone == "" or len(phone) in (10, 11)


def _refuse(service: Any, token: str) -> None:
    """Hand the offer back unagreed: the plugin raises ConsentRequired and stores nothing."""
    try:
        service.enrol(token, False)
    except Exception as exc:  # ConsentRequired, by design
        log.info("enrolment declined: %s", exc)


def add_enrol_button(code: Any, model: EnrolModel) -> None:
    """ "Not a member yet? Become a member" on the member keypad (``code``: the core's
    member-keypad screen, its ``ids``), only when the store offers enrolment: otherwise the
    keypad is untouched."""
    if not model.available:
        return
    ctl = model.ctl  # the plugin's own view of the controller
    button = KioskButton(kind="tile", size_hint_y=None, height=ctl.target * 1.2)
    ctl.fbind("target", lambda *_a: setattr(button, "height", ctl.target * 1.2))

    def label(*_args: Any) -> None:
        button.text = ctl.t("Not a member yet? Become a member", ctl.language, domain=DOMAIN)

    ctl.fbind("language", label)
    label()
    button.bind(on_release=lambda *_a: ctl.go("enrol"))
    box = code.ids.plugin_buttons
    box.add_widget(button)
    button.bind(height=lambda *_a: setattr(box, "height", button.height))
    box.height = button.height
    code.ids["enrol"] = button


def member_addressee(service: Any, member_id: str | None) -> str:
    """The member record's name for a 領収書's addressee when the store shows members their
    name (the service's view has ``display_name`` only then); else ""."""
    if service is None or not member_id:
        return ""
    view = service.view(member_id)
    return getattr(view, "display_name", None) or ""


def screens(ctl: Any) -> list[PluginScreen]:
    """The ``kiosk_ui_screens`` answer: the enrolment screen, opened from the member keypad."""
    model = EnrolModel(ctl)
    if not model.available:  # the plugin is loaded but not configured on this kiosk
        return []

    def attach(root: Any) -> None:
        root.screen("enrol").model = model
        ctl.scan_interceptors.append(model.intercept)
        ctl.claim_handlers.append(model.claimed)
        ctl.paid_listeners.append(model.paid)
        ctl.addressee_sources.append(model.addressee)
        add_enrol_button(root.screen("code"), model)
        member = root.screen("shopping").ids.member
        model.bind(member_text=lambda _m, text: setattr(member, "text", text))

    return [PluginScreen("enrol", EnrolScreen, kv_files=(KV,), attach=attach)]
