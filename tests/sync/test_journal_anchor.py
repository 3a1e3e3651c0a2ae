"""Journal anchors with the back office: heads reported, backwards and forked heads flagged.

Runs on both back-office databases (``bo_db``: SQLite and PostgreSQL).
"""

from __future__ import annotations

import time

import httpx
import pytest
from alembic import command
from sqlalchemy import inspect, select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.db import alembic_config
from kiosk.backoffice.kiosks.journal_anchor import AUDIT_ACTION, current_anchor
from kiosk.backoffice.kiosks.models import JournalHeadRow
from kiosk.domain.scan import Scan
from kiosk.store import LocalStore
from kiosk.store import anchor as anchors
from kiosk.store.models import JournalRow
from kiosk.sync.anchor import AnchorReporter
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import make_sale
from tests.store.test_journal_anchor import copy_database, cut_tail
from tests.sync.transport import kiosk_client, start_sync_thread


@pytest.fixture
def http(transport):
    with kiosk_client(transport) as c:
        yield c


def sell(store: LocalStore, clock, first: int, last: int) -> None:
    for n in range(first, last + 1):
        clock.advance(minutes=1)
        store.commit_sale(make_sale(n, clock()))


def history(bo_db) -> list[tuple[int, str, int | None]]:
    with bo_db.reading() as s:
        rows = s.scalars(select(JournalHeadRow).order_by(JournalHeadRow.id))
        return [(r.seq, r.verdict, r.anchor_seq) for r in rows]


def audit_flags(bo_db) -> list[dict]:
    with bo_db.reading() as s:
        return [
            a.detail for a in s.scalars(select(AuditRow).where(AuditRow.action == AUDIT_ACTION))
        ]


def journaled_problems(store: LocalStore) -> int:
    with store.transaction() as s:
        return len(
            s.scalars(select(JournalRow).where(JournalRow.kind == anchors.PROBLEM_KIND)).all()
        )


def put_back_an_old_copy(store: LocalStore, http, kiosk_token, clock, tmp_path) -> LocalStore:
    """Rows 1–3 sold and reported, the file copied, rows 4–6 sold and reported (the back
    office anchors 6), then the copy put back in place: the reopened store."""
    reporter = AnchorReporter(store, http, kiosk_token, clock=clock)
    sell(store, clock, 1, 3)
    reporter.report()
    copy_database(store, tmp_path / "old.sqlite3")
    sell(store, clock, 4, 6)
    reporter.report()
    store.close()
    (tmp_path / "old.sqlite3").replace(store.path)
    return LocalStore(store.path)


def test_an_honest_kiosk_is_anchored_and_passes(store, http, kiosk_token, bo_db, clock):
    """GIVEN a kiosk that sells and reports WHEN it reports again after more sales THEN each
    head is accepted, both sides keep the same anchor, and nothing is flagged."""
    reporter = AnchorReporter(store, http, kiosk_token, clock=clock)
    sell(store, clock, 1, 3)
    first = reporter.report()
    assert first is not None and first.ok and reporter.last_verdict == "ok"
    assert reporter.report() is None  # the head did not move: nothing to send
    sell(store, clock, 4, 6)
    second = reporter.report()
    assert second is not None and second.ok
    head = anchors.head(store)
    assert anchors.local_anchor(store) == head
    assert reporter.fetch_anchor() == head
    assert history(bo_db) == [(3, "ok", None), (6, "ok", 3)]
    assert audit_flags(bo_db) == [] and journaled_problems(store) == 0


def test_a_tail_cut_below_the_anchor_is_flagged_backwards(
    store, http, kiosk_token, bo_db, clock, client, staff
):
    """GIVEN a kiosk anchored at row 6 WHEN rows 4-6 are cut and it reports THEN the back
    office flags the head as gone backwards (audit log, kiosks page) and the kiosk names row 6."""
    reporter = AnchorReporter(store, http, kiosk_token, clock=clock)
    sell(store, clock, 1, 6)
    reporter.report()
    cut_tail(store, 4)
    assert store.verify_journal().ok
    result = reporter.report()
    assert result is not None and not result.ok and reporter.last_verdict == "backwards"
    assert result.source == anchors.BACK_OFFICE and "journal row 6" in result.text("en")
    assert history(bo_db)[-1] == (3, "backwards", 6)
    assert audit_flags(bo_db) == [{"verdict": "backwards", "head_seq": 3, "anchor_seq": 6}]
    with bo_db.reading() as s:
        assert current_anchor(s, "K01").seq == 6  # the anchor never moves back
    assert journaled_problems(store) == 1
    sign_in(client, staff["manager"])
    page = client.get("/kiosks").text
    assert "要確認 CHECK: backwards — head 3 vs anchor 6" in page


def test_an_old_database_copy_with_its_own_config_is_caught_by_the_back_office(
    store, http, kiosk_token, bo_db, clock, tmp_path
):
    """GIVEN a copy of the whole file taken at row 3 (its config anchored at 3) and the back
    office anchored at 6 WHEN the copy is put back THEN the local check passes (the config went
    back with it) but the back office answers backwards, and after new sales, fork."""
    swapped = put_back_an_old_copy(store, http, kiosk_token, clock, tmp_path)
    try:
        local = anchors.check_local(swapped)
        assert local is not None and local.ok and local.anchor.seq == 3
        restarted = AnchorReporter(swapped, http, kiosk_token, clock=clock)
        result = restarted.report()
        assert result is not None and not result.ok and restarted.last_verdict == "backwards"
        assert "journal row 6" in result.text("en") and "missing" in result.text("en")
        sell(swapped, clock, 104, 108)  # rows 4.. again, with other sales
        forked = restarted.report()
        assert forked is not None and not forked.ok and restarted.last_verdict == "fork"
        assert "does not match" in forked.text("en") and "第6行" in forked.text("ja")
        assert [v for _, v, _ in history(bo_db)] == ["ok", "ok", "backwards", "fork"]
        assert len(audit_flags(bo_db)) == 1  # one episode, one audit row
        assert anchors.local_anchor(swapped).seq == 3  # a failed check never moves it
    finally:
        swapped.close()


def test_the_same_seq_with_another_hash_is_a_fork(store, http, kiosk_token, bo_db, clock):
    reporter = AnchorReporter(store, http, kiosk_token, clock=clock)
    sell(store, clock, 1, 2)
    reporter.report()
    answer = http.post(
        "/api/v1/sync/journal-head",
        json={"seq": 2, "hash": "f" * 64},
        headers={"Authorization": f"Bearer {kiosk_token}"},
    )
    assert answer.json() == {"verdict": "fork", "anchor": anchors.head(store).to_json()}
    assert audit_flags(bo_db) == [{"verdict": "fork", "head_seq": 2, "anchor_seq": 2}]


def test_an_offline_kiosk_sells_and_verifies_with_its_local_anchor(
    store, http, transport, kiosk_token, clock
):
    """GIVEN an anchored kiosk WHEN the back office is down THEN it still sells, the local
    anchor still holds, and a tail cut is found, logged and journaled once."""
    reporter = AnchorReporter(store, http, kiosk_token, clock=clock)
    sell(store, clock, 1, 5)
    reporter.report()
    transport.down = True
    sell(store, clock, 6, 8)
    with pytest.raises(httpx.ConnectError):
        reporter.report()
    assert reporter.check_at_startup().ok
    cut_tail(store, 4)
    assert not reporter.check_at_startup().ok
    assert not reporter.check_at_startup().ok
    assert journaled_problems(store) == 1
    sell(store, clock, 9, 9)
    assert store.sale_count() == 9


def test_a_malformed_head_is_refused_and_nothing_is_recorded(client, kiosk_token, bo_db):
    for body in (
        {"seq": 3, "hash": "nothex"},
        {"seq": -1, "hash": "a" * 64},
        [1, 2],
        {"seq": 2, "hash": "a" * 64, "at_anchor": "x"},
    ):
        answer = client.post(
            "/api/v1/sync/journal-head",
            json=body,
            headers={"Authorization": f"Bearer {kiosk_token}"},
        )
        assert answer.status_code == 422 and "journal head" in answer.json()["detail"]
    assert history(bo_db) == []


def test_the_sync_thread_reports_the_head(client, bo_db, kiosk_token, make_runtime):
    """GIVEN a kiosk with a sync thread WHEN a sale is made and sent THEN its head is anchored."""
    runtime = make_runtime()
    start_sync_thread(runtime, client, kiosk_token)
    runtime.handle_scan(Scan("4901234000018"))
    runtime.pay("cash")
    deadline = time.monotonic() + 20
    while anchors.local_anchor(runtime.store) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    with bo_db.reading() as s:
        assert current_anchor(s, "K01") == anchors.local_anchor(runtime.store) is not None


def test_the_migration_branch_goes_down_and_up(bo_db):
    """GIVEN the migrated schema WHEN the journal_anchor branch is taken down and up again
    THEN the table is gone in between and back after (SQLite and PostgreSQL)."""
    config = alembic_config(bo_db.engine)
    for target, step, present in (
        ("journal_anchor@-1", command.downgrade, False),
        ("heads", command.upgrade, True),
    ):
        with bo_db.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, target)
        assert inspect(bo_db.engine).has_table("bo_journal_heads") is present


def test_an_admin_resets_the_anchor_of_a_kiosk_replaced_on_purpose(
    store, http, kiosk_token, bo_db, clock, tmp_path, client, staff
):
    """GIVEN a kiosk flagged after its database was put back from a copy WHEN an admin resets
    its anchor with a reason THEN its next report is the new anchor and the flag clears; the
    reset and its reason are audited, and a manager may not do it."""
    swapped = put_back_an_old_copy(store, http, kiosk_token, clock, tmp_path)
    try:
        restarted = AnchorReporter(swapped, http, kiosk_token, clock=clock)
        sell(swapped, clock, 104, 105)
        restarted.report()
        assert restarted.last_verdict == "backwards"

        reset = "/kiosks/journal-anchor/reset"
        sign_in(client, staff["manager"])
        form = {"kiosk_id": "K01", "note": "SSD交換のため再イメージ"}
        assert client.post(reset, data=form, follow_redirects=False).status_code == 403
        sign_in(client, staff["admin"])
        blank = client.post(reset, data=form | {"note": " "}, follow_redirects=False)
        assert blank.status_code == 422 and "note" in blank.text
        assert client.post(reset, data=form, follow_redirects=False).status_code == 303
        assert "waiting for a report" in client.get("/kiosks").text

        sell(swapped, clock, 106, 106)
        result = restarted.report()
        assert result is not None and result.ok and restarted.last_verdict == "ok"
        head = anchors.head(swapped)
        with bo_db.reading() as s:
            assert current_anchor(s, "K01") == head
            audited = s.scalars(
                select(AuditRow).where(AuditRow.action == f"{AUDIT_ACTION}_reset")
            ).one()
        assert anchors.local_anchor(swapped) == head
        assert audited.actor == staff["admin"] and audited.detail == {
            "anchor_seq": 6,
            "note": "SSD交換のため再イメージ",
        }
        assert f"OK (seq {head.seq}" in client.get("/kiosks").text
    finally:
        swapped.close()
