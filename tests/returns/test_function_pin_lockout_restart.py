"""The kiosk's PIN lock-out outlives a restart.

GIVEN a kiosk where someone typed wrong staff PINs
WHEN the kiosk process restarts (a new runtime on the same local store: power cut, crash, or
     an attacker pulling the plug for 5 fresh tries)
THEN the count goes on and a lock-out still holds until its deadline; the refusals stay in the
     journal, and the store keeps no PIN. Before: the count and the lock-out were in memory
     only, so every restart gave 5 more guesses.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from kiosk.staff import LOCKOUT_KEY, StaffLocked, WrongPin, kiosk_staff
from kiosk.store.models import ConfigRow
from tests.returns.test_function_one_pin_lockout import journal_kinds


def test_a_lock_out_holds_after_a_restart(make_runtime):
    first = make_runtime()
    for _ in range(4):
        with pytest.raises(WrongPin):
            first.check_staff_pin("S001", "0000")
    with pytest.raises(StaffLocked):
        first.check_staff_pin("S001", "0000")
    first.shutdown()

    again = make_runtime()  # the same data dir: the kiosk after a restart
    with pytest.raises(StaffLocked):
        again.check_staff_pin("S001", "1234")  # even the right PIN waits
    refused = journal_kinds(again, "staff_pin_refused")
    assert [r["outcome"] for r in refused] == ["wrong_pin"] * 4 + ["locked", "while_locked"]
    kept = again.stored_value(LOCKOUT_KEY)
    assert kept["failures"] == 0 and kept["locked_until"] > time.time() + 200
    with again.store.transaction() as session:  # the store holds the count, never a PIN
        stored = str(session.scalars(select(ConfigRow.value)).all())
    assert "0000" not in stored and "1234" not in stored


def test_wrong_pins_before_a_restart_still_count(make_runtime):
    first = make_runtime()
    for _ in range(3):
        with pytest.raises(WrongPin):
            first.check_staff_pin("S001", "0000")
    first.shutdown()

    again = make_runtime()
    with pytest.raises(WrongPin) as wrong:
        again.check_staff_pin("S001", "0000")
    assert wrong.value.attempts_left == 1  # not 4: the 3 before the restart count
    with pytest.raises(StaffLocked):
        again.check_staff_pin("S001", "0000")


def test_the_lock_out_ends_at_its_deadline_and_a_right_pin_resets_the_count(make_runtime):
    first = make_runtime()
    wall = [time.time()]
    registry = kiosk_staff(first)
    registry.keep_lockout(
        lambda: first.stored_value(LOCKOUT_KEY),
        lambda state: first.store_value(LOCKOUT_KEY, state),
        wall=lambda: wall[0],
    )
    for _ in range(5):
        with pytest.raises((WrongPin, StaffLocked)):
            first.check_staff_pin("S001", "0000")
    first.shutdown()

    wall[0] += registry.lockout_seconds + 1  # the deadline passed while the kiosk was off
    again = make_runtime()
    again_registry = kiosk_staff(again)
    again_registry.keep_lockout(
        lambda: again.stored_value(LOCKOUT_KEY),
        lambda state: again.store_value(LOCKOUT_KEY, state),
        wall=lambda: wall[0],
    )
    with pytest.raises(WrongPin):
        again.check_staff_pin("S001", "0000")
    assert again.check_staff_pin("S001", "1234").staff_id == "S001"
    assert again.stored_value(LOCKOUT_KEY)["failures"] == 0


def test_a_deadline_far_ahead_is_held_no_longer_than_one_lock_out(make_runtime):
    """A wall clock set back (or a forged row) cannot lock the pad for good."""
    runtime = make_runtime()
    runtime.store_value(LOCKOUT_KEY, {"failures": 2, "locked_until": time.time() + 10**9})
    registry = kiosk_staff(runtime)
    assert registry.locked
    assert registry.locked_until - registry.clock() <= registry.lockout_seconds
