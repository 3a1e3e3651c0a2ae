"""GIVEN a shopper who walks away from the paying screen — after a card decline, after a
method gave up waiting for them, with cash partly put in — or from the 領収書 screen after
paying
WHEN nobody touches the kiosk for the inactivity time and the "still there?" time
THEN the next shopper is not left with the last one's sale: the basket is put aside for
staff and nothing is charged again (a decline, a time-out); staff are called with the cash
left in the changer, which keeps it until they decide (cash); the paid sale is finished
without paper (領収書).

Before: the inactivity check ran on the shopping screens, the method tiles and the receipt
choice only. Found by driving the kiosk as a shopper: after a decline the paying screen
stayed up with no timer, for ever; with ¥1,000 of ¥2,480 put in, the kiosk waited for more
and called nobody (and after the cash method's own 3 minutes handed the ¥1,000 out to an
empty tray); the 領収書 screen kept the last shopper's sale open.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kiosk.store.models import JournalRow, SuspendedBasketRow
from tests.ui.test_payment_screens import ONIGIRI, RICE, choose, shop
from tests.ui.test_screens import CardPlugin
from tests.ui.test_walked_away_at_checkout import frozen_clock, paid_in_cash_slowly

pytestmark = pytest.mark.ui


def suspended(kiosk) -> int:
    with kiosk.runtime.store.transaction() as session:
        return session.scalar(select(func.count()).select_from(SuspendedBasketRow))


def walk_away(kiosk, now: list[float]) -> None:
    """The inactivity time: "still there?" is asked; then its own time runs out."""
    ctl = kiosk.ctl
    now[0] += ctl.settings.inactivity_seconds + 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert ctl.still_there and kiosk.root.still_there.parent is not None  # asked first
    now[0] += ctl.settings.still_there_seconds
    ctl.flows.check_inactivity()


def test_gone_after_a_decline_the_basket_is_put_aside_and_not_charged(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    plugin = CardPlugin()  # declines the first time, approves after
    runtime.host.register(plugin, "test-card")
    now = frozen_clock(kiosk)
    shop(kiosk, ONIGIRI)
    choose(kiosk, "クレジットカード")
    kiosk.wait(lambda: ctl.pay_error, what="the decline")
    kiosk.settle()
    assert ctl.state == "paying" and ctl.screen == "paying"
    walk_away(kiosk, now)
    kiosk.wait_screen("attract")
    kiosk.wait(lambda: ctl.state == "idle", what="the checkout let go")
    assert suspended(kiosk) == 1
    assert plugin.card.calls == 1 and runtime.store.sale_count() == 0  # never charged again


def test_gone_after_the_reader_gave_up_the_basket_is_put_aside(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    runtime.method("emoney").touch_wait_s = 0.2  # nobody touched the reader
    now = frozen_clock(kiosk)
    shop(kiosk, ONIGIRI)
    choose(kiosk, "電子マネー")
    kiosk.wait(lambda: ctl.pay_error, what="no card touched")
    kiosk.settle()
    walk_away(kiosk, now)
    kiosk.wait_screen("attract")
    assert suspended(kiosk) == 1 and runtime.store.sale_count() == 0
    assert runtime.checkout.state.value == "idle"


def test_still_there_after_a_decline_keeps_the_payment(kiosk) -> None:
    ctl = kiosk.ctl
    kiosk.runtime.host.register(CardPlugin(), "test-card")
    now = frozen_clock(kiosk)
    shop(kiosk, ONIGIRI)
    choose(kiosk, "クレジットカード")
    kiosk.wait(lambda: ctl.pay_error, what="the decline")
    kiosk.settle()
    now[0] += ctl.settings.inactivity_seconds + 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    kiosk.tap(kiosk.root.still_there.ids.yes)
    now[0] += ctl.settings.still_there_seconds
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert ctl.screen == "paying" and ctl.state == "paying" and suspended(kiosk) == 0
    kiosk.tap(kiosk.widget("retry", "paying"))  # the shopper pays after all
    kiosk.wait_screen("receipt")


def test_gone_with_cash_partly_in_staff_are_called_and_the_cash_kept(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    cash = runtime.method("cash")
    now = frozen_clock(kiosk)
    shop(kiosk, RICE)  # ¥2,480
    cash.drawer.insert(1000)
    paying = choose(kiosk, "現金")
    kiosk.wait(lambda: paying.ids.inserted.text == "￥1,000", what="¥1,000 shown")
    ctl.flows.check_inactivity()  # the next tick sees the cash go in: the time starts there
    now[0] += ctl.settings.inactivity_seconds - 1
    ctl.flows.check_inactivity()
    assert not ctl.still_there
    now[0] += 2
    ctl.flows.check_inactivity()
    kiosk.pump(5)  # no settle: the deposit keeps the worker
    assert ctl.still_there and kiosk.root.still_there.parent is not None
    assert "あと29秒で係員をお呼びします。" in [
        w.text for w in kiosk.root.still_there.walk() if hasattr(w, "text")
    ]
    now[0] += ctl.settings.still_there_seconds
    ctl.flows.check_inactivity()
    kiosk.wait(lambda: kiosk.root.staff.parent is not None, what="the staff overlay")
    kiosk.pump(5)  # no settle: the deposit keeps the worker
    assert kiosk.root.staff.ids.reasons.text == "機内に現金が残っています：￥1,000"
    assert runtime.checkout.state.value == "needs_attendant"
    assert cash.drawer.depositing and cash.drawer.net == 0  # kept in the changer, not paid out
    assert ctl.pay_busy and suspended(kiosk) == 0  # the basket stays with its payment
    with runtime.store.transaction() as session:
        calls = session.scalars(select(JournalRow).where(JournalRow.kind == "attendant_needed"))
        payloads = [json.loads(row.payload) for row in calls]
    assert [(p["reason"], p["detail"]) for p in payloads] == [("cash_left", "1000")]
    # staff sign in beside the waiting deposit, then give the money back
    ctl.flows.unlock("S001", "1234")
    kiosk.wait(lambda: kiosk.root.staff.parent is None, what="the overlay unlocked")
    kiosk.wait(lambda: ctl.state == "paying", what="the payment again")
    kiosk.pump(5)  # no settle: the deposit keeps the worker
    kiosk.tap(paying.ids.back)
    kiosk.wait_screen("shopping")
    assert ctl.message == "お支払いをやめました。￥1,000を返却口からお取りください。"
    assert not cash.drawer.depositing and runtime.store.sale_count() == 0


def at_the_formal_receipt(kiosk) -> tuple[list[float], object]:
    """Paid; the shopper opened the 領収書 screen (and then, in the tests, left)."""
    now = frozen_clock(kiosk)
    paid_in_cash_slowly(kiosk, now)
    kiosk.tap(kiosk.widget("formal_receipt", "receipt"))
    form = kiosk.wait_screen("formal_receipt")
    kiosk.settle()
    return now, form


def test_gone_from_the_formal_receipt_screen_the_sale_is_finished(kiosk) -> None:
    ctl = kiosk.ctl
    now, _form = at_the_formal_receipt(kiosk)
    now[0] += ctl.settings.inactivity_seconds + ctl.settings.still_there_seconds - 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert ctl.screen == "formal_receipt"  # not yet
    now[0] += 1
    ctl.flows.check_inactivity()
    kiosk.wait(lambda: ctl.state == "idle", what="the sale finished")
    kiosk.wait(lambda: ctl.screen in ("thanks", "attract"), what="the next shopper's screen")
    assert kiosk.runtime.store.sale_count() == 1


def test_the_formal_receipt_screen_waits_while_it_prints(kiosk) -> None:
    ctl = kiosk.ctl
    now, form = at_the_formal_receipt(kiosk)
    form.busy = True  # a 領収書 on its way out of the printer
    now[0] += ctl.settings.inactivity_seconds + ctl.settings.still_there_seconds + 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert ctl.screen == "formal_receipt" and ctl.state == "paid"
