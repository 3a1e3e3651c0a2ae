"""Weigh screen (計量): a produce item chosen on the look-up screen, on the kiosk's scale.

The screen polls ``runtime.read_scale()`` (on the runtime worker) five times a second for
the live weight and price; "Add to basket" asks the runtime to add the item, and the runtime
takes its own stable reading from the scale — the screen never passes a weight in. Without
a scale the shopper is asked to take the item to staff, who weigh it and print a label.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.domain.basket import weighed_amount
from kiosk.runtime.weighing import ScaleReading, WeighRefused
from kiosk.ui.basket_view import screen_name
from kiosk.ui.widgets import KioskScreen

POLL_SECONDS = 0.2


def refusal_text(ctl: Any, reason: str, min_grams: int) -> str:
    """The shopper's message for a :class:`WeighRefused` reason (literal ``t`` calls)."""
    if reason == "unstable":
        return ctl.t("The weight is not steady yet. Please leave the item still on the scale.")
    if reason == "overload":
        return ctl.t("Too heavy for the scale. Please take some off or call staff.")
    if reason == "too_light":
        return ctl.t("Items under {grams} g cannot be weighed here. Please call staff.").format(
            grams=min_grams
        )
    return ctl.t(
        "This kiosk has no scale. Please touch Call staff: staff will weigh this item and give you a price label to scan."
    )


class WeighScreen(KioskScreen):
    product = ObjectProperty(None, allownone=True)
    has_scale = BooleanProperty(True)
    status = StringProperty("waiting")  # a ScaleReading status
    grams = NumericProperty(0)
    stable = BooleanProperty(False)
    min_grams = NumericProperty(20)
    lang = StringProperty("")
    adding = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._poll_event: Any = None
        self._polling = False

    # --- what the screen shows ----------------------------------------------------------

    @property
    def ready(self) -> bool:
        """A stable reading at or over the minimum: "Add to basket" is offered."""
        return self.status == "ok" and self.stable and self.grams >= self.min_grams

    def name_text(self, *_watch: Any) -> str:
        return screen_name(self.product, self.ctl.language) if self.product is not None else ""

    def unit_text(self, *_watch: Any) -> str:
        if self.product is None:
            return ""
        return self.ctl.t("{price} per kg").format(price=self.ctl.yen(self.product.price))

    def weight_text(self, *_watch: Any) -> str:
        return f"{int(self.grams):,} g" if self.status == "ok" and self.grams > 0 else "— g"

    def price_text(self, *_watch: Any) -> str:
        if self.product is None or self.status != "ok" or self.grams <= 0:
            return "—"
        return self.ctl.yen(weighed_amount(self.product.price, int(self.grams)))

    def instruction(self, *_watch: Any) -> str:
        if not self.has_scale:
            return refusal_text(self.ctl, "no_scale", self.min_grams)
        if self.status == "overload":
            return refusal_text(self.ctl, "overload", self.min_grams)
        if self.status != "ok" or self.grams <= 0:
            return self.ctl.t("Place the item on the scale")
        if not self.stable:
            return self.ctl.t("Weighing… please keep the item still")
        if self.grams < self.min_grams:
            return refusal_text(self.ctl, "too_light", self.min_grams)
        return self.ctl.t("Check the weight and price, then touch Add to basket")

    def on_has_scale(self, *_args: Any) -> None:
        """Without a scale the row is Back and Call staff only (no dead Tare/Add buttons)."""
        row, tare, add = self.ids.actions, self.ids.tare, self.ids.add
        if self.has_scale:
            if tare.parent is None:
                row.add_widget(tare, index=1)  # children run right to left: after Back
            if add.parent is None:
                row.add_widget(add, index=0)  # rightmost
        else:
            for button in (tare, add):
                if button.parent is not None:
                    row.remove_widget(button)

    # --- life cycle ---------------------------------------------------------------------

    def on_pre_enter(self, *_args: Any) -> None:
        self.product = self.ctl.weigh_product
        self.min_grams = self.ctl.runtime.config.weigh_min_g
        self.status, self.grams, self.stable, self.adding = "waiting", 0, False, False
        self.has_scale = True
        self.poll()
        self._poll_event = Clock.schedule_interval(self.poll, POLL_SECONDS)

    def on_leave(self, *_args: Any) -> None:
        if self._poll_event is not None:
            self._poll_event.cancel()
            self._poll_event = None

    def poll(self, *_args: Any) -> None:
        """Ask the runtime for the scale's figure; one request in flight at a time."""
        if self._polling:
            return
        self._polling = True
        self.ctl.worker.submit(self.ctl.runtime.read_scale, self.show, self._poll_failed)

    def show(self, reading: ScaleReading) -> None:
        self._polling = False
        self.has_scale = reading.status != "no_scale"
        self.status, self.grams, self.stable = reading.status, reading.grams, reading.stable

    def _poll_failed(self, exc: BaseException) -> None:
        self._polling = False
        self.status = "waiting"

    # --- shopper actions ----------------------------------------------------------------

    def add(self) -> None:
        self.ctl.activity()
        if self.product is None or self.adding:
            return
        plu = self.product.plu or ""
        self.adding = True

        def added(_line: Any) -> None:
            self.adding = False
            self.ctl.screen = "shopping"

        def refused(exc: BaseException) -> None:
            self.adding = False
            if isinstance(exc, WeighRefused):
                self.ctl.say(refusal_text(self.ctl, exc.reason, self.min_grams), error=True)
            else:
                self.ctl.show_failure(exc)

        self.ctl.run(lambda: self.ctl.runtime.add_weighed_from_scale(plu), added, refused)

    def tare(self) -> None:
        self.ctl.activity()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, WeighRefused):
                self.ctl.say(refusal_text(self.ctl, exc.reason, self.min_grams), error=True)
            else:
                self.ctl.show_failure(exc)

        self.ctl.run(self.ctl.runtime.tare_scale, failed=refused)

    def ask_staff(self) -> None:
        """No scale (or the shopper wants help): staff are called for this item."""
        self.ctl.activity()
        if self.product is None:
            self.ctl.call_staff()
            return
        plu = self.product.plu or ""
        self.ctl.run(lambda: self.ctl.runtime.ask_staff_to_weigh(plu))
