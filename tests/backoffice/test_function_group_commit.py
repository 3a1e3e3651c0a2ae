"""SQLite back office: kiosk batches waiting for the writer are committed in one transaction.

Each test holds the writer turn (as a staff write would), lets the kiosks' requests gather
behind it in a known order, then lets go: the first request leads one group commit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event
from sqlalchemy import select

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post

KIOSKS = ("K01", "K02", "K03")


@pytest.fixture
def store(tmp_path) -> Iterator[tuple[Database, TestClient, dict[str, str]]]:
    db = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}", group_commit=True)
    with db.transaction() as s:
        tokens = {k: enrol_kiosk(s, k, DAY) for k in KIOSKS}
    with TestClient(create_app(db)) as client:
        yield db, client, tokens
    db.close()


def batch(kiosk: str, seqs: range, **kwargs) -> list[dict]:
    return [event(q, DAY + timedelta(minutes=q), kiosk_id=kiosk, **kwargs) for q in seqs]


def commits(db: Database) -> list[int]:
    """A list that grows by one at every COMMIT on the database."""
    seen: list[int] = []
    sa_event.listen(db.engine, "commit", lambda _conn: seen.append(1))
    return seen


def in_one_group(db, client, tokens, posts: list[tuple[str, list[dict]]]) -> list:
    """Post each (kiosk, events) from its own thread while the writer turn is held, each
    only after the one before it has queued, then let the group go; the answers in order."""
    answers: list = [None] * len(posts)

    def send(i: int, kiosk: str, events: list[dict]) -> None:
        answers[i] = post(client, tokens[kiosk], events)

    threads = []
    with db.writers.turn():
        for i, (kiosk, events) in enumerate(posts):
            threads.append(threading.Thread(target=send, args=(i, kiosk, events)))
            threads[-1].start()
            while db.groups.waiting < i + 1:  # queued behind the one before it
                threading.Event().wait(0.001)
    for t in threads:
        t.join()
    return answers


def stored(db: Database) -> dict[str, list[int]]:
    with db.reading() as s:
        rows = s.execute(select(SaleRow.kiosk_id, SaleRow.kiosk_seq).order_by(SaleRow.id))
        by_kiosk: dict[str, list[int]] = {}
        for kiosk_id, seq in rows:
            by_kiosk.setdefault(kiosk_id, []).append(seq)
        return by_kiosk


def last_seqs(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return {k: q for k, q in s.execute(select(KioskRow.kiosk_id, KioskRow.last_seq))}


def test_function_waiting_batches_of_several_kiosks_are_committed_once_in_order(store):
    """GIVEN four batches of three kiosks waiting behind a writer, K01's second batch after
    its first WHEN the writer is done THEN one transaction stores every sale once, K01's in
    seq order, and each kiosk gets its own answer."""
    db, client, tokens = store
    seen = commits(db)
    answers = in_one_group(
        db,
        client,
        tokens,
        [
            ("K01", batch("K01", range(1, 3))),
            ("K02", batch("K02", range(1, 4))),
            ("K01", batch("K01", range(3, 5))),
            ("K03", batch("K03", range(1, 2))),
        ],
    )
    assert [a.status_code for a in answers] == [200] * 4
    assert [(a.json()["acked_through"], a.json()["applied"]) for a in answers] == [
        (2, 2),
        (3, 3),
        (4, 2),
        (1, 1),
    ]
    assert len(seen) == 1 and (db.groups.groups, db.groups.batches) == (1, 4)
    assert stored(db) == {"K01": [1, 2, 3, 4], "K02": [1, 2, 3], "K03": [1]}
    assert last_seqs(db) == {"K01": 4, "K02": 3, "K03": 1}
    # resent in a group of their own: acknowledged, nothing doubled
    again = in_one_group(db, client, tokens, [("K01", batch("K01", range(1, 5)))])
    assert again[0].json()["duplicates"] == 4 and stored(db)["K01"] == [1, 2, 3, 4]


def test_function_one_kiosks_batches_out_of_order_in_a_group_answer_as_one_at_a_time(store):
    """GIVEN K01's seqs 3–4 queued before its seqs 1–2 in one group WHEN committed THEN the
    first is refused as a gap (409 expected 1) and the second applied, as in two
    transactions one after the other."""
    db, client, tokens = store
    later, first = in_one_group(
        db,
        client,
        tokens,
        [("K01", batch("K01", range(3, 5))), ("K01", batch("K01", range(1, 3)))],
    )
    assert later.status_code == 409 and later.json()["expected_seq"] == 1
    assert first.json()["acked_through"] == 2
    assert stored(db) == {"K01": [1, 2]}


def test_function_a_bad_batch_in_a_group_does_not_lose_the_others(store):
    """GIVEN a group where K02's batch has a good sale then one claiming another kiosk
    WHEN committed THEN K01 and K03 are stored, K02 nothing (not even its good first sale,
    nor its last_seq), and K02's answer is the one the same batch gets alone."""
    db, client, tokens = store
    bad = batch("K02", range(1, 2)) + batch("K02", range(2, 3))
    bad[1]["payload"]["kiosk_id"] = "K09"
    answers = in_one_group(
        db,
        client,
        tokens,
        [
            ("K01", batch("K01", range(1, 3))),
            ("K02", bad),
            ("K03", batch("K03", range(1, 3))),
        ],
    )
    assert [a.status_code for a in answers] == [200, 422, 200]
    assert answers[1].json()["error"] == "BadSaleDocument"
    assert stored(db) == {"K01": [1, 2], "K03": [1, 2]}
    assert last_seqs(db) == {"K01": 2, "K02": 0, "K03": 2}
    assert db.groups.groups == 1
    alone = post(client, tokens["K02"], bad)
    assert (alone.status_code, alone.json()) == (422, answers[1].json())


def test_function_a_group_that_fails_at_commit_tells_no_one_stored(store):
    """GIVEN a group of two good batches and a bad one WHEN the COMMIT fails THEN the good
    ones are answered 503 WriteNotStored with Retry-After, the bad one its own 422, nothing
    is stored; resent afterwards, all of it is."""
    db, client, tokens = store
    good_1, good_3 = batch("K01", range(1, 3)), batch("K03", range(1, 2))
    bad = batch("K02", range(1, 2))
    bad[0]["payload"]["kiosk_id"] = "K09"

    def crash(_conn) -> None:
        raise OSError("disk I/O error (injected)")

    sa_event.listen(db.engine, "commit", crash)
    answers = in_one_group(db, client, tokens, [("K01", good_1), ("K02", bad), ("K03", good_3)])
    sa_event.remove(db.engine, "commit", crash)
    assert [a.status_code for a in answers] == [503, 422, 503]
    assert answers[0].json()["error"] == answers[2].json()["error"] == "WriteNotStored"
    assert answers[0].headers["Retry-After"] == "1"
    assert stored(db) == {} and last_seqs(db) == {"K01": 0, "K02": 0, "K03": 0}
    assert db.groups.groups == 0
    assert [a.status_code for a in (post(client, tokens["K01"], good_1),)] == [200]
    assert post(client, tokens["K03"], good_3).json()["applied"] == 1
    assert stored(db) == {"K01": [1, 2], "K03": [1]}


def test_function_group_commit_is_off_unless_asked(tmp_path):
    """One transaction per batch by default (measured faster without fsync)."""
    db = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    assert db.groups is None and db.grouped(lambda session: 7) == 7
    db.close()


def test_function_a_batchs_work_may_not_start_another_grouped_write(store):
    db, _client, _tokens = store
    with pytest.raises(RuntimeError, match="another grouped write"):
        db.grouped(lambda session: db.grouped(lambda inner: None))
