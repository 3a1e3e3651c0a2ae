"""GIVEN a kiosk selling tax-free WHEN a record is made THEN its summary waits in the outbox in
the same transaction; with a back office configured but away, the minimum uses this kiosk's
records and the sale is not held up. (The back office side: tests/backoffice/test_function_taxfree.py.)"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from kiosk.domain.scan import Scan
from kiosk.store.models import JournalRow, OutboxRow
from plugins.tax_free import desk_for
from plugins.tax_free.models import RecordStatus, TaxFreeRecordRow
from plugins.tax_free.storewide import BackofficeTotals
from plugins.tax_free.summary import KIND
from plugins.tax_free.vjw import encode_vjw
from tests.factories import product

from .factories import Clock, visitor

SETTINGS = {"tax_free": {"enabled": True, "store_code": "TF-0001"}}
KIMONO = product(101, 6_600, department="apparel")


def _sell(runtime) -> str:
    runtime.clock = Clock(datetime(2026, 11, 2, 14, 30))
    runtime.store.upsert_products([KIMONO])
    runtime.catalogue.add(KIMONO)
    desk_for(runtime).present_vjw(encode_vjw(visitor()))
    runtime.handle_scan(Scan(KIMONO.gtin))
    return runtime.pay("cash").sale_id


def _summaries(runtime) -> list[OutboxRow]:
    with runtime.store.transaction() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.kind == KIND)))


def test_a_sale_s_record_summary_waits_in_the_outbox_behind_the_sale(make_runtime) -> None:
    runtime = make_runtime(plugin_config=SETTINGS, training=False)  # a real sale: a record
    sale_id = _sell(runtime)
    stored = desk_for(runtime).recorder.store.by_sale(sale_id)
    [summary] = _summaries(runtime)
    assert summary.aggregate_id == stored.row.record_id
    assert (summary.payload["status"], summary.payload["net_total"]) == ("pending", 6_000)
    with runtime.store.transaction() as session:
        sale_event = session.scalar(select(OutboxRow).where(OutboxRow.kind == "sale"))
    assert sale_event.seq < summary.seq  # the back office learns of the sale first
    assert desk_for(runtime).recorder.totals is None  # no back office: this kiosk's records


def test_a_record_its_summary_and_its_journal_row_commit_as_one_unit_of_work(
    make_runtime,
) -> None:
    """GIVEN a kiosk's record WHEN its status changes THEN the change, its summary and its
    journal row are in the store together — and when the change fails, none of them is."""
    runtime = make_runtime(plugin_config=SETTINGS, training=False)
    sale_id = _sell(runtime)
    store = desk_for(runtime).recorder.store
    record_id = store.by_sale(sale_id).row.record_id
    [entry] = _journal(runtime)
    assert entry == {
        "record_id": record_id,
        "sale_id": sale_id,
        "status": "pending",
        "refund_amount": 600,
    }
    with pytest.raises(RuntimeError, match="lost power"), store.transaction() as session:
        session.get(TaxFreeRecordRow, record_id).status = RecordStatus.VOIDED.value
        session.flush()  # the summary and the journal row are added here …
        raise RuntimeError("lost power")  # … and go with the change
    assert store.by_sale(sale_id).status is RecordStatus.PENDING
    assert [s.payload["status"] for s in _summaries(runtime)] == ["pending"]
    assert len(_journal(runtime)) == 1
    with store.transaction() as session:
        session.get(TaxFreeRecordRow, record_id).status = RecordStatus.VOIDED.value
    assert [s.payload["status"] for s in _summaries(runtime)] == ["pending", "voided"]
    assert [e["status"] for e in _journal(runtime)] == ["pending", "voided"]


def _journal(runtime) -> list[dict]:
    with runtime.store.transaction() as session:
        rows = session.scalars(select(JournalRow).where(JournalRow.kind == KIND))
        return [json.loads(row.payload) for row in rows]


def test_with_the_back_office_away_the_minimum_uses_this_kiosk_and_the_sale_goes_on(
    make_runtime,
) -> None:
    runtime = make_runtime(
        plugin_config=SETTINGS,
        backoffice_url="http://127.0.0.1:9",  # nothing listens on the discard port
        backoffice_token="K01.secret",
        training=False,  # a real sale: a record
    )
    totals = desk_for(runtime).recorder.totals
    assert isinstance(totals, BackofficeTotals)
    sale_id = _sell(runtime)
    stored = desk_for(runtime).recorder.store.by_sale(sale_id)
    assert stored.status is RecordStatus.PENDING
    assert totals.last_source == "local"
