"""The kiosk's tax-free sender thread, on a real runtime against the simulator over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from kiosk.domain.scan import Scan, Symbology
from plugins.tax_free import desk_for, scheduler_for, tax_free_ledger
from plugins.tax_free.errors import TransmissionUnavailable
from plugins.tax_free.ledger import RefundLedger, ledger_totals
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.nta_simulator import InProcessTransmitter, SimulatorServer
from plugins.tax_free.poller import ConfirmationPoller
from plugins.tax_free.scheduler import TaxFreeScheduler
from plugins.tax_free.settings import TaxFreeSettings, TaxFreeSettingsError
from plugins.tax_free.transmission import CustomsConfirmation, TransmissionQueue
from plugins.tax_free.vjw import encode_vjw
from tests.factories import product

from .factories import Clock, visitor

KIMONO = product(101, 6_600, department="apparel")  # ¥6,000 + 10 %: refund ¥600
SALE_AT = datetime(2026, 11, 2, 14, 30)


class Nta:
    """The simulator on 127.0.0.1; ``down()`` stops it, ``up()`` brings it back at the same URL."""

    def __init__(self, simulator) -> None:
        self.simulator = simulator
        self.server: SimulatorServer | None = SimulatorServer(simulator).start()
        self.port = self.server.port
        self.url = self.server.url

    def down(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def up(self) -> None:
        assert self.server is None
        self.server = SimulatorServer(self.simulator, port=self.port).start()


@pytest.fixture
def nta(simulator) -> Iterator[Nta]:
    nta = Nta(simulator)
    yield nta
    nta.down()


def _runtime(make_runtime, nta, transmit_every=3600.0, poll_every=3600.0, **extra):
    settings = {
        "enabled": True,
        "store_code": "TF-0001",
        "transmit_url": nta.url,
        "transmit_timeout_s": 2,
        "transmit_interval_s": transmit_every,
        "confirmation_interval_s": poll_every,
        **extra,
    }
    runtime = make_runtime(plugin_config={"tax_free": settings}, training=False)
    runtime.clock = Clock(SALE_AT)
    runtime.store.upsert_products([KIMONO])
    runtime.catalogue.add(KIMONO)
    return runtime


def _tax_free_sale(runtime) -> str:
    """A completed tax-free sale; returns its record id."""
    desk = desk_for(runtime)
    desk.present_vjw(encode_vjw(visitor()))
    runtime.handle_scan(Scan(KIMONO.gtin, Symbology.EAN13, "camera"))
    sale = runtime.pay("cash")
    runtime.finish()
    return desk.recorder.store.by_sale(sale.sale_id).row.record_id


def _row(runtime, record_id):
    return next(r for r in tax_free_ledger(runtime) if r.record_id == record_id)


def eventually(predicate, timeout_s: float = 5.0) -> None:
    """Wait (on an Event, in 10 ms steps) until the sender thread has made ``predicate`` true."""
    pause = threading.Event()
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the sender thread did not get there in time")
        pause.wait(0.01)


def _cycles_pass(scheduler, count: int = 3) -> None:
    start = scheduler.cycles
    eventually(lambda: scheduler.cycles >= start + count)


def test_a_tax_free_sale_is_sent_by_the_thread_right_after_the_sale(make_runtime, nta, simulator):
    """GIVEN a sweep only once an hour WHEN a tax-free sale completes THEN the sale itself wakes
    the sender and the record is filed, without anyone calling the queue."""
    runtime = _runtime(make_runtime, nta)
    assert scheduler_for(runtime).running

    record_id = _tax_free_sale(runtime)

    eventually(lambda: record_id in simulator.records)
    eventually(lambda: _row(runtime, record_id).transmission == "sent")
    row = _row(runtime, record_id)
    assert (row.status, row.refund_amount, row.nta_receipt) == ("pending", 600, "NTA-00000001")
    assert simulator.records[record_id]["buyer"]["passport_number"] == "TR1234567"
    assert simulator.filings == 1


def test_endpoint_down_the_record_is_retried_later_and_filed_once(make_runtime, nta, simulator):
    runtime = _runtime(make_runtime, nta, transmit_every=0.02)
    scheduler = scheduler_for(runtime)
    nta.down()

    record_id = _tax_free_sale(runtime)
    eventually(lambda: _row(runtime, record_id).transmission == "retrying")
    row = _row(runtime, record_id)
    assert row.status == "pending" and row.attempts == 1 and "unreachable" in row.last_error

    nta.up()
    _cycles_pass(scheduler)  # back-off: not due for 30 s of kiosk time
    assert simulator.filings == 0 and _row(runtime, record_id).attempts == 1

    runtime.clock.now += timedelta(seconds=30)
    eventually(lambda: _row(runtime, record_id).transmission == "sent")
    _cycles_pass(scheduler)
    assert simulator.filings == 1 and _row(runtime, record_id).attempts == 2


def test_a_lost_answer_is_retried_and_the_record_filed_once(make_runtime, nta, simulator):
    """GIVEN the endpoint filed the record but its answer was lost WHEN the thread retries
    THEN the idempotency key makes it a duplicate: one filing, the record marked sent."""
    runtime = _runtime(make_runtime, nta, transmit_every=0.02)
    simulator.lose_next_answers(1)

    record_id = _tax_free_sale(runtime)
    eventually(lambda: _row(runtime, record_id).transmission == "retrying")
    runtime.clock.now += timedelta(minutes=1)
    eventually(lambda: _row(runtime, record_id).transmission == "sent")
    assert simulator.filings == 1


def test_a_customs_confirmation_makes_the_ledger_entry_confirmed(make_runtime, nta, simulator):
    runtime = _runtime(make_runtime, nta, poll_every=0.02)
    record_id = _tax_free_sale(runtime)
    eventually(lambda: record_id in simulator.records)
    assert _row(runtime, record_id).status == "pending"

    simulator.customs_confirm(record_id, SALE_AT.date() + timedelta(days=5))

    eventually(lambda: _row(runtime, record_id).status == "confirmed")
    assert ledger_totals(tax_free_ledger(runtime)) == {"confirmed": (1, 600)}
    assert tax_free_ledger(runtime, statuses=(RecordStatus.PENDING,)) == []


def test_a_record_without_confirmation_expires_after_the_deadline(make_runtime, nta, simulator):
    runtime = _runtime(make_runtime, nta)
    scheduler = scheduler_for(runtime)
    record_id = _tax_free_sale(runtime)
    eventually(lambda: record_id in simulator.records)
    deadline = _row(runtime, record_id).export_deadline
    assert _row(runtime, record_id).days_left == (deadline - SALE_AT.date()).days

    runtime.clock.now = datetime.combine(deadline + timedelta(days=7), SALE_AT.time())
    assert scheduler.run_once(force_poll=True).polled.expired == []  # still within the grace
    runtime.clock.now += timedelta(days=1)
    assert scheduler.run_once(force_poll=True).polled.expired == [record_id]
    row = _row(runtime, record_id)
    assert (row.status, row.days_left) == ("expired", None)
    assert "no customs confirmation" in row.reason


def test_shutdown_stops_the_thread(make_runtime, nta):
    runtime = _runtime(make_runtime, nta, transmit_every=0.02)
    scheduler = scheduler_for(runtime)
    assert scheduler.running
    started = time.monotonic()
    runtime.shutdown()
    assert not scheduler.running
    assert time.monotonic() - started < 5
    assert not [t for t in threading.enumerate() if t.name == "tax-free-sender"]


def test_without_transmit_url_nothing_runs_and_staff_see_the_record_waiting(make_runtime):
    runtime = make_runtime(
        plugin_config={"tax_free": {"enabled": True, "store_code": "TF-0001"}}, training=False
    )
    runtime.clock = Clock(SALE_AT)
    runtime.store.upsert_products([KIMONO])
    runtime.catalogue.add(KIMONO)
    assert scheduler_for(runtime) is None

    record_id = _tax_free_sale(runtime)

    (row,) = tax_free_ledger(runtime)
    assert (row.record_id, row.status, row.transmission) == (record_id, "pending", "queued")
    assert row.buyer == "SMITH J." and row.passport.endswith("4567")
    assert row.as_dict()["refund_amount"] == 600


# --- the scheduler alone, driven by hand -------------------------------------------------


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_run_once_sends_every_cycle_and_polls_on_its_own_interval(
    store, simulator, clock, make_record
):
    transmitter = InProcessTransmitter(simulator)
    monotonic = Monotonic()
    scheduler = TaxFreeScheduler(
        TransmissionQueue(store, transmitter, clock),
        ConfirmationPoller(RefundLedger(store), transmitter),
        transmit_every_s=60,
        poll_every_s=900,
        monotonic=monotonic,
    )
    first = make_record()
    report = scheduler.run_once()
    assert report.transmitted.sent == [first.record_id] and report.polled is not None

    simulator.customs_confirm(first.record_id, clock.now.date())
    second = make_record()
    report = scheduler.run_once()
    assert report.transmitted.sent == [second.record_id] and report.polled is None
    assert scheduler.next_delay() == 60  # nothing queued: the sweep interval

    monotonic.now += 900
    assert scheduler.run_once().polled.applied == {first.record_id: RecordStatus.CONFIRMED}


def test_next_delay_follows_the_back_off_and_an_outage_does_not_stop_the_cycle(
    store, simulator, clock, make_record
):
    transmitter = InProcessTransmitter(simulator)
    monotonic = Monotonic()
    scheduler = TaxFreeScheduler(
        TransmissionQueue(store, transmitter, clock),
        ConfirmationPoller(RefundLedger(store), transmitter),
        monotonic=monotonic,
    )
    record = make_record()
    simulator.fail_next(1)
    report = scheduler.run_once()
    assert report.transmitted.retrying == [record.record_id]
    assert scheduler.next_delay() == 30  # the queue's first back-off step
    clock.now += timedelta(seconds=29.5)
    assert scheduler.next_delay() == 1  # never less than min_wait_s

    def away(after):
        raise TransmissionUnavailable("away")

    transmitter.confirmations = away
    clock.now += timedelta(seconds=1)
    report = scheduler.run_once(force_poll=True)
    assert report.transmitted.sent == [record.record_id]
    assert report.polled is None and report.errors == ["poll: away"]


def test_a_confirmation_for_a_record_not_held_here_does_not_block_the_rest(
    store, simulator, clock, make_record, queue
):
    """GIVEN another kiosk's confirmation on the shared feed WHEN polled THEN it is skipped
    and ours, after it, still applies; the cursor moves past both."""
    record = make_record()
    queue.run_once()
    other = CustomsConfirmation(1, "someone-elses-record", clock.now.date(), (1,))
    simulator.confirmation_log.append(other)
    simulator.customs_confirm(record.record_id, clock.now.date())
    poller = ConfirmationPoller(RefundLedger(store), InProcessTransmitter(simulator))
    report = poller.poll_once()
    assert report.unknown == ["someone-elses-record"]
    assert report.applied == {record.record_id: RecordStatus.CONFIRMED}
    assert poller.cursor == 2


def test_stop_without_start_is_harmless_and_closes_once(store, simulator, clock):
    transmitter = InProcessTransmitter(simulator)
    closed = []
    scheduler = TaxFreeScheduler(
        TransmissionQueue(store, transmitter, clock),
        ConfirmationPoller(RefundLedger(store), transmitter),
        on_stop=lambda: closed.append(True),
    )
    assert scheduler.stop() and scheduler.stop()
    assert closed == [True]


# --- settings --------------------------------------------------------------------------


def test_transmitter_settings(tmp_path):
    base = {"enabled": True, "store_code": "TF-1"}
    off = TaxFreeSettings.from_settings(base, tmp_path)
    assert not off.transmits and off.transmit_url == ""
    on = TaxFreeSettings.from_settings(
        {**base, "transmit_url": "https://gw.example.jp/", "transmit_token": "t"}, tmp_path
    )
    assert on.transmits and on.transmit_url == "https://gw.example.jp"
    assert (on.transmit_interval_s, on.confirmation_interval_s) == (60.0, 900.0)
    local = TaxFreeSettings.from_settings({**base, "transmit_url": "http://127.0.0.1:9"}, tmp_path)
    assert local.transmits
    with pytest.raises(TaxFreeSettingsError, match="use https"):
        TaxFreeSettings.from_settings({**base, "transmit_url": "http://gw.example.jp"}, tmp_path)
    with pytest.raises(TaxFreeSettingsError, match="transmit_token"):
        TaxFreeSettings.from_settings({**base, "transmit_token": "t"}, tmp_path)
    with pytest.raises(TaxFreeSettingsError, match="transmit_interval_s"):
        TaxFreeSettings.from_settings(
            {**base, "transmit_url": "https://gw.example.jp", "transmit_interval_s": 0}, tmp_path
        )
