"""Sign-in throttling (per account and per address) and a user look-up that does not leak names."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.errors import LoginFailed, TooManyLoginAttempts
from kiosk.backoffice.staff import auth
from kiosk.backoffice.staff.throttle import LoginThrottle
from tests.backoffice.databases import PASSWORD

T0 = datetime(2026, 4, 1, 10, 0)


def post_login(client, username: str, password: str):
    return client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )


def test_function_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    client, staff, bo_db, clock
):
    """GIVEN five wrong passwords WHEN the right one follows THEN 429 with Retry-After, audited."""
    for _ in range(5):
        assert post_login(client, "admin", "wrong guess").status_code == 401
    refused = post_login(client, "admin", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert "try again in 30 s" in refused.text
    with bo_db.reading() as s:
        actions = s.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
        locked = s.scalars(select(AuditRow).where(AuditRow.action == "staff.login_locked")).one()
    assert actions.count("staff.login_failed") == 5
    assert locked.detail == {"key": "user:admin", "failures": 5, "seconds": 30}
    assert locked.result == "failure" and locked.origin == "login:testclient"

    clock.advance(seconds=31)
    assert post_login(client, "admin", PASSWORD).status_code == 303


def test_function_back_off_doubles_and_a_success_clears_the_account(client, staff, clock):
    for _ in range(5):
        post_login(client, "manager", "wrong guess")
    clock.advance(seconds=31)
    assert post_login(client, "manager", "wrong again").status_code == 401
    assert post_login(client, "manager", PASSWORD).headers["Retry-After"] == "60"
    clock.advance(seconds=61)
    assert post_login(client, "manager", PASSWORD).status_code == 303
    # cleared: four more failures do not lock
    for _ in range(4):
        assert post_login(client, "manager", "wrong guess").status_code == 401
    assert post_login(client, "manager", PASSWORD).status_code == 303


def test_function_one_address_spraying_many_names_is_locked(client, staff):
    """Per-account counts alone miss a guesser who tries one password on many names."""
    for n in range(20):
        assert post_login(client, f"user{n}", "Summer2026!").status_code == 401
    refused = post_login(client, "admin", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 30


def test_function_locks_are_per_key_and_say_how_long():
    throttle = LoginThrottle(account_free=2)
    throttle.failed("admin", "10.0.0.9", T0)
    assert throttle.failed("admin", "10.0.0.9", T0)[0].seconds == 30
    with pytest.raises(TooManyLoginAttempts) as raised:
        throttle.check("admin", "10.0.0.7", T0 + timedelta(seconds=10))
    assert raised.value.status == 429 and raised.value.retry_after == 20
    throttle.check("hanako", "10.0.0.7", T0)  # other accounts, other addresses: free


def test_function_back_off_is_capped_and_the_table_is_bounded():
    throttle = LoginThrottle(max_keys=50)
    for _ in range(40):
        locks = throttle.failed("admin", "10.0.0.9", T0)
    assert max(lock.seconds for lock in locks) == 15 * 60
    for n in range(200):
        throttle.failed(f"u{n}", f"10.1.{n}.1", T0 + timedelta(seconds=n))
    assert len(throttle._counts) <= 50
    # stale keys are forgotten after an hour without failures
    throttle.failed("x", "10.9.9.9", T0 + timedelta(hours=3))
    assert set(throttle._counts) == {"user:x", "addr:10.9.9.9"}


def recorded_verifies(monkeypatch) -> list[str]:
    """The hashes argon2 verifies from now on (a light hasher that records each one)."""
    verified: list[str] = []

    class Recording(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(auth, "_hasher", Recording(time_cost=1, memory_cost=8192, parallelism=1))
    return verified


def test_function_unknown_users_cost_the_same_argon2_time(staff, bo_db, clock, monkeypatch):
    """GIVEN a real and an unknown name WHEN each signs in wrongly THEN each costs the same
    argon2 work: one verify against a hash of the same parameters (time, memory, lanes).

    Before, argon2 was skipped for unknown users: ~2 ms against ~240 ms told which names
    exist. Counted, not timed: wall-clock comparisons on a shared machine are noise."""
    verified = recorded_verifies(monkeypatch)
    for username in ("admin", "nobody-here"):
        with pytest.raises(LoginFailed), bo_db.transaction() as session:
            auth.login(session, username, "wrong guess", clock())
    assert len(verified) == 2
    known, unknown = (h.split("$")[3] for h in verified)  # "m=…,t=…,p=…"
    assert known == unknown, verified


def test_function_unknown_user_is_verified_against_a_dummy_hash(staff, bo_db, clock, monkeypatch):
    verified = recorded_verifies(monkeypatch)
    with pytest.raises(LoginFailed), bo_db.transaction() as session:
        auth.login(session, "nobody-here", "wrong guess", clock())
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_function_a_successful_sign_in_is_audited_with_where_it_came_from(client, staff, bo_db):
    """GIVEN a right password WHEN staff sign in THEN the audit row names the origin (PCI DSS
    10.3.5), as a failed sign-in's row does."""
    assert post_login(client, "admin", PASSWORD).status_code == 303
    with bo_db.reading() as s:
        row = s.scalars(select(AuditRow).where(AuditRow.action == "staff.login")).one()
    assert row.result == "success" and row.origin == "login:testclient"
