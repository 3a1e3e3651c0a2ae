"""The relay parks an event the back office refuses as malformed and delivers the rest."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales import schemas as kiosk_schemas
from kiosk.backoffice.sales.models import KioskEventRow, SaleRow
from kiosk.store.models import OutboxRow
from kiosk.sync import parking
from kiosk.sync.relay import AlertKind, CycleOutcome
from tests.backoffice.factories import make_sale


def sell(store, clock, numbers):
    for n in numbers:
        clock.advance(minutes=1)
        store.commit_sale(make_sale(n, clock()))


def queue_raw(store, clock, payload: dict) -> int:
    """An outbox row as a buggy kiosk build would write it."""
    with store.transaction() as session:
        row = OutboxRow(
            event_id=str(uuid.uuid4()),
            kind="sale",
            aggregate_id=payload["sale_id"],
            payload=payload,
            created_at=clock(),
        )
        session.add(row)
        session.flush()
        return row.seq


def server_sales(bo_db) -> list[int]:
    with bo_db.reading() as s:
        return sorted(s.scalars(select(SaleRow.receipt_no)))


def test_function_a_refused_event_is_parked_and_the_rest_are_delivered(relay, store, bo_db, clock):
    """GIVEN sales 1–2, a sale with total 1100.7 and sales 4–5 WHEN the relay runs THEN
    the bad one is parked (kept, alerted once), the others arrive in order, none is lost."""
    seen = []
    relay.subscribe(seen.append)
    sell(store, clock, [1, 2])
    bad = make_sale(3, clock()).to_document() | {"total": 1100.7}
    bad_seq = queue_raw(store, clock, bad)
    sell(store, clock, [4, 5])
    result = relay.run(max_cycles=10, stop_when_idle=True)
    assert result.outcome is CycleOutcome.IDLE and relay.stopped is None
    assert server_sales(bo_db) == [1, 2, 4, 5]
    assert [a.kind for a in seen] == [AlertKind.REJECTED]
    assert f"seq {bad_seq}" in seen[0].message and "payload.total" in seen[0].message
    [row] = parking.parked(store)
    assert (row.seq, row.retried_as) == (bad_seq, None)
    assert row.payload["total"] == 1100.7  # kept as it was, for staff
    assert "payload.total" in row.parked_reason
    assert parking.counts(store) == (0, 1)
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").last_seq == 5
        stand_in = s.scalars(select(KioskEventRow).where(KioskEventRow.kind == "parked")).one()
        assert stand_in.kiosk_seq == bad_seq and stand_in.payload["kind"] == "sale"


def test_function_a_parked_event_is_retried_after_the_fix(relay, store, bo_db, clock, monkeypatch):
    """GIVEN a sale refused as too large for the back office WHEN the limit is raised (the
    fix) and staff retry it THEN it goes under a new seq and is stored exactly once."""
    sell(store, clock, [1])
    big = make_sale(2, clock()).to_document()
    big["extra"] = {"note": "x" * (kiosk_schemas.MAX_EVENT_BYTES + 10)}
    bad_seq = queue_raw(store, clock, big)
    sell(store, clock, [3])
    relay.run(max_cycles=10, stop_when_idle=True)
    assert server_sales(bo_db) == [1, 3]
    monkeypatch.setattr(kiosk_schemas, "MAX_EVENT_BYTES", 2 * kiosk_schemas.MAX_EVENT_BYTES)
    new_seq = parking.retry(store, bad_seq)
    assert new_seq > bad_seq
    with pytest.raises(parking.NotParked):
        parking.retry(store, bad_seq)  # once is enough
    relay.run(max_cycles=10, stop_when_idle=True)
    assert server_sales(bo_db) == [1, 2, 3]
    assert parking.counts(store) == (0, 0)
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").last_seq == new_seq


def test_function_only_parked_rows_can_be_retried(store, clock):
    sell(store, clock, [1])
    with pytest.raises(parking.NotParked):
        parking.retry(store, 1)
    with pytest.raises(parking.NotParked):
        parking.retry(store, 99)


def test_function_a_5xx_is_still_retry_later_not_parked(relay, store, transport, clock):
    sell(store, clock, [1])
    transport.fail5xx = 1.0
    assert relay.send_once().outcome is CycleOutcome.FAILED
    assert parking.parked(store) == [] and len(store.unsent_outbox()) == 1


def test_function_a_4xx_naming_no_event_still_stops_the_relay(relay, store, clock, monkeypatch):
    """A refusal that names no event (the batch itself) is not pinned on any one sale."""
    sell(store, clock, [1, 2])
    monkeypatch.setattr(relay, "_batch", lambda rows: {"events": "not a list"})
    result = relay.send_once()
    assert result.outcome is CycleOutcome.STOPPED and relay.stopped is AlertKind.REJECTED
    assert parking.parked(store) == []


def test_function_a_batch_too_large_is_halved_and_all_arrive(
    relay, store, bo_db, clock, monkeypatch
):
    """GIVEN three sales of ~800 KB each (one fits the body limit, three do not) WHEN the
    relay sends THEN the 413 halves the batch until each fits; nothing is parked."""
    monkeypatch.setattr(kiosk_schemas, "MAX_EVENT_BYTES", 1024 * 1024)
    for n in (1, 2, 3):
        clock.advance(minutes=1)
        document = make_sale(n, clock()).to_document()
        document["extra"] = {"note": "x" * 800_000}
        queue_raw(store, clock, document)
    relay.run(max_cycles=10, stop_when_idle=True)
    assert server_sales(bo_db) == [1, 2, 3]
    assert parking.parked(store) == [] and relay.batch_limit == 1
