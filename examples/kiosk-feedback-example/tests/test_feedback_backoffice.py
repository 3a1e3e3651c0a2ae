"""GIVEN the back office with the example allowed WHEN kiosks send feedback events THEN the
plugin's migration made its table, its handler filled it at ingest, and its page (linked in
the navigation bar) shows the counts — all through the hooks, nothing in the core."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.extensions import builtin_host, migration_locations
from kiosk.backoffice.core.security import SESSION_COOKIE, csrf_for
from kiosk.backoffice.staff.auth import Role, add_staff, enrol_kiosk

NOW = datetime(2026, 11, 2, 10, 0)
PASSWORD = "correct horse battery"


def feedback(seq: int, rating: object) -> dict:
    return {
        "seq": seq,
        "event_id": str(uuid.uuid4()),
        "kind": "example_feedback",
        "aggregate_id": "K01",
        "payload": {"rating": rating, "at": NOW.isoformat()},
    }


def back_office(tmp_path, monkeypatch, allowed: list) -> tuple[TestClient, Database, str]:
    monkeypatch.setattr(
        "kiosk.backoffice.staff.auth._hasher", PasswordHasher(time_cost=1, memory_cost=8192)
    )
    host = builtin_host(allowed)
    db = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}", plugin_versions=migration_locations(host))
    with db.transaction() as session:
        add_staff(session, "manager", PASSWORD, Role.MANAGER, NOW, "test")
        token = enrol_kiosk(session, "K01", NOW)
    client = TestClient(create_app(db, clock=lambda: NOW, host=host))
    client.headers["Origin"] = "http://testserver"
    response = client.post(
        "/login", data={"username": "manager", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_for(client.cookies[SESSION_COOKIE])
    return client, db, token


def test_feedback_from_kiosks_reaches_the_plugins_own_table_and_page(
    installed, tmp_path, monkeypatch
):
    client, db, token = back_office(tmp_path, monkeypatch, [installed])
    assert "bo_example_feedback" in inspect(db.engine).get_table_names()
    events = [feedback(1, "good"), feedback(2, "good"), feedback(3, "bad"), feedback(4, 7)]
    answer = client.post(
        "/api/v1/sync/outbox", json={"events": events}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text

    page = client.get("/example-feedback")
    assert page.status_code == 200
    assert '<td class="t">good</td><td>2</td>' in page.text
    assert '<td class="t">bad</td><td>1</td>' in page.text
    assert (
        '<td class="t">unreadable</td><td>1</td>' in page.text
    )  # kept, counted, not a failed batch
    assert 'href="/example-feedback"' in client.get("/").text  # kiosk_backoffice_pages


def test_without_the_allow_list_the_back_office_has_no_such_page(tmp_path, monkeypatch):
    client, db, _ = back_office(tmp_path, monkeypatch, [])
    assert "bo_example_feedback" not in inspect(db.engine).get_table_names()
    assert client.get("/example-feedback").status_code == 404
    assert 'href="/example-feedback"' not in client.get("/").text


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_every_shopper_message_is_translated(language):
    from kiosk_feedback_example import DOMAIN, ui

    from kiosk.messages import catalogue

    msgids = [ui.QUESTION, ui.THANKS, ui.OPEN, *ui.LABELS.values()]
    translated = catalogue(DOMAIN, language)
    assert [m for m in msgids if translated.gettext(m) == m] == []


def test_the_database_still_opens_when_the_plugin_is_left_out_later(
    installed, tmp_path, monkeypatch
):
    """GIVEN a database the plugin made its table in WHEN the back office starts without the
    plugin THEN it opens (nothing to upgrade) and leaves the plugin's table alone."""
    back_office(tmp_path, monkeypatch, [installed])[1].close()
    db = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    assert "bo_example_feedback" in inspect(db.engine).get_table_names()
    db.close()
