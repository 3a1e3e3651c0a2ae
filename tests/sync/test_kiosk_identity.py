"""A re-imaged kiosk, an older copy of its database put back: every new sale is kept and flagged.

The real relay and the back-office app through the sync fixtures, on both back-office
databases (``bo_db``: SQLite and PostgreSQL).
"""

from __future__ import annotations

import dataclasses
import html
import re
import time

import pytest
from alembic import command
from sqlalchemy import inspect, select, update

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.db import alembic_config
from kiosk.backoffice.kiosks.identity import (
    AUDIT_ACTION,
    CONFIRM_ACTION,
    DUPLICATE_RECEIPT,
    NEW_INSTANCE,
    OLD_COPY,
    RECEIPT_ACTION,
)
from kiosk.backoffice.kiosks.journal_anchor import Verdict
from kiosk.backoffice.kiosks.models import EpochRow, IdentityFlagRow, JournalHeadRow, KioskRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.domain.scan import Scan
from kiosk.store import LocalStore, identity
from kiosk.store.models import OutboxRow
from kiosk.sync.anchor import AnchorReporter
from kiosk.sync.relay import CycleOutcome, OutboxRelay
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import make_sale
from tests.backoffice.helpers import event, post
from tests.store.test_journal_anchor import copy_database
from tests.sync.transport import kiosk_client, start_sync_thread


@pytest.fixture
def http(transport):
    with kiosk_client(transport) as c:
        yield c


def sell(store: LocalStore, clock, *numbers: int) -> list[int]:
    """New sales (sale ids from ``numbers``) with the store's own next receipt numbers, as the
    runtime makes them (and raises the marker's high-water mark after each)."""
    receipts = []
    for n in numbers:
        clock.advance(minutes=1)
        sale = dataclasses.replace(make_sale(n, clock()), receipt_no=store.next_receipt_no())
        store.commit_sale(sale)
        identity.note_sale(store)
        receipts.append(sale.receipt_no)
    return receipts


def deliver(store: LocalStore, http, token: str, clock) -> OutboxRelay:
    relay = OutboxRelay(store, http, token, clock=clock, sleep=clock.sleep)
    result = relay.run(50, stop_when_idle=True)
    assert result.outcome is CycleOutcome.IDLE, result
    assert store.unsent_outbox() == []
    return relay


def back_office_sales(bo_db) -> list[tuple[int, int, str]]:
    with bo_db.reading() as s:
        rows = s.execute(
            select(SaleRow.kiosk_seq, SaleRow.receipt_no, SaleRow.sale_id).order_by(
                SaleRow.kiosk_seq
            )
        ).all()
        return [tuple(r) for r in rows]


def flags(bo_db) -> list[tuple[str, dict]]:
    with bo_db.reading() as s:
        rows = s.scalars(select(IdentityFlagRow).order_by(IdentityFlagRow.id))
        return [(f.kind, f.detail) for f in rows]


def audit(bo_db, action: str) -> list[AuditRow]:
    with bo_db.reading() as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.action == action)))


def delete_database(store: LocalStore) -> None:
    """The database file deleted (its WAL too); the data directory and its marker stay."""
    store.close()
    for suffix in ("", "-wal", "-shm"):
        store.path.with_name(store.path.name + suffix).unlink(missing_ok=True)


def test_a_re_imaged_kiosk_keeps_its_new_sales_and_is_flagged(
    store, http, kiosk_token, bo_db, clock, client, staff
):
    """GIVEN 3 sales synced and anchored WHEN the kiosk's database is deleted, staff confirm
    the new one and it makes 2 sales THEN the back office has all 5, flags the new database
    and the receipt numbers 1 and 2 issued twice; a resend doubles nothing; an admin confirms."""
    assert sell(store, clock, 1, 2, 3) == [1, 2, 3]
    deliver(store, http, kiosk_token, clock)
    AnchorReporter(store, http, kiosk_token, clock=clock).report()
    old_instance = store.instance_id
    delete_database(store)

    fresh = LocalStore(store.path)
    try:
        assert fresh.instance_id != old_instance
        remote = AnchorReporter(fresh, http, kiosk_token, clock=clock).fetch_anchor()
        found = identity.check(fresh, remote)
        assert found.codes == ["replaced", "anchor"]
        assert "deleted, emptied or replaced" in found.text("en")
        identity.confirm_new(fresh, "SSD replaced, re-imaged", clock(), remote)
        assert identity.check(fresh, remote).ok

        assert sell(fresh, clock, 11, 12) == [1, 2]  # numbering restarts with the database
        deliver(fresh, http, kiosk_token, clock)
        sales = back_office_sales(bo_db)
        assert len(sales) == 5
        assert [seq for seq, _, _ in sales] == [1, 2, 3, 4, 5]
        assert [receipt for _, receipt, _ in sales] == [1, 2, 3, 1, 2]
        with bo_db.reading() as s:
            assert s.get(KioskRow, "K01").last_seq == 5
            epochs = s.scalars(select(EpochRow).order_by(EpochRow.epoch)).all()
            assert [(e.instance_id, e.seq_offset, e.reason) for e in epochs] == [
                (old_instance, 0, "first"),
                (fresh.instance_id, 3, NEW_INSTANCE),
            ]
        kinds = [kind for kind, _ in flags(bo_db)]
        assert kinds == [NEW_INSTANCE, DUPLICATE_RECEIPT, DUPLICATE_RECEIPT]
        assert sorted(d["receipt_no"] for k, d in flags(bo_db) if k == DUPLICATE_RECEIPT) == [1, 2]
        [flagged] = audit(bo_db, AUDIT_ACTION)
        assert flagged.result == "failure" and flagged.detail["previous_instance"] == old_instance
        [receipts] = audit(bo_db, RECEIPT_ACTION)
        assert receipts.detail["receipt_nos"] == [1, 2]

        # the relay's answer was lost: the same rows again are acknowledged, not doubled
        with fresh.transaction() as s:
            s.execute(update(OutboxRow).values(sent_at=None))
        deliver(fresh, http, kiosk_token, clock)
        assert len(back_office_sales(bo_db)) == 5 and len(flags(bo_db)) == 3

        sign_in(client, staff["manager"])
        assert "新しいデータベース" in client.get("/kiosks").text
        assert 'id="identity-alert"' in client.get("/kiosks").text
        assert client.get("/kiosks/identity").text.count("要確認 OPEN") == 3
        refused = client.post("/kiosks/identity/confirm", data={"kiosk_id": "K01", "note": "x"})
        assert refused.status_code == 403  # a manager sees, only an admin confirms
        sign_in(client, staff["admin"])
        answer = client.post(
            "/kiosks/identity/confirm",
            data={"kiosk_id": "K01", "note": "re-imaged after the SSD failed"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "要確認 OPEN" not in client.get("/kiosks/identity").text
        [confirmed] = audit(bo_db, CONFIRM_ACTION)
        assert confirmed.actor == "admin" and confirmed.detail["flags"] == 3
        with bo_db.reading() as s:
            last = s.scalars(select(JournalHeadRow).order_by(JournalHeadRow.id.desc())).first()
            assert last.verdict == Verdict.RESET.value  # the journal anchor starts afresh
    finally:
        fresh.close()


def test_an_older_copy_put_back_keeps_every_new_sale_and_flags_receipts_issued_twice(
    store, http, kiosk_token, bo_db, clock, tmp_path
):
    """GIVEN a copy taken after sale 1 was synced, then sales 2-4 synced WHEN the copy is put
    back, staff confirm it and it sells 3 more (receipt numbers 2-4 again) THEN the back office
    keeps all 7, flags the older copy and the three receipt numbers issued twice."""
    sell(store, clock, 1)
    deliver(store, http, kiosk_token, clock)
    copy_database(store, tmp_path / "old.sqlite3")
    sell(store, clock, 2, 3, 4)
    deliver(store, http, kiosk_token, clock)
    instance = store.instance_id
    store.close()
    (tmp_path / "old.sqlite3").replace(store.path)

    restored = LocalStore(store.path)
    try:
        assert restored.instance_id == instance  # the same database, only older
        found = identity.check(restored)
        assert found.codes == ["older_copy"]
        assert "issued No. 4" in found.text("en")
        identity.confirm_new(restored, "restored from last week's backup", clock())
        assert sell(restored, clock, 22, 23, 24) == [2, 3, 4]
        deliver(restored, http, kiosk_token, clock)
    finally:
        restored.close()
    sales = back_office_sales(bo_db)
    assert len(sales) == 7
    assert [receipt for _, receipt, _ in sales] == [1, 2, 3, 4, 2, 3, 4]
    kinds = [kind for kind, _ in flags(bo_db)]
    assert kinds == [OLD_COPY, *[DUPLICATE_RECEIPT] * 3]
    assert flags(bo_db)[0][1]["first_local_seq"] == 2 and flags(bo_db)[0][1]["last_seq"] == 4
    duplicates = [d for k, d in flags(bo_db) if k == DUPLICATE_RECEIPT]
    assert [d["receipt_no"] for d in duplicates] == [2, 3, 4]
    assert all(len(d["earlier"]) == 1 for d in duplicates)


def test_a_kiosk_without_an_instance_id_cannot_have_a_new_sale_dropped(
    client, bo_db, kiosk_token, clock
):
    """GIVEN seqs 1-3 stored from a kiosk that sends no instance id WHEN seq 2 comes with a
    sale never seen (an older copy) THEN it is stored as seq 4, flagged, and acked as 2."""
    post(client, kiosk_token, [event(i, clock()) for i in (1, 2, 3)])
    answer = post(client, kiosk_token, [event(1, clock()), event(2, clock(), n=9)]).json()
    assert answer == {"acked_through": 2, "applied": 1, "duplicates": 1, "expected_seq": None}
    assert [seq for seq, _, _ in back_office_sales(bo_db)] == [1, 2, 3, 4]
    assert [kind for kind, _ in flags(bo_db)] == [OLD_COPY]


def test_a_resent_batch_from_the_same_instance_is_only_acknowledged(
    client, bo_db, kiosk_token, clock
):
    events = [event(i, clock()) for i in (1, 2)]
    body = {"store_instance": "db-1", "events": events}
    headers = {"Authorization": f"Bearer {kiosk_token}"}
    first = client.post("/api/v1/sync/outbox", json=body, headers=headers).json()
    again = client.post("/api/v1/sync/outbox", json=body, headers=headers).json()
    assert first["applied"] == 2
    assert again == {"acked_through": 2, "applied": 0, "duplicates": 2, "expected_seq": None}
    assert len(back_office_sales(bo_db)) == 2 and flags(bo_db) == []


def test_a_new_instance_must_start_from_its_first_row(client, bo_db, kiosk_token, clock):
    """A new database's first batch that does not start at seq 1 is a gap in its own seqs:
    409 naming 1, so the relay resends everything the new database holds."""
    headers = {"Authorization": f"Bearer {kiosk_token}"}
    body = {"store_instance": "db-1", "events": [event(1, clock())]}
    client.post("/api/v1/sync/outbox", json=body, headers=headers)
    body = {"store_instance": "db-2", "events": [event(3, clock(), n=33)]}
    gap = client.post("/api/v1/sync/outbox", json=body, headers=headers)
    assert gap.status_code == 409 and gap.json()["expected_seq"] == 1
    assert len(back_office_sales(bo_db)) == 1 and flags(bo_db) == []  # rolled back together
    bad = client.post(
        "/api/v1/sync/outbox", json={"store_instance": 7, "events": []}, headers=headers
    )
    assert bad.status_code == 422 and "store_instance" in bad.json()["detail"]


def test_a_kiosk_whose_whole_data_dir_was_wiped_refuses_to_sell_once_it_hears_the_anchor(
    client, http, bo_db, kiosk_token, clock, make_runtime, tmp_path
):
    """GIVEN the back office anchored K01's journal at row 5 WHEN a kiosk with a brand-new data
    directory (no marker either) starts its sync thread THEN it stops selling: the back office
    knows it once had a longer journal."""
    old = LocalStore(tmp_path / "old" / "kiosk.sqlite3")
    sell(old, clock, 1, 2, 3, 4, 5)
    AnchorReporter(old, http, kiosk_token, clock=clock).report()
    old.close()
    runtime = make_runtime()
    assert runtime.identity_problem is None  # nothing local says so
    start_sync_thread(runtime, client, kiosk_token)
    deadline = time.monotonic() + 20
    while runtime.identity_problem is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runtime.identity_problem is not None
    assert runtime.identity_problem.codes == ["anchor"]
    refused = runtime.handle_scan(Scan("4901234000018"))
    assert not refused.accepted and "closed" in refused.error_text("en")


def test_the_migration_branch_goes_down_and_up(bo_db):
    config = alembic_config(bo_db.engine)
    for target, step, present in (
        ("kiosk_identity@-1", command.downgrade, False),
        ("heads", command.upgrade, True),
    ):
        with bo_db.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, target)
        for table in ("bo_kiosk_epochs", "bo_kiosk_identity_flags"):
            assert inspect(bo_db.engine).has_table(table) is present


def test_the_kiosks_page_says_not_reported_until_a_kiosk_sends_its_journal_and_database(
    store, http, kiosk_token, clock, client, staff
):
    """GIVEN an enrolled kiosk that has sent nothing WHEN a manager opens the kiosks page
    THEN its Journal and Database cells say "not reported" in the four languages, not an
    empty cell; once its relay has sent a batch (naming its database) and its journal head,
    both say OK."""
    sign_in(client, staff["manager"])

    def cells() -> list[str]:
        page = client.get("/kiosks").text
        [row] = [r for r in re.findall(r"<tr>(.*?)</tr>", page) if ">K01</td>" in r]
        return [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)][-2:]

    not_reported = "not reported · 未報告 · 未上报 · 미보고"
    assert cells() == [not_reported, not_reported]
    sell(store, clock, 1, 2)
    deliver(store, http, kiosk_token, clock)
    assert cells()[1] == "OK" and cells()[0] == not_reported  # its journal head comes next
    AnchorReporter(store, http, kiosk_token, clock=clock).report()
    journal, database = cells()
    assert journal.startswith("OK (seq ") and database == "OK"
