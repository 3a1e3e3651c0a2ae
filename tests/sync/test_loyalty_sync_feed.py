"""The store's feed under concurrent ingest: every entry once, each kiosk's order kept."""

from __future__ import annotations

import threading

from sqlalchemy import select

from kiosk.backoffice.staff.auth import enrol_kiosk
from plugins.loyalty.backoffice.loyalty_sync_models import FeedRow
from tests.backoffice.helpers import post

PER_KIOSK = 25


def _points_event(seq: int, kiosk_id: str) -> dict:
    entry_id = f"{kiosk_id}-{seq:04d}"
    payload = {
        "entry_id": entry_id,
        "member_id": "M000000000001",
        "kind": "earn",
        "points": 1,
        "at": "2026-11-20T09:00:00",
    }
    return {"seq": seq, "event_id": entry_id, "kind": "loyalty_points", "payload": payload}


def test_two_kiosks_ingesting_at_once_get_one_gap_free_feed_in_their_own_order(
    bo_db, client, clock
):
    """GIVEN two kiosks of a store WHEN both deliver points entries at the same time THEN
    the feed numbers every entry once, 1…n without gaps, each kiosk's entries in its order."""
    with bo_db.transaction() as session:
        tokens = {k: enrol_kiosk(session, k, clock()) for k in ("K01", "K02")}
    failures: list[str] = []

    def deliver(kiosk_id: str) -> None:
        for seq in range(1, PER_KIOSK + 1, 2):  # batches of two: one transaction, two entries
            batch = [_points_event(n, kiosk_id) for n in (seq, seq + 1) if n <= PER_KIOSK]
            try:
                response = post(client, tokens[kiosk_id], batch)
            except Exception as exc:  # the test client re-raises the server's exception
                failures.append(f"{kiosk_id} seq {seq}: {exc!r}")
                return
            if response.status_code != 200:
                failures.append(f"{kiosk_id} seq {seq}: {response.status_code} {response.text}")

    threads = [threading.Thread(target=deliver, args=(k,)) for k in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures

    with bo_db.reading() as session:
        rows = session.scalars(select(FeedRow).order_by(FeedRow.seq)).all()
    assert [r.seq for r in rows] == list(range(1, 2 * PER_KIOSK + 1))
    for kiosk_id in tokens:
        mine = [r.payload["entry_id"] for r in rows if r.origin_kiosk_id == kiosk_id]
        assert mine == [f"{kiosk_id}-{seq:04d}" for seq in range(1, PER_KIOSK + 1)]
