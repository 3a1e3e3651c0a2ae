"""Staff accounts: argon2 passwords, cookie sessions, roles; every change audited."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.staff.models import StaffRow
from tests.backoffice.databases import PASSWORD, sign_in


def test_function_passwords_are_argon2_hashes(staff, bo_db):
    with bo_db.reading() as s:
        row = s.get(StaffRow, "admin")
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash


def test_function_pages_need_a_session(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/api/v1/reports/day").status_code == 401


def test_function_wrong_password_is_refused_and_audited(client, staff, bo_db):
    response = client.post(
        "/login", data={"username": "admin", "password": "nope"}, follow_redirects=False
    )
    assert response.status_code == 401
    with bo_db.reading() as s:
        assert s.scalars(select(AuditRow.action)).all()[-1] == "staff.login_failed"


def test_function_roles_limit_what_staff_can_do(client, staff):
    sign_in(client, staff["attendant"])
    assert client.get("/").status_code == 200
    assert client.get("/reports/daily").status_code == 403
    sign_in(client, staff["manager"])
    assert client.get("/reports/daily").status_code == 200
    assert client.get("/staff").status_code == 403
    sign_in(client, staff["admin"])
    for path in (
        "/staff",
        "/audit",
        "/kiosks",
        "/masterdata",
        "/search",
        "/settlement",
        "/inventory",
        "/reports/pl",
    ):
        assert client.get(path).status_code == 200, path


def test_function_changes_are_audited(client, staff, bo_db):
    sign_in(client, staff["admin"])
    client.post(
        "/staff", data={"username": "hanako", "password": "long enough pw", "role": "attendant"}
    )
    enrolled = client.post("/kiosks/enrol", data={"kiosk_id": "K07", "store_id": "S01"})
    assert "id='token'" in enrolled.text or "id='token'" in enrolled.text
    client.post("/kiosks/revoke", data={"kiosk_id": "K07"})
    client.post(
        "/masterdata/settings",
        data={"key": "coupons", "value": '[{"id": "C1", "amount_off": 100}]'},
    )
    with bo_db.reading() as s:
        actions = [(a.actor, a.action) for a in s.scalars(select(AuditRow).order_by(AuditRow.id))]
    for expected in (
        ("admin", "staff.add"),
        ("admin", "kiosk.enrol"),
        ("admin", "kiosk.revoke"),
        ("admin", "settings.coupons"),
    ):
        assert expected in actions
    assert "hanako" in client.get("/audit").text


def test_function_logout_ends_the_session(client, staff):
    sign_in(client, staff["manager"])
    client.post("/logout")
    assert client.get("/reports/daily", follow_redirects=False).status_code == 303
