"""The kiosk side: a "How was your checkout?" screen, opened by a button the plugin adds to
the shopping screen; a tap writes one outbox event (the rating, the kiosk's clock, no
personal data) and goes back to the basket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.uix.button import Button

from kiosk.messages import N_, Message
from kiosk.ui.plugin_ui import PluginScreen
from kiosk.ui.widgets import KioskScreen
from kiosk_feedback_example import DOMAIN, KIND, RATINGS

KV = Path(__file__).with_name("feedback.kv")
NAME = "example_feedback"
# keys of this plugin's catalogue (locale/<lang>/LC_MESSAGES/kiosk_feedback_example.po),
# marked with N_ so kiosk.messages_check finds them
QUESTION = N_("How was your checkout today?")
THANKS = N_("Thank you for your feedback.")
OPEN = N_("Rate this checkout")
LABELS = {"good": N_("Good"), "ok": N_("OK"), "bad": N_("Not good")}


def text(ctl: Any, msgid: str) -> str:
    """``msgid`` in the shopper's language, from this plugin's catalogue."""
    return ctl.render(Message.of(msgid, DOMAIN))


def record(runtime: Any, rating: str) -> None:
    """One outbox event, written like every other: the relay sends it to the back office."""
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r}: one of {', '.join(RATINGS)}")
    runtime.send_event(KIND, {"rating": rating, "at": runtime.clock().isoformat()})


class FeedbackScreen(KioskScreen):
    def say(self, msgid: str, _language: str) -> str:
        return text(self.ctl, msgid)

    def rate(self, rating: str) -> None:
        ctl = self.ctl
        ctl.activity()
        ctl.run(lambda: record(ctl.runtime, rating), lambda _r: self._done())

    def _done(self) -> None:
        self.ctl.say(text(self.ctl, THANKS))
        self.ctl.go("shopping")


def screens(ctl: Any) -> list[PluginScreen]:
    def attach(root: Any) -> None:
        shopping = root.screen("shopping")
        column = shopping.ids.lookup.parent.parent  # the column above the action buttons
        button = Button(text=text(ctl, OPEN), size_hint_y=None, height=ctl.target)
        button.bind(on_release=lambda *_: ctl.go(NAME))
        ctl.bind(language=lambda *_: setattr(button, "text", text(ctl, OPEN)))
        column.add_widget(button, index=column.children.index(shopping.ids.lookup.parent) + 1)
        shopping.ids[NAME] = button

    return [PluginScreen(NAME, FeedbackScreen, kv_files=(KV,), attach=attach)]
