"""The local store: durable settings, one-transaction sales, a tamper-evident journal."""

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from kiosk.domain.basket import Basket
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.store import LocalStore
from kiosk.store.engine import pragma_values
from kiosk.store.local import DuplicateSale
from tests.factories import ONIGIRI, SOAP


def make_sale(n: int, sale_id: str | None = None) -> Sale:
    basket = Basket()
    basket.add(ONIGIRI, 1 + n % 3)
    basket.add(SOAP)
    totals = compute_totals(basket.lines)
    now = datetime(2026, 11, 22, 12, 0, n % 60)
    return Sale(
        sale_id=sale_id or f"00000000-0000-0000-0000-{n:012d}",
        kiosk_id="K01",
        receipt_no=n,
        started_at=now,
        completed_at=now,
        lines=tuple(basket.lines),
        adjustments=(),
        totals=totals,
        tenders=(Tender(f"pay-{n}", "cash", "現金", "Cash", totals.total),),
    )


@pytest.fixture
def store(tmp_path):
    s = LocalStore(tmp_path / "kiosk.sqlite3")
    yield s
    s.close()


def test_every_connection_is_wal_full_sync_with_foreign_keys(store):
    assert pragma_values(store.engine) == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


def test_a_sale_commits_with_lines_outbox_and_journal(store):
    store.commit_sale(make_sale(1))
    raw = sqlite3.connect(store.path)
    counts = {
        t: raw.execute(f"select count(*) from {t}").fetchone()[0]
        for t in ("sales", "sale_lines", "outbox", "journal")
    }
    assert counts == {"sales": 1, "sale_lines": 2, "outbox": 1, "journal": 1}


def test_a_failure_mid_commit_leaves_nothing_behind(store):
    # GIVEN the outbox insert fails (disk error, bug) after the sale rows were added
    def explode(*_):
        raise OSError("disk I/O error")

    event.listen(store.engine, "before_cursor_execute", _fail_on_outbox(explode))
    with pytest.raises(OSError):
        store.commit_sale(make_sale(1))
    # THEN no sale, no line, no journal row exists: the transaction rolled back whole
    raw = sqlite3.connect(store.path)
    for table in ("sales", "sale_lines", "outbox", "journal"):
        assert raw.execute(f"select count(*) from {table}").fetchone()[0] == 0, table


def _fail_on_outbox(explode):
    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            explode()

    return listener


def test_committing_the_same_sale_twice_is_refused(store):
    store.commit_sale(make_sale(1))
    with pytest.raises(DuplicateSale):
        store.commit_sale(make_sale(1))
    assert store.sale_count() == 1


def test_journal_verify_detects_an_edited_row(store):
    for n in range(1, 6):
        store.commit_sale(make_sale(n))
    assert store.verify_journal().ok
    raw = sqlite3.connect(store.path)
    raw.execute(
        "update journal set payload = replace(payload, '\"total\":', '\"total\":1') where seq = 3"
    )
    raw.commit()
    check = store.verify_journal()
    assert not check.ok and check.first_bad_seq == 3 and "edited" in check.problem


def test_journal_verify_detects_a_deleted_row(store):
    for n in range(1, 6):
        store.commit_sale(make_sale(n))
    raw = sqlite3.connect(store.path)
    raw.execute("delete from journal where seq = 2")
    raw.commit()
    check = store.verify_journal()
    assert not check.ok and check.first_bad_seq == 3 and "missing" in check.problem


def test_outbox_rows_are_marked_sent_once(store):
    for n in range(1, 4):
        store.commit_sale(make_sale(n))
    unsent = store.unsent_outbox()
    assert [row.aggregate_id for row in unsent] == [make_sale(n).sale_id for n in range(1, 4)]
    store.mark_sent([unsent[0].seq], datetime(2026, 11, 22, 13, 0))
    assert len(store.unsent_outbox()) == 2


def test_sent_marks_take_exactly_the_seqs_given_in_a_run_or_not(store):
    """A run of seqs is marked with one range, any other set seq by seq: the same rows."""
    for n in range(1, 7):
        store.commit_sale(make_sale(n))
    at = datetime(2026, 11, 22, 13, 0)
    store.mark_sent([5, 1, 3], at)  # not a run
    assert [row.seq for row in store.unsent_outbox()] == [2, 4, 6]
    store.mark_sent([2, 2, 4], at)  # a repeat is not a run
    assert [row.seq for row in store.unsent_outbox()] == [6]
    store.mark_sent([6, 7, 8], at)  # a run past the last row
    assert store.unsent_outbox() == []
    assert [row.seq for row in store.unsent_outbox_wire()] == []


def test_a_sent_mark_commits_without_fsync_and_leaves_the_connection_full(store):
    """mark_sent runs at synchronous=NORMAL (a lost mark only resends); the pooled connection
    is back at FULL for the next sale, and the mark is committed."""
    store.commit_sale(make_sale(1))
    seen = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _watch(conn, cursor, statement, *args):
        if statement.startswith("UPDATE outbox"):
            seen.append(conn.connection.driver_connection.execute("PRAGMA synchronous").fetchone())

    store.mark_sent([store.unsent_outbox()[0].seq], datetime(2026, 11, 22, 13, 0))
    assert seen == [(1,)] and store.unsent_outbox() == []
    assert pragma_values(store.engine)["synchronous"] == 2


def test_catalogue_replace_is_all_or_nothing(store):
    store.replace_catalogue([ONIGIRI, SOAP])
    with pytest.raises(IntegrityError):
        store.replace_catalogue([ONIGIRI, ONIGIRI])  # duplicate key fails mid-way
    assert len(store.load_catalogue()) == 2


def test_a_catalogue_load_holds_no_write_lock_while_it_reads(store, monkeypatch):
    """GIVEN a catalogue load part-way through its rows WHEN a sale commits meanwhile THEN it
    commits at once (the load used to run under BEGIN IMMEDIATE: every write waited for it,
    and failed with 'database is locked' past the busy timeout)."""
    from kiosk.store import local

    store.replace_catalogue([ONIGIRI, SOAP])
    committed = []
    to_product = local._product

    def commit_meanwhile(row):
        if not committed:
            store.commit_sale(make_sale(1))
            committed.append(store.sale_exists(make_sale(1).sale_id))
        return to_product(row)

    monkeypatch.setattr(local, "_product", commit_meanwhile)
    assert len(store.load_catalogue()) == 2
    assert committed == [True]
