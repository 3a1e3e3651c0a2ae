"""Staff actions at a kiosk with a PIN: roles, lock-out after 5 wrong PINs, journal, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.staff import NotAllowed, StaffLocked, StaffRegistry, WrongPin
from kiosk.store.models import JournalRow
from plugins.handoff.tests.conftest import BEER, ONIGIRI, TUNA, plugin_of


@pytest.fixture
def kiosk(make_kiosk, ticks):
    runtime = make_kiosk("K01", role="self")
    actions = plugin_of(runtime).actions
    actions.staff = StaffRegistry.from_settings(
        {"lockout_attempts": 5, "lockout_seconds": 300}, clock=ticks
    )
    return runtime


def test_function_five_wrong_pins_lock_the_pad(kiosk, ticks):
    """GIVEN an age check waiting WHEN 5 wrong PINs are typed THEN the pad locks, even the
    right PIN is refused until the lock-out ends, and every failure is journalled and queued
    for the back office's audit log."""
    actions = plugin_of(kiosk).actions
    kiosk.handle_scan(Scan(BEER))
    for _ in range(4):
        with pytest.raises(WrongPin):
            actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "1234", "approve_age")
    assert kiosk.checkout.state is CheckoutState.NEEDS_ATTENDANT
    ticks.now += 301
    assert actions.with_pin("S001", "1234", "approve_age").ok
    assert kiosk.checkout.state is CheckoutState.SHOPPING

    audit = actions.take_audit()
    assert [a["ok"] for a in audit] == [False] * 6 + [True]
    assert all("pin" not in a["args"] for a in audit)
    with kiosk.store.transaction() as s:
        journal = [r for r in s.scalars(select(JournalRow)) if r.kind == "attendant_action"]
    assert len(journal) == 7 and "1234" not in "".join(r.payload for r in journal)


def test_function_price_override_needs_a_manager(kiosk):
    actions = plugin_of(kiosk).actions
    kiosk.handle_scan(Scan(ONIGIRI))
    kiosk.handle_scan(Scan(ONIGIRI))
    with pytest.raises(NotAllowed):
        actions.with_pin("S001", "1234", "override_price", line_id=1, price=100)
    result = actions.with_pin("M001", "9999", "override_price", line_id=1, price=100)
    assert result.ok, result.detail
    assert kiosk.checkout.totals.total == 200
    assert [a.key for a in kiosk.checkout.basket.adjustments] == ["override:1"]
    refused = actions.with_pin("M001", "9999", "override_price", line_id=1, price=999)
    assert not refused.ok and "between" in refused.detail
    sale = kiosk.pay("cash")
    assert sale.total == 200
    kiosk.finish()
    kiosk.handle_scan(Scan(ONIGIRI))
    assert kiosk.checkout.totals.total == 150  # the override belonged to the last sale only


def test_function_cancel_reprint_message_and_modes(kiosk):
    actions = plugin_of(kiosk).actions
    notices = []
    actions.subscribe(notices.append)
    assert not actions.perform("reprint", "S001").ok  # nothing sold yet
    assert not actions.perform("fly", "S001").ok  # a newer console's action: refused, not raised
    assert not actions.perform("void_line", "S001").ok  # no line named
    kiosk.handle_scan(Scan(TUNA))
    sale = kiosk.pay("cash")
    kiosk.finish()
    assert actions.perform("reprint", "S001").ok
    assert notices[-1].kind == "reprint" and "*** 再発行 REPRINT ***" in notices[-1].lines
    assert str(sale.receipt_no) in notices[-1].text

    kiosk.handle_scan(Scan(TUNA))
    kiosk.checkout.begin_payment()
    assert not actions.perform("close", "M001").ok  # a shopper is here
    assert actions.perform("cancel", "M001").ok
    assert kiosk.checkout.state is CheckoutState.IDLE

    assert actions.perform("message", "S001", text="Please wait, staff is coming").ok
    assert notices[-1] == type(notices[-1])("message", "Please wait, staff is coming")
    assert actions.perform("pause", "S001").ok
    assert "closed" in kiosk.handle_scan(Scan(TUNA)).claim.text("en")
    assert actions.perform("close", "M001").ok and actions.mode == "closed"
    assert actions.perform("open", "S001").ok
    assert kiosk.handle_scan(Scan(TUNA)).line_id == 1


def test_function_the_pad_shares_the_kiosks_one_lock_out(make_kiosk):
    """GIVEN the hand-off plugin on its scoped runtime (no registry of its own) WHEN 5 wrong
    PINs are typed on its pad THEN the staff overlay's registry — the kiosk's one lock-out —
    is locked too, and each refusal is in the kiosk's journal without the PIN."""
    from kiosk.staff import kiosk_staff

    runtime = make_kiosk("K01", role="self")
    actions = plugin_of(runtime).actions
    for _ in range(4):
        with pytest.raises(WrongPin):
            actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):  # the overlay's pad: the same lock-out
        kiosk_staff(runtime).check("S001", "1234")
    with runtime.store.transaction() as s:
        refused = [r for r in s.scalars(select(JournalRow)) if r.kind == "staff_pin_refused"]
    assert len(refused) == 6 and "0000" not in "".join(r.payload for r in refused)
