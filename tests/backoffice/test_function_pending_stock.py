"""Sales' stock takes on PostgreSQL wait in bo_stock_pending, so batches never queue on a
product row; every reader of on_hand settles them first, and a settler thread keeps them few.

Run on both databases: on SQLite the take is the direct UPDATE it always was (settle: no-op).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.inventory import service as inventory
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.staff.auth import authenticate_kiosk, enrol_kiosk
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event
from tests.factories import SOAP

HANG_GUARD_S = 30.0  # not a performance bound: only ends a test that would hang


def _batch(kiosk_id: str, n: int) -> list[OutboxEvent]:
    raw = event(1, DAY + timedelta(minutes=n), n=n, kiosk_id=kiosk_id)  # odd n: a soap in it
    return [OutboxEvent(raw["seq"], raw["event_id"], raw["kind"], raw["payload"])]


def _skus(events: list[OutboxEvent]) -> int:
    """Pending rows a batch appends: one per product it sold."""
    return len({line["sku"] for e in events for line in e.payload["lines"]})


def _soap_sold(events: list[OutboxEvent]) -> int:
    return sum(
        line["quantity"] for e in events for line in e.payload["lines"] if line["sku"] == SOAP.sku
    )


@pytest.fixture
def two_kiosks(bo_db, clock):
    with bo_db.transaction() as s:
        s.add(ProductRow(sku=SOAP.sku, name_ja="石けん", price=198, on_hand=100))
        return {k: enrol_kiosk(s, k, clock()) for k in ("K01", "K02")}


def _pending(bo_db) -> int:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(pending_stock.PENDING))


def test_function_a_batch_does_not_wait_for_another_kiosks_open_batch(bo_db, two_kiosks, clock):
    """GIVEN kiosk K01's batch selling soap ingested in a transaction not yet committed
    WHEN kiosk K02's batch, also selling soap, is ingested and committed meanwhile
    THEN it does not wait for K01's (on PostgreSQL; SQLite has one writer at a time), and once
    both are committed and settled the stock has fallen by both batches' soap."""
    first, second = _batch("K01", 1), _batch("K02", 3)
    if bo_db.engine.dialect.name != "postgresql":
        for kiosk_id, events in (("K01", first), ("K02", second)):
            with bo_db.transaction() as s:
                ingest(s, authenticate_kiosk(s, two_kiosks[kiosk_id], lock=True), events, clock())
    else:
        with bo_db.transaction() as open_batch:
            ingest(open_batch, authenticate_kiosk(open_batch, two_kiosks["K01"], lock=True), first, clock())  # fmt: skip
            with bo_db.transaction() as s:
                # a lock wait here would be for K01's transaction, which cannot end meanwhile
                s.execute(text(f"SET LOCAL lock_timeout = '{int(HANG_GUARD_S)}s'"))
                ingest(s, authenticate_kiosk(s, two_kiosks["K02"], lock=True), second, clock())
        assert _pending(bo_db) == _skus(first) + _skus(second)  # both waiting, none lost
    with bo_db.reading() as s:
        stock = {p.sku: p.on_hand for p in inventory.stock_list(s)}  # a reader settles
    assert stock[SOAP.sku] == 100 - _soap_sold(first) - _soap_sold(second)


def test_function_a_settle_moves_each_take_once(bo_db, two_kiosks, clock):
    """GIVEN a pending take WHEN settled twice, and a second settler finds the first busy
    THEN the stock falls once, and nothing is left pending."""
    events = _batch("K01", 1)
    with bo_db.transaction() as s:
        ingest(s, authenticate_kiosk(s, two_kiosks["K01"], lock=True), events, clock())
    with bo_db.transaction() as first:
        moved = pending_stock.settle(first)
        with bo_db.transaction() as second:  # another process's settler meanwhile: skips
            assert pending_stock.settle(second, wait=False) == 0
    assert moved == (_skus(events) if bo_db.engine.dialect.name == "postgresql" else 0)
    with bo_db.transaction() as s:
        assert pending_stock.settle(s) == 0
        assert s.get(ProductRow, SOAP.sku).on_hand == 100 - _soap_sold(events)
    assert _pending(bo_db) == 0


def test_function_a_count_books_shrinkage_against_every_sale(bo_db, two_kiosks, clock):
    """GIVEN sales whose takes are pending WHEN staff count the shelf
    THEN the shrinkage is against the stock after those sales, not before them."""
    events = _batch("K01", 1)
    with bo_db.transaction() as s:
        ingest(s, authenticate_kiosk(s, two_kiosks["K01"], lock=True), events, clock())
    expected = 100 - _soap_sold(events)
    with bo_db.transaction() as s:
        lost = inventory.count(s, SOAP.sku, expected - 2, clock(), "attendant")
    assert lost == 2


@pytest.mark.parametrize("bo_db", ["postgres"], indirect=True)
def test_function_the_settler_thread_settles_pending_takes(bo_db, two_kiosks, clock):
    """GIVEN the settler a back-office process runs WHEN a sale's take is pending
    THEN the thread moves it into on_hand by itself."""
    settler = pending_stock.Settler(bo_db.transaction, every_s=0.01)
    events = _batch("K01", 1)
    with bo_db.transaction() as s:
        ingest(s, authenticate_kiosk(s, two_kiosks["K01"], lock=True), events, clock())
    settler.start()
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while _pending(bo_db) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        settler.stop()
    assert _pending(bo_db) == 0
    with bo_db.reading() as s:
        assert s.get(ProductRow, SOAP.sku).on_hand == 100 - _soap_sold(events)
