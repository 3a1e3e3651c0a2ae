"""One PIN lock-out per kiosk, whichever pad the PINs are typed on.

GIVEN a kiosk whose attendant actions (the staff overlay's and the console's PIN pad) and
      return screen both take staff PINs
WHEN someone types 5 wrong PINs on one of them
THEN the other refuses even the right PIN until the lock-out ends: a second pad is not
     5 more guesses.
"""

from __future__ import annotations

import pytest

from kiosk.runtime.returns import kiosk_returns
from kiosk.staff import StaffLocked, WrongPin
from plugins.handoff.actions import StaffActions


def test_wrong_pins_at_the_attendant_pad_lock_the_return_screen_too(runtime):
    actions = StaffActions(runtime)
    for _ in range(4):
        with pytest.raises(WrongPin):
            actions.with_pin("S001", "0000", "reprint")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "0000", "reprint")
    with pytest.raises(StaffLocked):
        kiosk_returns(runtime).sign_in("S001", "1234")


def test_wrong_pins_at_the_return_screen_lock_the_attendant_pad_too(runtime):
    returns = kiosk_returns(runtime)
    for _ in range(4):
        with pytest.raises(WrongPin):
            returns.sign_in("S001", "0000")
    with pytest.raises(StaffLocked):
        returns.sign_in("S001", "0000")
    with pytest.raises(StaffLocked):
        StaffActions(runtime).with_pin("S001", "1234", "reprint")
