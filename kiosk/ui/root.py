"""The root widget: the screen manager plus the overlays that sit above every screen."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition

from kiosk.ui.plugin_controller import PluginRoot
from kiosk.ui.plugin_ui import load_kv_files, plugin_overlays, plugin_screens
from kiosk.ui.preview import CameraPreview  # noqa: F401  (registers the kv class)
from kiosk.ui.returns.model import ReturnModel
from kiosk.ui.returns.screen import ReturnScreen
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.closed import ClosedOverlay
from kiosk.ui.screens.code_entry import CodeEntryScreen
from kiosk.ui.screens.confirm import ConfirmOverlay
from kiosk.ui.screens.errors import MessageBanner, ProblemBar, TrainingBanner
from kiosk.ui.screens.formal_receipt import FormalReceiptScreen
from kiosk.ui.screens.lookup import LookupScreen
from kiosk.ui.screens.pay_methods import PayMethodsScreen
from kiosk.ui.screens.paying import PayingScreen
from kiosk.ui.screens.receipt import EReceiptScreen, ReceiptScreen
from kiosk.ui.screens.shopping import ShoppingScreen
from kiosk.ui.screens.staff_overlay import StaffOverlay
from kiosk.ui.screens.still_there import StillThereOverlay
from kiosk.ui.screens.thanks import ThanksScreen
from kiosk.ui.screens.weigh import WeighScreen
from kiosk.ui.widgets import KioskScreenManager


def _screens() -> dict[str, type]:
    return {
        "attract": AttractScreen,
        "shopping": ShoppingScreen,
        "lookup": LookupScreen,
        "code": CodeEntryScreen,
        "methods": PayMethodsScreen,
        "paying": PayingScreen,
        "receipt": ReceiptScreen,
        "ereceipt": EReceiptScreen,
        "thanks": ThanksScreen,
        "weigh": WeighScreen,
        "returns": ReturnScreen,  # staff only: opened from the staff overlay (kiosk.ui.returns)
        "formal_receipt": FormalReceiptScreen,  # 領収書: after payment, or a staff reprint
    }


class KioskRoot(FloatLayout):
    """Shows ``ctl.screen``; adds the staff, still-there and problem overlays when needed.

    Plugins add screens (``kiosk_ui_screens``) and overlays (``kiosk_ui_overlays``): the
    root builds them here, on the UI thread, and lets each plugin screen attach its way in —
    each with that plugin's own view of the controller (:mod:`kiosk.ui.plugin_controller`),
    never ``ctl`` itself.
    """

    def __init__(self, ctl: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctl = ctl
        ctl.returns = ReturnModel(ctl)  # the station opens it too: ctl.returns.open()
        # each plugin's screens are made and attached with its own view of the controller
        extra = [c for c in plugin_screens(ctl) if c.spec.name not in _screens()]
        load_kv_files([c.spec for c in extra])
        shopper = (c.spec.name for c in extra if c.spec.shopper)
        ctl.shopper_screens = (*ctl.shopper_screens, *shopper)
        self.manager = KioskScreenManager(transition=FadeTransition(duration=0.12))
        for name, cls in _screens().items():
            self.manager.add_widget(cls(name=name, ctl=ctl))
        for c in extra:
            self.manager.add_widget(c.spec.screen(name=c.spec.name, ctl=c.ctl))
        for c in extra:
            if c.spec.attach is not None:
                own = {o.spec.name for o in extra if o.ctl is c.ctl}
                c.spec.attach(PluginRoot(self.manager, c.ctl, own, set(_screens())))
        # the problem bar takes room below the screens (never covers the Pay button)
        self.column = BoxLayout(orientation="vertical")
        self.column.add_widget(self.manager)
        self.add_widget(self.column)
        if getattr(ctl.runtime, "training", False):  # over every screen, for the whole run
            self.training_banner = TrainingBanner(ctl=ctl)
            self.add_widget(self.training_banner)
        self.banner = MessageBanner(ctl=ctl)
        self.problem_bar = ProblemBar(ctl=ctl)
        self.still_there = StillThereOverlay(ctl=ctl)
        self.staff = StaffOverlay(ctl=ctl)
        self.closed = ClosedOverlay(ctl=ctl)
        self.confirm = ConfirmOverlay(ctl=ctl)
        # (overlay, widget) pairs; each made and asked with its plugin's view
        self._overlay_views = [(o.ctl, o.spec, o.spec.make(o.ctl)) for o in plugin_overlays(ctl)]
        self.plugin_overlays = [(spec, widget) for _view, spec, widget in self._overlay_views]
        for _view, spec, widget in self._overlay_views:
            if spec.watch is not None:
                spec.watch(widget, self._update_overlays)
        ctl.bind(
            availability=self._update_overlays,
            staff_station=self._update_overlays,
            screen=self._show_screen,
            state=self._update_overlays,
            staff_mode=self._update_overlays,
            still_there=self._update_overlays,
            problems=self._update_overlays,
            message=self._update_overlays,
            confirm=self._update_overlays,
        )
        self.manager.current = ctl.screen  # a plugin's attach may have set its own (station)
        self._update_overlays()

    def screen(self, name: str) -> Any:
        return self.manager.get_screen(name)

    def _show_screen(self, _ctl: Any, name: str) -> None:
        self.manager.current = name
        self._update_overlays()

    def _update_overlays(self, *_args: Any) -> None:
        ctl = self.ctl
        self._toggle(self.problem_bar, bool(ctl.problems), self.column)
        self._place_banner()
        # the paying screen too: a decline, or cash partly put in (flows._paying_when_gone)
        self._toggle(self.still_there, ctl.still_there and ctl.state in ("shopping", "paying"))
        # a question to the shopper; dropped when staff or the state take over
        asking = bool(ctl.confirm) and ctl.state == "shopping" and ctl.screen == "shopping"
        if ctl.confirm and not asking:
            ctl.confirm = {}
        if asking:
            self.confirm.show(ctl.confirm)
        self._toggle(self.confirm, asking)
        # paused/closed: the current shopper finishes; the attract screen is covered
        self._toggle(self.closed, ctl.availability != "open" and ctl.screen == "attract")
        # staff at the station approve ages on the station screen itself
        needs = ctl.state == "needs_attendant" and not ctl.staff_station
        locked = needs or bool(ctl.staff_mode)
        if locked and self.staff.parent is None:
            self.staff.reset()
        self._toggle(self.staff, locked)
        for view, spec, widget in self._overlay_views:
            self._toggle(widget, bool(spec.shown(view)))
        self._keep_training_strip_on_top()

    def _keep_training_strip_on_top(self) -> None:
        """The training strip over every cover too (the paused/closed cover hid it): no one
        may take a training kiosk for a live till."""
        strip = getattr(self, "training_banner", None)
        if strip is not None and self.children and self.children[0] is not strip:
            self.remove_widget(strip)
            self.add_widget(strip)

    def _place_banner(self) -> None:
        """The shopper message: on the shopping screen in its own slot above the basket (the
        list scrolls, so it gives the room; over the right-hand column it hid the last item's
        name); on other screens just above them, under the overlays that lock the kiosk."""
        ctl, banner = self.ctl, self.banner
        slot = self.screen("shopping").ids.message_slot
        want = None
        if ctl.message:
            want = slot if ctl.screen == "shopping" else self
        if banner.parent is want:
            return
        if banner.parent is not None:
            banner.parent.remove_widget(banner)
        banner.inline = want is slot
        if want is self:
            self.add_widget(banner, index=max(0, len(self.children) - 1))
        elif want is slot:
            slot.add_widget(banner)

    def _toggle(self, overlay: Any, show: bool, parent: Any = None, index: int = 0) -> None:
        parent = parent or self
        if show and overlay.parent is None:
            parent.add_widget(overlay, index=max(0, index))
        elif not show and overlay.parent is not None:
            parent.remove_widget(overlay)
