"""Fixtures: a tax-free store on a migrated local store, a ledger, the NTA simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plugins.tax_free import rules
from plugins.tax_free.ledger import RefundLedger
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.nta_simulator import InProcessTransmitter, NtaSimulator, SimulatorServer
from plugins.tax_free.record import build_record
from plugins.tax_free.store import TaxFreeStore
from plugins.tax_free.transmission import TransmissionQueue

from .factories import STORE_INFO, Clock, line, sale_document, tax_free_store, visitor


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> Iterator[TaxFreeStore]:
    store = tax_free_store(tmp_path, clock)
    yield store
    store.engine.dispose()


@pytest.fixture
def simulator() -> NtaSimulator:
    return NtaSimulator()


@pytest.fixture
def queue(store, simulator, clock) -> TransmissionQueue:
    return TransmissionQueue(store, InProcessTransmitter(simulator), clock)


@pytest.fixture
def ledger(store) -> RefundLedger:
    return RefundLedger(store)


@pytest.fixture
def nta_server(simulator) -> Iterator[SimulatorServer]:
    """The simulator over HTTP on 127.0.0.1 at an ephemeral port; stopped afterwards."""
    server = SimulatorServer(simulator).start()
    yield server
    server.stop()


@pytest.fixture
def make_record(store):
    """Store a pending record for a sale of the given lines; return the record."""
    count = iter(range(1, 1000))

    def make(lines=None, buyer=None, status=RecordStatus.PENDING, at=None):
        sale_id = f"sale-{next(count)}"
        record_id = store.save_draft(sale_id, buyer or visitor(), "TF-0001", "K01")
        kwargs = {"at": at} if at else {}
        document = sale_document(
            lines or [line(1, 6600), line(2, 3240, tax="reduced")], sale_id=sale_id, **kwargs
        )
        record = build_record(record_id, document, STORE_INFO)
        store.finalize(record, rules.retention_until(record.sale_date), status)
        return record

    return make
