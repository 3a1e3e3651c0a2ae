"""GIVEN the running kiosk WHEN shoppers and staff use single features THEN each behaves:
touch targets, language switching, removal approval, inactivity, payment retry, errors."""

from __future__ import annotations

import pytest
from kivy.base import ExceptionManager
from sqlalchemy import func, select

from kiosk.config import DEFAULT_CONFIG
from kiosk.hookspecs import hookimpl
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.store.models import SuspendedBasketRow
from kiosk.ui.settings import UiSettings, mm_to_px
from kiosk.ui.widgets import face_size, walk_buttons

pytestmark = pytest.mark.ui

ONIGIRI, TEA, BEER = "4901234000018", "4901234000148", "4901234000292"
ALL_SCREENS = (
    "attract",
    "shopping",
    "lookup",
    "code",
    "methods",
    "paying",
    "receipt",
    "ereceipt",
    "thanks",
)


def visible(widget) -> bool:
    """Drawn where a finger can reach it: not hidden, and not scrolled out of (or only partly
    inside) a ScrollView's window (look-up results in large text scroll)."""
    from kivy.uix.scrollview import ScrollView

    node = widget
    while node is not None and node is not node.parent:
        if node.opacity == 0 or node.height < 1:
            return False
        if isinstance(node.parent, ScrollView) and not _inside(widget, node.parent):
            return False
        node = node.parent
    return True


def _inside(widget, view) -> bool:
    wx, wy = widget.to_window(*widget.pos)
    vx, vy = view.to_window(*view.pos)
    return (
        wx >= vx - 1
        and wy >= vy - 1
        and wx + widget.width <= vx + view.width + 1
        and wy + widget.height <= vy + view.height + 1
    )


def layer(kiosk, widget):
    """The screen or overlay ``widget`` is on (the root's child that holds it)."""
    node = widget
    while node.parent is not None and node.parent is not kiosk.root:
        node = node.parent
    return node


def undersized(kiosk) -> list[str]:
    """Pressable widgets whose face (what is drawn as the button, not the box around it:
    a KioskButton's face is inset) is under 15 mm at the configured dpi, or that spill out
    of the window or over another one (a minimum size the layout cannot give)."""
    need = mm_to_px(kiosk.ctl.settings.touch_target_mm, kiosk.ctl.settings.dpi) - 0.5
    shown = [b for b in walk_buttons(kiosk.root) if visible(b)]
    problems = []
    boxes = []
    for b in shown:
        width, height = face_size(b)
        if min(width, height) < need:
            problems.append(f"{kiosk.ctl.screen}:{b.text!r} face {width:.0f}x{height:.0f}")
        x, y = b.to_window(*b.pos)
        boxes.append((layer(kiosk, b), b, x + 1, y + 1, x + b.width - 1, y + b.height - 1))
        if x < -1 or y < -1 or x + b.width > kiosk.window.width + 1:
            problems.append(f"{kiosk.ctl.screen}:{b.text!r} outside the window at {x:.0f},{y:.0f}")
    for i, (layer_a, a, ax, ay, ar, at) in enumerate(boxes):
        for layer_b, b, bx, by, br, bt in boxes[i + 1 :]:
            # an overlay (still there?, staff) covers the screen on purpose
            if layer_a is layer_b and ax < br and bx < ar and ay < bt and by < at:
                problems.append(f"{kiosk.ctl.screen}:{a.text!r} overlaps {b.text!r}")
    return problems


# the demo's window at the default dpi, and a 15.6" 1920×1080 panel (docs/ui.md)
PANELS = [((1280, 800), 96), ((1920, 1080), 141)]


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("window_size", "dpi"), PANELS, indirect=["window_size"])
def test_every_button_is_at_least_15_mm(kiosk_factory, window_size, dpi, large: bool) -> None:
    kiosk = kiosk_factory(settings=UiSettings(dpi=dpi))
    assert tuple(kiosk.window.size) == window_size
    kiosk.ctl.large_text = large
    problems = []
    kiosk.settle()
    problems += undersized(kiosk)  # the attract screen, with its language buttons
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a basket line")
    for name in ALL_SCREENS:
        kiosk.ctl.screen = name
        kiosk.settle()
        if name == "lookup":
            problems += undersized(kiosk)
            kiosk.screen("lookup").open_search("")
            kiosk.settle()
            problems += undersized(kiosk)
            kiosk.screen("lookup").ids.pad.mode = "abc"
            kiosk.settle()
        if name == "formal_receipt":  # the staff reprint's latin pad, then kanji offered
            form = kiosk.screen(name)
            form.open_reprint(back_to="attract")
            kiosk.wait_screen(name)
            kiosk.settle()
            problems += undersized(kiosk)
            form.choose("addressee")
            form.ids.pad.mode = "kana"
            for key in "なか":
                form.ids.pad.type_key(key)
            kiosk.settle()
            assert form.offered
        problems += undersized(kiosk)
    kiosk.ctl.screen = "shopping"
    kiosk.ctl.still_there = True
    kiosk.ctl.staff_mode = "exit"
    kiosk.settle()
    problems += undersized(kiosk)
    assert problems == [], "\n".join(problems)


def test_primary_buttons_are_in_the_lower_half(kiosk) -> None:
    half = kiosk.window.height / 2
    assert kiosk.widget("start", "attract").to_window(0, kiosk.widget("start").top)[1] < half
    kiosk.type_burst(ONIGIRI)
    kiosk.wait_screen("shopping")
    pay = kiosk.widget("pay")
    assert pay.to_window(*pay.pos)[1] + pay.height < half


def test_language_switch_keeps_the_basket(kiosk) -> None:
    kiosk.type_burst(ONIGIRI)
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 2, what="two lines")
    kiosk.settle()
    total = kiosk.ctl.total_text
    kiosk.tap_text(kiosk.screen("shopping"), "English")
    kiosk.wait(lambda: kiosk.ctl.rows[0]["name"] == "Rice ball (salmon)", what="English names")
    assert kiosk.ctl.language == "en"
    assert kiosk.runtime.language == "en"
    assert kiosk.ctl.total_text == total
    assert kiosk.widget("pay").text.startswith("Pay")
    kiosk.tap_text(kiosk.screen("shopping"), "한국어")
    kiosk.wait(lambda: kiosk.ctl.rows[0]["name"] == "주먹밥 연어", what="Korean names")
    assert len(kiosk.ctl.rows) == 2


def test_removal_needs_staff_approval(kiosk_factory, tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        "removal_needs_approval = false", "removal_needs_approval = true"
    )
    config.write_text(text, encoding="utf-8")
    kiosk = kiosk_factory(config_file=config)
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a line")
    kiosk.settle()
    row = next(w for w in kiosk.screen("shopping").ids.basket.walk() if hasattr(w, "line_id"))
    kiosk.tap_text(row, "×")
    kiosk.wait(lambda: kiosk.root.confirm.parent is not None, what="the question")
    kiosk.tap(kiosk.root.confirm.ids.yes)  # "remove": the store wants staff to approve it
    kiosk.wait(lambda: kiosk.ctl.state == "needs_attendant", what="approval lock")
    kiosk.settle()
    overlay = kiosk.root.staff
    for key in "S001":
        kiosk.tap_text(overlay.ids.pad, key)
    kiosk.tap(overlay.ids.ok)
    for key in "1111":  # wrong PIN first
        kiosk.tap_text(overlay.ids.pad, key)
    kiosk.tap(overlay.ids.ok)
    kiosk.wait(lambda: kiosk.ctl.staff_feedback == kiosk.ctl.t("Wrong staff ID or PIN."))
    assert kiosk.ctl.state == "needs_attendant"
    kiosk.ctl.flows.unlock("S001", "1234")
    kiosk.wait(lambda: kiosk.ctl.state == "shopping", what="unlock")
    kiosk.settle()
    assert kiosk.ctl.rows == []


def test_inactivity_asks_then_suspends_the_basket(kiosk) -> None:
    now = [1000.0]
    ctl = kiosk.ctl
    ctl.clock = lambda: now[0]
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: ctl.rows, what="a line")
    kiosk.settle()
    now[0] += ctl.settings.inactivity_seconds + 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert ctl.still_there and kiosk.root.still_there.parent is not None
    now[0] += ctl.settings.still_there_seconds
    ctl.flows.check_inactivity()
    kiosk.wait_screen("attract")
    assert ctl.state == "idle"
    with kiosk.runtime.store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SuspendedBasketRow)) == 1


class FlakyCard(PaymentMethod):
    id, name_ja, name_en, icon, works_offline = "card", "クレジットカード", "Card", "card", True

    def __init__(self) -> None:
        self.calls = 0

    def start(self, amount, idempotency_key):
        self.calls += 1
        if self.calls == 1:
            return PaymentResult(Outcome.DECLINED, message="insufficient funds")
        return PaymentResult(Outcome.APPROVED, amount=amount, reference="ok", masked="4111**1111")

    def status(self, idempotency_key):
        return PaymentResult(Outcome.NOT_FOUND)

    def cancel(self, idempotency_key):
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key, amount):
        return PaymentResult(Outcome.REFUNDED, amount=amount)


class CardPlugin:
    def __init__(self) -> None:
        self.card = FlakyCard()

    @hookimpl
    def kiosk_payment_methods(self, runtime):
        return [self.card]


def test_declined_payment_shows_an_error_and_retry_works(kiosk) -> None:
    kiosk.runtime.host.register(CardPlugin(), "test-card")
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a line")
    kiosk.settle()
    kiosk.tap(kiosk.widget("pay"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, "クレジットカード")
    kiosk.wait(lambda: kiosk.ctl.pay_error, what="decline message")
    kiosk.settle()
    # the failure replaces the instruction (never both on screen)
    assert "できませんでした" in kiosk.widget("instruction", "paying").text
    assert "カード" not in kiosk.widget("instruction", "paying").text
    kiosk.tap(kiosk.widget("retry", "paying"))
    kiosk.wait_screen("receipt")
    assert kiosk.runtime.store.sale_count() == 1
    kiosk.tap(kiosk.widget("none", "receipt"))
    kiosk.wait_screen("thanks")


def test_unknown_code_from_the_keypad_is_a_clear_message(kiosk) -> None:
    kiosk.ctl.go("code")
    screen = kiosk.wait_screen("code")
    for key in "4900000000000":
        kiosk.tap_text(screen.ids.pad, key)
    kiosk.tap(screen.ids.ok)
    kiosk.wait(lambda: kiosk.ctl.message, what="a message")
    assert kiosk.ctl.message_is_error
    assert kiosk.ctl.rows == []


def test_unexpected_errors_return_to_a_safe_screen(kiosk_factory) -> None:
    kiosk = kiosk_factory(catch_errors=True)
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a line")
    kiosk.ctl.screen, kiosk.ctl.pay_busy = "paying", True
    assert ExceptionManager.handle_exception(RuntimeError("boom")) == ExceptionManager.PASS
    kiosk.wait_screen("shopping")  # the basket is still there, so back to shopping
    assert not kiosk.ctl.pay_busy and kiosk.ctl.message_is_error
    kiosk.close()
    assert kiosk.app.handler not in ExceptionManager.handlers


def test_plugin_problems_show_a_staff_detail(kiosk) -> None:
    kiosk.ctl.problems = []
    kiosk.runtime.host._report("plugins.broken", "kiosk_scan_sources", "raised OSError: gone")
    kiosk.ctl.poll_problems()
    kiosk.settle()
    bar = kiosk.root.problem_bar
    assert bar.parent is not None
    assert "plugins.broken" in kiosk.ctl.problems[-1]["staff"]
    kiosk.tap(bar.ids.dismiss)
    kiosk.settle()
