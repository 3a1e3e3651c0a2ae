"""The outbox relay: delivery, backoff, reachability, revocation, backlog alerts, rewind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.staff.auth import revoke_kiosk
from kiosk.sync.backoff import Backoff
from kiosk.sync.relay import AlertKind, CycleOutcome
from tests.backoffice.factories import make_sale


def sell(store, clock, count, start=1):
    for n in range(start, start + count):
        clock.advance(minutes=1)
        store.commit_sale(make_sale(n, clock()))


def server_sales(bo_db) -> int:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(SaleRow))


def test_function_relay_delivers_in_batches_and_marks_sent(relay, store, bo_db, clock):
    """GIVEN 25 unsent sales WHEN the relay runs THEN all arrive and none stay unsent."""
    sell(store, clock, 25)
    result = relay.run(max_cycles=10, stop_when_idle=True)
    assert result.outcome is CycleOutcome.IDLE
    assert server_sales(bo_db) == 25
    assert store.unsent_outbox() == []
    assert relay.runtime.backoffice_reachable is True


def test_function_relay_backs_off_with_jitter_and_goes_offline(relay, store, transport, clock):
    """GIVEN the back office down WHEN the relay retries THEN waits grow (jittered, capped)."""
    sell(store, clock, 3)
    transport.down = True
    delays = []
    relay.sleep = delays.append
    relay.run(max_cycles=12)
    assert relay.runtime.backoffice_reachable is False
    assert len(delays) == 12
    assert all(0 <= d <= min(300, 2**i) for i, d in enumerate(delays))
    assert max(delays[8:]) > 2  # it really grows
    transport.down = False
    relay.run(max_cycles=5, stop_when_idle=True)
    assert relay.runtime.backoffice_reachable is True and relay.backoff.failures == 0


def test_function_backoff_is_full_jitter_within_the_cap():
    backoff = Backoff(base_s=1, cap_s=60, rng=random.Random(3))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(0 <= d <= 60 for d in delays)
    assert len({round(d, 6) for d in delays}) == 40


def test_function_backoff_waits_at_least_what_retry_after_asks():
    """GIVEN a 503's Retry-After, in seconds or as an HTTP date (or unreadable)
    WHEN the next wait is drawn THEN it is at least that long, within the cap, and only once."""
    backoff = Backoff(base_s=1, cap_s=60, rng=random.Random(3))
    backoff.retry_after("7")
    assert 7 <= backoff.next_delay() <= 7 + 1
    assert backoff.next_delay() <= 2  # the following waits are the plain backoff again
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    backoff.retry_after("Mon, 07 Dec 2026 09:00:30 GMT", now)
    assert 30 <= backoff.next_delay() <= 30 + 4
    backoff.retry_after("3600")  # never longer than the cap
    assert backoff.next_delay() == 60
    for unreadable in ("soon", "", None, "-5"):
        backoff.reset()
        backoff.retry_after(unreadable)
        assert backoff.next_delay() <= 1


def test_function_relay_honours_a_503s_retry_after(relay, store, bo_db, clock):
    """GIVEN the back office answering 503 with Retry-After: 7 (its writer queue full)
    WHEN the relay retries THEN it waits at least 7 s each time, and once the back office
    takes batches again every sale arrives once."""
    sell(store, clock, 3)
    real = relay.client
    relay.client = httpx.Client(
        base_url=str(real.base_url),
        transport=httpx.MockTransport(
            lambda request: httpx.Response(503, headers={"Retry-After": "7"})
        ),
    )
    delays: list[float] = []
    relay.sleep = delays.append
    relay.run(max_cycles=3)
    assert len(delays) == 3 and all(7 <= d <= 7 + 2**i for i, d in enumerate(delays))
    relay.client = real
    relay.run(max_cycles=5, stop_when_idle=True)
    assert server_sales(bo_db) == 3


def test_function_a_kiosk_without_its_token_stops_and_says_so(relay, store, bo_db, clock):
    """GIVEN [backoffice] url set but no token WHEN the relay runs THEN it stops at once with
    an alert naming the missing key (an empty bearer never left the kiosk: it was taken as
    "unreachable", the kiosk went offline and staff were sent to check the network)."""
    seen = []
    relay.subscribe(seen.append)
    relay.token = ""
    sell(store, clock, 1)
    assert relay.run(max_cycles=3).outcome is CycleOutcome.STOPPED
    assert [a.kind for a in seen] == [AlertKind.REVOKED]
    assert seen[0].message.startswith("[backoffice.token] missing")
    assert relay.runtime.backoffice_reachable is True  # it answered: a refusal, not an outage
    assert server_sales(bo_db) == 0 and len(store.unsent_outbox()) == 1


def test_function_revoked_kiosk_stops_the_relay_and_alerts(relay, store, bo_db, clock):
    """GIVEN a revoked kiosk WHEN the relay sends THEN 403, it stops and staff are alerted."""
    seen = []
    relay.subscribe(seen.append)
    sell(store, clock, 2)
    with bo_db.transaction() as s:
        revoke_kiosk(s, "K01", clock(), "test")
    result = relay.run(max_cycles=5)
    assert result.outcome is CycleOutcome.STOPPED
    assert [a.kind for a in seen] == [AlertKind.REVOKED]
    assert seen[0].unsent == 2
    assert relay.send_once().outcome is CycleOutcome.STOPPED
    assert server_sales(bo_db) == 0


def test_function_wrong_token_is_401(client, kiosk_token):
    response = client.get(
        "/api/v1/sync/status", headers={"Authorization": "Bearer K01.not-the-token"}
    )
    assert response.status_code == 401
    assert client.get("/api/v1/sync/status").status_code == 401


def test_function_backlog_alert_fires_once_past_the_threshold(relay, store, transport, clock):
    """GIVEN unsent sales WHEN the oldest passes alert_after THEN one backlog alert."""
    transport.down = True
    relay.alert_after = timedelta(minutes=30)
    sell(store, clock, 1)
    assert relay.check_backlog() is None
    clock.advance(minutes=31)
    alert = relay.check_backlog()
    assert alert is not None and alert.kind is AlertKind.BACKLOG and alert.unsent == 1
    relay.check_backlog()
    assert [a.kind for a in relay.alerts] == [AlertKind.BACKLOG]  # once per episode


def test_function_relay_resends_after_the_back_office_lost_rows(relay, store, bo_db, clock):
    """GIVEN the back office restored to before some sales WHEN the relay sends THEN it
    rewinds to the seq the back office expects and everything arrives again."""
    sell(store, clock, 10)
    relay.run(max_cycles=5, stop_when_idle=True)
    with bo_db.transaction() as s:  # as if restored from a backup taken after sale 4
        s.query(SaleRow).filter(SaleRow.kiosk_seq > 4).delete()
        s.get(KioskRow, "K01").last_seq = 4
    sell(store, clock, 3, start=11)
    relay.run(max_cycles=10, stop_when_idle=True)
    assert server_sales(bo_db) == 13
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").last_seq == 13


def test_function_an_idle_kiosk_resends_after_the_back_office_lost_rows(relay, store, bo_db, clock):
    """GIVEN the back office restored to before some sales and a kiosk with nothing new to
    send (closing time) WHEN its relay probes the back office THEN it sees the back office is
    behind what it acknowledged and resends, without waiting for the next sale.

    Found by hand: after `kiosk-backoffice restore`, the sale made after the backup stayed
    missing for as long as the kiosk sold nothing more."""
    sell(store, clock, 6)
    relay.run(max_cycles=5, stop_when_idle=True)
    with bo_db.transaction() as s:  # as if restored from a backup taken after sale 4
        s.query(SaleRow).filter(SaleRow.kiosk_seq > 4).delete()
        s.get(KioskRow, "K01").last_seq = 4
    relay.run(max_cycles=10, stop_when_idle=True)
    assert server_sales(bo_db) == 6
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").last_seq == 6
    assert relay.stopped is None


def test_function_backlog_is_counted_only_after_a_cycle_that_moved_nothing(
    relay, store, transport, clock
):
    """GIVEN old unsent sales WHEN a cycle sends some THEN no backlog alert (the back office is
    taking them); WHEN a cycle fails THEN the alert comes."""
    relay.alert_after = timedelta(minutes=30)
    sell(store, clock, 3)
    clock.advance(minutes=31)
    relay.batch_size = 1
    sent = relay.send_once()
    assert sent.outcome is CycleOutcome.SENT and sent.acked == 1
    assert relay.check_backlog_after(sent) is None and relay.alerts == []
    transport.down = True
    failed = relay.send_once()
    alert = relay.check_backlog_after(failed)
    assert alert is not None and alert.kind is AlertKind.BACKLOG and alert.unsent == 2
