"""SQLite writers take turns in a short first-come queue instead of SQLite's busy handler."""

from __future__ import annotations

import threading
from datetime import timedelta

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.writer_queue import WriterQueue, WritersBusy
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post


def _until_waiting(queue: WriterQueue, n: int) -> None:
    while queue.waiting < n:  # a thread has queued once the count says so
        threading.Event().wait(0.001)


def test_function_writers_get_their_turn_in_arrival_order():
    """GIVEN a writer holding the turn and three more arriving one after another
    WHEN it finishes THEN they write in the order they came."""
    queue = WriterQueue()
    order: list[int] = []

    def writer(n: int) -> None:
        with queue.turn():
            order.append(n)

    threads = []
    with queue.turn():
        for n in (1, 2, 3):
            t = threading.Thread(target=writer, args=(n,))
            t.start()
            threads.append(t)
            _until_waiting(queue, n)  # the next one arrives only after this one queued
    for t in threads:
        t.join()
    assert order == [1, 2, 3]


def test_function_a_nested_transaction_in_the_same_thread_does_not_wait_for_itself():
    queue = WriterQueue()
    with queue.turn(), queue.turn():
        pass
    with queue.turn():  # released fully: the next turn is free
        pass


def test_function_beyond_the_queue_a_writer_is_refused_at_once():
    """GIVEN a full queue (one waiting, at most one) WHEN another writer comes THEN it is
    refused with WritersBusy (503, retry) instead of parking a thread."""
    queue = WriterQueue(max_waiting=1)
    refused: list[Exception] = []

    def late_writer() -> None:
        try:
            with queue.turn():
                pass
        except WritersBusy as exc:
            refused.append(exc)

    with queue.turn():
        waiter = threading.Thread(target=lambda: queue.turn().__enter__(), daemon=True)
        waiter.start()
        _until_waiting(queue, 1)
        late = threading.Thread(target=late_writer)
        late.start()
        late.join()  # returns at once: it was refused, not queued
    [busy] = refused
    assert busy.status == 503 and busy.retry_after == 1


def test_function_a_kiosk_is_told_to_retry_when_the_writers_queue_is_full(tmp_path):
    """GIVEN the SQLite back office's writer queue full WHEN a kiosk posts sales
    THEN 503 with Retry-After, nothing written; once it drains the resend is applied."""
    from fastapi.testclient import TestClient

    from kiosk.backoffice.app import create_app
    from kiosk.backoffice.staff.auth import enrol_kiosk

    db = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with db.transaction() as s:
        token = enrol_kiosk(s, "K01", DAY)
    db.writers.max_waiting = 0
    batch = [event(1, DAY + timedelta(minutes=1))]
    with TestClient(create_app(db)) as client:
        with db.writers.turn():  # another writer has the database
            refused = post(client, token, batch)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert post(client, token, batch).json()["applied"] == 1
    db.close()


def test_function_postgres_needs_no_writer_queue(bo_db):
    assert (bo_db.writers is None) == (bo_db.engine.dialect.name == "postgresql")
