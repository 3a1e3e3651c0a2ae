"""A kiosk route authenticates before it looks at the body, and every validation error on an
``/api/`` route is the project's ``{"error", "detail"}`` one-liner (an operator's curl found a
wrong token with ``{}`` answered by the schema's 422, and no body by FastAPI's list)."""

from __future__ import annotations

import pytest

from kiosk.backoffice.core.errors import InvalidInput

KIOSK_POSTS = (
    "/api/v1/sync/outbox",
    "/api/v1/sync/journal-head",
    "/api/v1/masterdata/applied",
    "/api/v1/console/report",
    "/api/v1/handoffs",  # a plugin's route (plugins/handoff)
)
BODIES = ({"json": {}}, {"content": b""}, {"content": b"null"}, {"json": {"events": "x"}})


@pytest.mark.parametrize("path", KIOSK_POSTS)
@pytest.mark.parametrize("body", BODIES)
def test_function_a_wrong_token_is_401_whatever_the_body(client, kiosk_token, path, body):
    kiosk_id, _, _ = kiosk_token.partition(".")
    for token in (f"{kiosk_id}.wrong", "K99.whatever", "garbage"):
        answer = client.post(path, headers={"Authorization": f"Bearer {token}"}, **body)
        assert answer.status_code == 401, (token, answer.text)
        assert set(answer.json()) == {"error", "detail"}
        assert "payload" not in answer.text and "events" not in answer.text  # no schema


@pytest.mark.parametrize("body", ({"content": b""}, {"content": b"null"}))
def test_function_no_body_with_a_good_token_is_the_projects_shape(client, kiosk_token, body):
    bearer = {"Authorization": f"Bearer {kiosk_token}"}
    for path in KIOSK_POSTS:
        answer = client.post(path, headers=bearer, **body)
        assert answer.status_code == 422, answer.text
        assert answer.json() == {"error": InvalidInput.__name__, "detail": "body: Field required"}


def test_function_a_revoked_kiosk_is_403_before_its_body(client, kiosk_token, bo_db, clock):
    from kiosk.backoffice.staff.auth import revoke_kiosk

    with bo_db.transaction() as session:
        revoke_kiosk(session, "K01", clock(), "test")
    answer = client.post(
        "/api/v1/sync/outbox", json={}, headers={"Authorization": f"Bearer {kiosk_token}"}
    )
    assert answer.status_code == 403 and answer.json()["error"] == "KioskRevoked"
