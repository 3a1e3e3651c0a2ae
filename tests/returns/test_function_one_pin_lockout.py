"""One PIN lock-out per kiosk, whichever pad the PINs are typed on.

GIVEN a kiosk whose attendant actions (the staff overlay's and the console's PIN pad) and
      return screen both take staff PINs
WHEN someone types 5 wrong PINs on one of them
THEN the other refuses even the right PIN until the lock-out ends: a second pad is not
     5 more guesses.
"""

from __future__ import annotations

import json

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


def journal_kinds(runtime, kind: str) -> list[dict]:
    from sqlalchemy import select

    from kiosk.store.models import JournalRow

    with runtime.store.transaction() as session:
        rows = session.scalars(select(JournalRow).where(JournalRow.kind == kind)).all()
        return [json.loads(row.payload) for row in rows]


def test_every_wrong_pin_and_the_lock_out_are_in_the_kiosks_journal(runtime):
    """GIVEN a kiosk's return pad WHEN 5 wrong PINs and one more try THEN each is journalled
    with the staff id typed and what happened, never the PIN (PCI DSS 10.2.1.4)."""
    returns = kiosk_returns(runtime)
    for _ in range(4):
        with pytest.raises(WrongPin):
            returns.sign_in("S001", "0000")
    for _ in range(2):
        with pytest.raises(StaffLocked):
            returns.sign_in("S001", "0000")
    refused = journal_kinds(runtime, "staff_pin_refused")
    assert [r["outcome"] for r in refused] == ["wrong_pin"] * 4 + ["locked", "while_locked"]
    assert {r["staff_id"] for r in refused} == {"S001"}
    assert not any("0000" in str(r) for r in refused)
    assert runtime.store.verify_journal().ok
