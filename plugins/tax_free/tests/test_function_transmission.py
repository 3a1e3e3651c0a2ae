"""The transmission queue: retries with back-off, idempotent duplicates, HTTP endpoint."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from plugins.tax_free import transmission
from plugins.tax_free.errors import TransmissionRejected
from plugins.tax_free.models import TransmissionRow
from plugins.tax_free.transmission import (
    HttpTransmitter,
    TransmissionQueue,
    transmission_payload,
)


def _row(store, record_id):
    with store.transaction() as session:
        return session.scalar(select(TransmissionRow).where(TransmissionRow.record_id == record_id))


def test_a_pending_record_is_sent_once_with_the_buyer(queue, simulator, make_record, store):
    record = make_record()
    report = queue.run_once()
    assert report.sent == [record.record_id]
    filed = simulator.records[record.record_id]
    assert filed["buyer"]["passport_number"] == "TR1234567"
    assert filed["buyer"]["landing_date"] == "2026-10-28"
    assert [i["line_no"] for i in filed["items"]] == [1, 2]
    assert store.get(record.record_id).row.nta_receipt == "NTA-00000001"
    assert queue.run_once().sent == []  # nothing left to send


def test_an_outage_is_retried_later_with_back_off(queue, simulator, make_record, clock):
    record = make_record()
    simulator.fail_next(2)
    assert queue.run_once().retrying == [record.record_id]
    assert queue.run_once().retrying == []  # not due yet
    clock.now += timedelta(seconds=30)
    assert queue.run_once().retrying == [record.record_id]  # second failure: 60 s now
    clock.now += timedelta(seconds=59)
    assert queue.run_once().sent == []
    clock.now += timedelta(seconds=1)
    assert queue.run_once().sent == [record.record_id]
    assert simulator.filings == 1


def test_a_lost_answer_then_a_retry_files_the_record_once(
    queue, simulator, make_record, clock, store
):
    """GIVEN the endpoint filed the record but its answer was lost WHEN retried THEN one filing."""
    record = make_record()
    simulator.lose_next_answers(1)
    assert queue.run_once().retrying == [record.record_id]
    clock.now += timedelta(minutes=1)
    assert queue.run_once().sent == [record.record_id]
    assert simulator.filings == 1
    assert _row(store, record.record_id).attempts == 2


def test_sending_the_same_record_twice_is_idempotent(simulator, make_record, store):
    record = make_record()
    payload = transmission_payload(store.get(record.record_id))
    first = simulator.submit(payload, record.record_id)
    second = simulator.submit(payload, record.record_id)
    assert second.receipt_id == first.receipt_id and second.duplicate
    assert simulator.filings == 1


def test_over_http_duplicates_are_idempotent_and_conflicts_rejected(
    nta_server, simulator, make_record, store, clock
):
    transmitter = HttpTransmitter(nta_server.url)
    try:
        record = make_record()
        payload = transmission_payload(store.get(record.record_id))
        first = transmitter.submit(payload, record.record_id)
        again = transmitter.submit(payload, record.record_id)
        assert again.duplicate and again.receipt_id == first.receipt_id
        assert simulator.filings == 1
        changed = {**payload, "receipt_no": 99}
        with pytest.raises(TransmissionRejected, match="correct it and resend"):
            transmitter.submit(changed, record.record_id)
    finally:
        transmitter.close()


def test_the_queue_works_over_http_through_an_outage(
    nta_server, simulator, make_record, store, clock
):
    transmitter = HttpTransmitter(nta_server.url)
    try:
        queue = TransmissionQueue(store, transmitter, clock)
        record = make_record()
        simulator.fail_next(1)
        assert queue.run_once().retrying == [record.record_id]
        clock.now += timedelta(minutes=5)
        assert queue.run_once().sent == [record.record_id]
        simulator.customs_confirm(record.record_id, clock.now.date())
        assert [c.record_id for c in transmitter.confirmations(0)] == [record.record_id]
    finally:
        transmitter.close()


def test_a_rejected_record_waits_for_staff(queue, simulator, make_record, store, monkeypatch):
    record = make_record()
    monkeypatch.setattr(transmission, "transmission_payload", lambda stored: {"record_id": "x"})
    assert queue.run_once().rejected == [record.record_id]
    assert "missing fields" in store.get(record.record_id).row.status_reason
    assert queue.run_once().rejected == []  # not retried by itself
