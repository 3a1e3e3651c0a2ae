"""A day without the back office: 5,000 sales, then delivery through lost answers and 5xx.

GIVEN the back office down for a simulated day while a kiosk makes 5,000 sales
WHEN it comes back and 20 % of its answers are lost after it committed and 5 % are 503
THEN every sale arrives exactly once, in the kiosk's order, and staff were alerted.
The clock is injected: nothing sleeps for real.
"""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kiosk.backoffice.sales.models import SaleRow
from kiosk.store import LocalStore
from kiosk.sync.relay import AlertKind, CycleOutcome, OutboxRelay
from tests.backoffice.factories import FakeClock, make_sale
from tests.sync.transport import FaultyTransport, kiosk_client

SALES = 5_000
DAY_START = datetime(2026, 11, 20, 0, 0)


class FakeRuntime:
    backoffice_reachable = True


@pytest.fixture(scope="module")
def offline_day(tmp_path_factory):
    """Sell 5,000 times over 24 h while every relay attempt fails; keep the store file."""
    path = tmp_path_factory.mktemp("offline") / "kiosk.sqlite3"
    store = LocalStore(path)
    clock = FakeClock(DAY_START)
    transport = FaultyTransport(None, random.Random(1))  # type: ignore[arg-type]
    transport.down = True
    runtime = FakeRuntime()
    http = kiosk_client(transport)
    relay = OutboxRelay(
        store,
        http,
        "K01.x",
        runtime=runtime,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(2),
        alert_after=timedelta(hours=1),
    )
    step = timedelta(days=1) / SALES
    next_try = clock()
    online_seen = set()
    for n in range(1, SALES + 1):
        clock.now = DAY_START + n * step
        store.commit_sale(make_sale(n, clock()))
        if clock() >= next_try:
            assert relay.send_once().outcome is CycleOutcome.FAILED
            relay.check_backlog()
            online_seen.add(runtime.backoffice_reachable)
            next_try = clock() + timedelta(seconds=relay.backoff.next_delay())
    http.close()
    unsent = len(store.unsent_outbox(limit=SALES + 1))
    store.close()
    return {
        "path": path,
        "alerts": relay.alerts,
        "online": online_seen,
        "unsent": unsent,
        "end": clock(),
        "failures": relay.backoff.failures,
    }


@pytest.mark.slow
def test_function_kiosk_keeps_selling_and_alerts_while_the_back_office_is_down(offline_day):
    assert offline_day["unsent"] == SALES
    assert offline_day["online"] == {False}
    kinds = [a.kind for a in offline_day["alerts"]]
    assert kinds == [AlertKind.BACKLOG]  # raised once, after the first hour
    assert offline_day["alerts"][0].at >= DAY_START + timedelta(hours=1)
    assert offline_day["failures"] > 10  # it kept retrying, backing off


@pytest.mark.slow
def test_function_a_day_of_sales_arrives_once_and_in_order(
    offline_day, tmp_path, client, bo_db, kiosk_token
):
    path = tmp_path / "kiosk.sqlite3"
    shutil.copy(offline_day["path"], path)
    store = LocalStore(path)
    clock = FakeClock(offline_day["end"])
    transport = FaultyTransport(client, random.Random(42), lose=0.20, fail5xx=0.05)
    runtime = FakeRuntime()
    runtime.backoffice_reachable = False
    http = kiosk_client(transport)
    relay = OutboxRelay(
        store,
        http,
        kiosk_token,
        runtime=runtime,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(3),
        batch_size=100,
    )
    try:
        result = relay.run(max_cycles=5_000, stop_when_idle=True)
        assert result.outcome is CycleOutcome.IDLE
        assert store.unsent_outbox() == []
    finally:
        http.close()
        store.close()
    with bo_db.reading() as s:
        total, distinct = s.execute(
            select(func.count(), func.count(func.distinct(SaleRow.sale_id)))
        ).one()
        seqs = list(s.scalars(select(SaleRow.kiosk_seq).order_by(SaleRow.id)))
    assert total == distinct == SALES  # 100 % delivered, 0 duplicates
    assert seqs == list(range(1, SALES + 1))  # stored in the kiosk's order
    assert transport.lost > 0 and transport.failed > 0  # the faults really happened
    assert runtime.backoffice_reachable is True
    assert clock.slept > 0  # it backed off (on the injected clock)
