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
from kiosk.ui.settings import mm_to_px
from kiosk.ui.widgets import walk_buttons

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
    node = widget
    while node is not None and node is not node.parent:
        if node.opacity == 0 or node.height < 1:
            return False
        node = node.parent
    return True


def undersized(kiosk) -> list[str]:
    need = mm_to_px(15, kiosk.ctl.settings.dpi) - 0.5
    return [
        f"{kiosk.ctl.screen}:{b.text!r} {b.width:.0f}x{b.height:.0f}"
        for b in walk_buttons(kiosk.root)
        if visible(b) and min(b.size) < need
    ]


@pytest.mark.parametrize("large", [False, True])
def test_every_button_is_at_least_15_mm(kiosk, large: bool) -> None:
    kiosk.ctl.large_text = large
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a basket line")
    problems = []
    for name in ALL_SCREENS:
        kiosk.ctl.screen = name
        kiosk.settle()
        if name == "lookup":
            problems += undersized(kiosk)
            kiosk.screen("lookup").open_search("")
            kiosk.settle()
        problems += undersized(kiosk)
    kiosk.ctl.screen = "shopping"
    kiosk.ctl.still_there = True
    kiosk.ctl.staff_mode = "exit"
    kiosk.settle()
    problems += undersized(kiosk)
    assert problems == []


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
