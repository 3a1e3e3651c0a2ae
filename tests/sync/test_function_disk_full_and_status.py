"""The back office's database cannot write (disk full), and sync status after a new database.

GIVEN a kiosk with sales WHEN the back office's write fails with an OperationalError (disk
full) THEN the answer is a 503 with Retry-After and one log line (no traceback), nothing is
applied, the relay keeps the sales and delivers them once the disk has room again.

GIVEN a kiosk re-imaged (a new database whose seqs start again at 1) WHEN it asks for its
sync status THEN ``last_seq`` is in its own seqs, as ``acked_through`` is.
"""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kiosk.backoffice.kiosks import identity as kiosk_identity
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.store import LocalStore, identity
from kiosk.store.models import OutboxRow
from kiosk.sync.relay import CycleOutcome, OutboxRelay
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post
from tests.sync.test_kiosk_identity import delete_database, deliver, sell
from tests.sync.transport import kiosk_client


@pytest.fixture
def http(transport):
    with kiosk_client(transport) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def disk_full(monkeypatch):
    """Every ingest writes its rows, then the database refuses them (disk full)."""
    real = kiosk_identity.ingest

    def full(session, *args, **kwargs):
        real(session, *args, **kwargs)
        session.flush()
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(kiosk_identity, "ingest", full)
    return lambda: monkeypatch.setattr(kiosk_identity, "ingest", real)


def sales_stored(bo_db) -> int:
    with bo_db.reading() as s:
        return len(s.scalars(select(SaleRow.sale_id)).all())


def test_function_disk_full_is_a_503_with_retry_after_and_nothing_applied(
    client, bo_db, kiosk_token, disk_full, caplog
):
    with caplog.at_level(logging.INFO):
        response = post(client, kiosk_token, [event(1, DAY)])
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    body = response.json()
    assert body["error"] == "DatabaseUnavailable" and "database or disk is full" in body["detail"]
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(errors) == 1 and errors[0].exc_info is None, [r.getMessage() for r in errors]
    assert "database or disk is full" in errors[0].getMessage()
    assert sales_stored(bo_db) == 0
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").last_seq == 0


def test_function_the_traceback_is_logged_at_debug_only(client, kiosk_token, disk_full, caplog):
    with caplog.at_level(logging.DEBUG, logger="kiosk.backoffice.core.db_unavailable"):
        assert post(client, kiosk_token, [event(1, DAY)]).status_code == 503
    traced = [r for r in caplog.records if r.exc_info]
    assert [r.levelno for r in traced] == [logging.DEBUG]


def test_function_the_relay_keeps_its_sales_through_a_full_disk_and_sends_them_after(
    store, http, kiosk_token, bo_db, clock, disk_full
):
    sell(store, clock, 1, 2, 3)
    relay = OutboxRelay(store, http, kiosk_token, clock=clock, sleep=clock.sleep)
    result = relay.send_once()
    assert result.outcome is CycleOutcome.FAILED and result.detail == "HTTP 503"
    assert len(store.unsent_outbox()) == 3  # nothing marked sent, nothing parked
    assert relay.stopped is None and sales_stored(bo_db) == 0

    disk_full()  # room again
    deliver(store, http, kiosk_token, clock)
    assert sales_stored(bo_db) == 3


def test_function_status_last_seq_is_in_the_kiosks_own_seqs_after_a_new_database(
    store, http, kiosk_token, bo_db, clock, client
):
    sell(store, clock, 1, 2, 3)
    deliver(store, http, kiosk_token, clock)
    status = client.get("/api/v1/sync/status", headers=bearer(kiosk_token)).json()
    assert status["last_seq"] == 3
    delete_database(store)

    fresh = LocalStore(store.path)
    try:
        identity.confirm_new(fresh, "re-imaged", clock(), None)
        sell(fresh, clock, 11, 12)
        deliver(fresh, http, kiosk_token, clock)
        with bo_db.reading() as s:
            assert s.get(KioskRow, "K01").last_seq == 5  # the back office's numbering
        with fresh.transaction() as session:
            highest = session.scalar(select(func.max(OutboxRow.seq)))
        assert highest == 2
        status = client.get("/api/v1/sync/status", headers=bearer(kiosk_token)).json()
        assert status["last_seq"] == highest  # the fresh database's seqs 1 and 2
    finally:
        fresh.close()
