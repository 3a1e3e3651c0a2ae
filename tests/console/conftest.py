"""The back office in-process (SQLite and PostgreSQL), kiosks enrolled, staff signed in."""

from __future__ import annotations

import pytest

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.databases import app, bo_db, client, clock, postgres_url, sign_in, staff

__all__ = ["app", "bo_db", "client", "clock", "postgres_url", "staff"]


@pytest.fixture
def tokens(bo_db, clock) -> dict[str, str]:
    """Station ST1 and payment kiosks K02 ("2") and K03 ("3"), plus full-self K01."""
    out = {}
    with bo_db.transaction() as session:
        for kiosk_id, name in (("K01", "1"), ("K02", "2"), ("K03", "3"), ("ST1", "登録1")):
            out[kiosk_id] = enrol_kiosk(session, kiosk_id, clock(), name=name)
            session.get(KioskRow, kiosk_id).name = name
    return out


def report(client, token, state="idle", role="payment", **body):
    body = {"state": state, "role": role, "checkout_state": state, "mode": "open", **body}
    response = client.post(
        "/api/v1/console/report", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()["commands"]


@pytest.fixture
def attendant(client, staff):
    sign_in(client, staff["attendant"])
    return client


def tile(client, kiosk_id):
    snap = client.get("/console/snapshot").json()
    return next(k for k in snap["kiosks"] if k["kiosk_id"] == kiosk_id)
