"""Live pages across worker processes: PostgreSQL LISTEN/NOTIFY wakes the other worker.

GIVEN two back-office worker processes on one PostgreSQL database, each with a live-page
refresh of an hour (so only a notification can wake a stream), WHEN a kiosk's sale is
ingested by worker B THEN the live sales stream open on worker A sends the day again, with
the sale in it. The read timeout only keeps a broken feed from hanging the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, text

from kiosk.backoffice.cli import store_clock
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import Role, add_staff, enrol_kiosk
from tests.backoffice.helpers import event
from tests.e2e.test_live_sales import day_events

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "live-across-workers"
# the workers count "today" on the store's clock: the sale is stamped on the same clock (the
# machine's own date differs from Tokyo's for nine hours a day)
STORE_ZONE = "Asia/Tokyo"
HANG_GUARD_S = 60.0  # not a performance bound: the refresh is an hour, this only ends a hang


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(db_url: str) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "BACKOFFICE_LIVE_REFRESH_S": "3600",
        "STORE_TIME_ZONE": STORE_ZONE,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kiosk.backoffice.cli:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    return f"http://127.0.0.1:{port}", process


def _wait_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"worker exited with {process.returncode}"
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"worker {base} did not start")


@pytest.fixture
def two_workers(postgres_url) -> Iterator[tuple[str, str, str]]:
    db = Database(postgres_url, migrate=False)
    # every table, not only the models': on PostgreSQL the partitions' bo_sale_keys (no
    # model) keeps K01's sequence numbers from earlier tests on this session's database
    names = inspect(db.engine).get_table_names()
    tables = ", ".join(t for t in names if not t.endswith("alembic_version"))
    with db.engine.begin() as c:
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with db.transaction() as session:
        token = enrol_kiosk(session, "K01", datetime.now())
        add_staff(session, "attendant", PASSWORD, Role.ATTENDANT, datetime.now(), "test")
    db.close()
    workers = [_worker(postgres_url), _worker(postgres_url)]
    try:
        for base, process in workers:
            _wait_up(base, process)
        yield workers[0][0], workers[1][0], token
    finally:
        for _, process in workers:
            process.send_signal(signal.SIGTERM)
        for _, process in workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def test_function_a_page_on_one_worker_is_woken_by_an_ingest_on_the_other(two_workers):
    worker_a, worker_b, token = two_workers
    timeout = httpx.Timeout(10, read=HANG_GUARD_S)
    with httpx.Client(base_url=worker_a, timeout=timeout, headers={"Origin": worker_a}) as a:
        assert a.post(
            "/login", data={"username": "attendant", "password": PASSWORD}
        ).status_code in (200, 303)
        with a.stream("GET", "/live/events") as stream:
            days = day_events(stream.iter_lines())
            before = next(days)
            answer = httpx.post(
                f"{worker_b}/api/v1/sync/outbox",
                json={"events": [event(1, store_clock(STORE_ZONE)(), n=1)]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert answer.status_code == 200 and answer.json()["applied"] == 1, answer.text
            after = next(days)  # sent only if worker B's NOTIFY reached worker A
    assert after["sales"] == before["sales"] + 1 and after["total"] > before["total"]
