"""Become a member (会員登録): purpose of use first, an explicit "I agree", then the fields.

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
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.shown_box import ShownBox  # noqa: F401  (used by the kv rules)
from kiosk.ui.widgets import KioskScreen

log = logging.getLogger(__name__)

PHONE_TAKEN = "This phone number is already registered. Enter it on the member screen instead."
PHONE_LENGTH = "A phone number has 10 or 11 digits. Please check it."


def loyalty_service(runtime: Any) -> Any:
    """The loyalty plugin's service, or None when the plugin is not installed or loaded."""
    try:
        from plugins.loyalty import loyalty_for
    except ImportError:
        return None
    try:
        return loyalty_for(runtime)
    except LookupError:
        return None


def looks_like_phone(code: str) -> bool:
    """A Japanese phone number typed on the member keypad (0…, 10 or 11 digits)."""
    return code.isdigit() and code.startswith("0") and len(code) in (10, 11)


class EnrolModel(EventDispatcher):
    """``ctl.loyalty``: whether enrolment is offered (the member screen's button), and the
    member identified for this sale (card, QR, phone or a new enrolment) with the points."""

    available = BooleanProperty(False)
    show_name = BooleanProperty(False)
    member_text = StringProperty("")  # "会員 山田 様　ポイント残高 120pt" on the shopping screen

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
        return self.ctl.loyalty.service

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
        if self.ctl.loyalty.show_name and self.ids.name_pad.value.strip():
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
        self.ctl.loyalty.identified(view)  # the new member is this sale's member
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
            self.error = "Sorry, that did not work. Please try again or call staff."
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
