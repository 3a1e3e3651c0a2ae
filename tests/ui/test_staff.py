"""GIVEN staff accounts WHEN PINs are tried THEN right roles unlock, wrong PINs count and
lock the pad, and every unlock is journalled."""

from datetime import datetime

import pytest

from kiosk.staff import (
    NotAllowed,
    Role,
    StaffLocked,
    StaffRegistry,
    WrongPin,
    audit_unlock,
    demo_accounts,
    hash_pin,
    verify_pin,
)


def test_pins_are_hashed_and_verified() -> None:
    stored = hash_pin("2468")
    assert "2468" not in stored
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert not verify_pin("2468", "plain$2468")


def test_demo_attendant_and_manager() -> None:
    staff = StaffRegistry(demo_accounts())
    assert staff.check("s001", "1234").role is Role.ATTENDANT
    assert staff.check("M001", "9999", Role.MANAGER).role is Role.MANAGER
    with pytest.raises(NotAllowed):
        staff.check("S001", "1234", Role.MANAGER)


def test_five_wrong_pins_lock_for_a_period() -> None:
    now = [100.0]
    staff = StaffRegistry(
        demo_accounts(), lockout_attempts=5, lockout_seconds=60, clock=lambda: now[0]
    )
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as wrong:
            staff.check("S001", "0000")
        assert wrong.value.attempts_left == left
    with pytest.raises(StaffLocked):
        staff.check("S001", "0000")
    with pytest.raises(StaffLocked):
        staff.check("S001", "1234")  # even the right PIN waits
    now[0] += 61
    assert staff.check("S001", "1234").staff_id == "S001"


def test_accounts_from_config_file(tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[staff]\nlockout_attempts = 3\n[staff.accounts.A7]\nrole = "manager"\n'
        f'pin_hash = "{hash_pin("7777")}"\n',
        encoding="utf-8",
    )
    staff = StaffRegistry.from_config_file(path)
    assert staff.lockout_attempts == 3
    assert staff.check("A7", "7777", Role.MANAGER).staff_id == "A7"
    with pytest.raises(WrongPin):
        staff.check("S001", "1234")  # the demo set is not used when accounts are given


def test_unlock_is_audited() -> None:
    events = []

    class Store:
        def journal_event(self, kind, payload, at):
            events.append((kind, payload))

    account = demo_accounts()[0]
    audit_unlock(Store(), account, "attendant", {"reasons": ["age_check"]}, datetime(2025, 1, 1))
    assert events == [
        (
            "staff_unlock",
            {
                "staff_id": "S001",
                "role": "attendant",
                "action": "attendant",
                "reasons": ["age_check"],
            },
        )
    ]
