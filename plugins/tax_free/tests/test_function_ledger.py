"""The refund ledger: customs confirmations, expiry, refunds, the staff list, exports."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from plugins.tax_free.errors import LedgerError, RefundFailed
from plugins.tax_free.export import export_csv, export_json, purge_past_retention
from plugins.tax_free.ledger import list_ledger
from plugins.tax_free.models import RecordStatus as S
from plugins.tax_free.nta_simulator import InProcessTransmitter
from plugins.tax_free.poller import ConfirmationPoller
from plugins.tax_free.record import ItemDetails
from plugins.tax_free.refunds import CardReversalRefund, CounterCashRefund, ProviderRefund
from plugins.tax_free.transmission import CustomsConfirmation

from .factories import line, visitor

BOUGHT = date(2026, 11, 2)


def _confirm(record, export_date, missing=()):
    lines = tuple(i.line_no for i in record.items)
    return CustomsConfirmation(
        seq=1,
        record_id=record.record_id,
        export_date=export_date,
        confirmed_lines=tuple(n for n in lines if n not in missing),
        unconfirmed_lines=tuple(missing),
    )


def test_full_confirmation_on_day_90_confirms(ledger, make_record, store):
    record = make_record()
    assert record.export_deadline == BOUGHT + timedelta(days=90)
    status = ledger.apply_confirmation(_confirm(record, BOUGHT + timedelta(days=90)))
    assert status is S.CONFIRMED


def test_confirmation_on_day_91_expires_the_record(ledger, make_record, store):
    record = make_record()
    status = ledger.apply_confirmation(_confirm(record, BOUGHT + timedelta(days=91)))
    assert status is S.EXPIRED
    assert "after the deadline" in store.get(record.record_id).row.status_reason


def test_one_unconfirmed_item_voids_the_whole_record(ledger, make_record, store):
    """GIVEN customs saw item 1 but not item 2 THEN the record (both items) is voided."""
    record = make_record()
    status = ledger.apply_confirmation(_confirm(record, BOUGHT + timedelta(days=3), missing=(2,)))
    assert status is S.VOIDED
    assert "line(s) 2" in store.get(record.record_id).row.status_reason
    with pytest.raises(LedgerError, match="only customs-confirmed"):
        ledger.refund(record.record_id, CounterCashRefund(), staff_id="S01")


def test_applying_a_confirmation_twice_changes_nothing(ledger, make_record):
    record = make_record()
    confirmation = _confirm(record, BOUGHT + timedelta(days=5))
    assert ledger.apply_confirmation(confirmation) is S.CONFIRMED
    assert (
        ledger.apply_confirmation(_confirm(record, BOUGHT + timedelta(days=5), missing=(1,)))
        is S.CONFIRMED
    )


def test_unconfirmed_records_expire_after_the_deadline_and_grace(ledger, make_record):
    record = make_record()
    deadline = record.export_deadline
    assert ledger.expire_overdue(deadline + timedelta(days=7)) == []
    assert ledger.expire_overdue(deadline + timedelta(days=8)) == [record.record_id]
    # a timely confirmation arriving late still confirms it
    assert ledger.apply_confirmation(_confirm(record, deadline)) is S.CONFIRMED


def test_the_poller_applies_new_confirmations_once(ledger, make_record, queue, simulator, clock):
    first, second = make_record(), make_record()
    queue.run_once()
    simulator.customs_confirm(first.record_id, BOUGHT + timedelta(days=10))
    poller = ConfirmationPoller(ledger, InProcessTransmitter(simulator))
    clock.now += timedelta(days=10)
    report = poller.poll_once()
    assert report.applied == {first.record_id: S.CONFIRMED}
    assert poller.cursor == 1
    simulator.customs_confirm(second.record_id, BOUGHT + timedelta(days=11), missing_lines=(1,))
    assert poller.poll_once().applied == {second.record_id: S.VOIDED}


def test_a_cash_refund_is_paid_once(ledger, make_record, store):
    record = make_record()
    ledger.apply_confirmation(_confirm(record, BOUGHT + timedelta(days=1)))
    cash = CounterCashRefund()
    reference = ledger.refund(record.record_id, cash, staff_id="S01")
    assert ledger.refund(record.record_id, cash, staff_id="S01") == reference
    assert cash.paid == {f"taxfree-refund-{record.record_id}": record.refund_amount}
    assert record.refund_amount == 600 + 240  # 6,600 at 10 % and 3,240 at 8 %
    assert store.get(record.record_id).status is S.REFUNDED


def test_a_cash_refund_without_staff_fails_and_stays_confirmed(ledger, make_record, store):
    record = make_record()
    ledger.apply_confirmation(_confirm(record, BOUGHT))
    with pytest.raises(RefundFailed, match="staff member"):
        ledger.refund(record.record_id, CounterCashRefund())
    assert store.get(record.record_id).status is S.CONFIRMED


class Card(PaymentMethod):
    id, name_ja, name_en = "card", "カード", "Card"

    def __init__(self):
        self.refunds = {}

    def start(self, amount, idempotency_key):
        return PaymentResult(Outcome.APPROVED, amount)

    def status(self, idempotency_key):
        return PaymentResult(Outcome.NOT_FOUND)

    def cancel(self, idempotency_key):
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key, amount, refund_key):
        self.refunds.setdefault(refund_key, (idempotency_key, amount))
        return PaymentResult(Outcome.REFUNDED, amount, reference=f"rf-{refund_key[-4:]}")


def test_a_card_reversal_refunds_on_the_sales_card_payment(ledger, make_record, store):
    record = make_record()
    with store.transaction() as session:  # the sale was paid by card
        row = session.get(type(store.get(record.record_id).row), record.record_id)
        row.document = {
            **row.document,
            "tenders": [{"payment_id": "p9", "method": "card", "amount": 9840}],
        }
    ledger.apply_confirmation(_confirm(record, BOUGHT))
    card = Card()
    ledger.refund(
        record.record_id, CardReversalRefund(card, lambda payment_id: f"key-{payment_id}")
    )
    assert list(card.refunds.values()) == [("key-p9", 840)]


def test_a_provider_refund_failure_is_reported(ledger, make_record):
    class Down:
        def pay_refund(self, record_id, amount, refund_key):
            raise ConnectionError("provider down")

    record = make_record()
    ledger.apply_confirmation(_confirm(record, BOUGHT))
    with pytest.raises(RefundFailed, match="provider down"):
        ledger.refund(record.record_id, ProviderRefund(Down()))


def test_a_high_value_record_is_held_until_staff_add_details(ledger, make_record, queue, store):
    record = make_record(lines=[line(1, 1_210_000)], status=S.NEEDS_DETAILS)
    assert queue.run_once().sent == []
    status = ledger.add_item_details(
        record.record_id, 1, ItemDetails("Rolex", "126610LN", "9X1Y2Z")
    )
    assert status is S.PENDING
    assert queue.run_once().sent == [record.record_id]


def test_the_staff_list_masks_the_buyer(ledger, make_record):
    record = make_record()
    lines = list_ledger(ledger, BOUGHT)
    assert len(lines) == 1
    assert "SMITH J." in lines[0] and "*****4567" in lines[0] and "TR1234567" not in lines[0]
    assert "pending" in lines[0] and "90d" in lines[0]
    assert ledger.entries(statuses=(S.CONFIRMED,)) == []
    assert ledger.entries()[0].record_id == record.record_id


def test_personal_data_is_encrypted_at_rest(make_record, store):
    make_record()
    with store.engine.connect() as connection:
        dump = " ".join(
            str(v) for row in connection.execute(text("SELECT * FROM taxfree_records")) for v in row
        )
    assert "TR1234567" not in dump and "SMITH" not in dump


def test_exports_carry_items_buyer_and_state(make_record, store):
    record = make_record(lines=[line(1, 1_210_000), line(2, 3300)])
    data = json.loads(export_json(store))
    assert data[0]["buyer"]["passport_number"] == "TR1234567"
    assert data[0]["refund_amount"] == record.refund_amount
    masked = json.loads(export_json(store, include_personal=False))
    assert masked[0]["buyer"]["passport_number"] == "*****4567"
    rows = export_csv(store).splitlines()
    assert rows[0].startswith("record_id,sale_id,store_code")
    assert len(rows) == 3  # header + one row per item
    assert "TR1234567" in rows[1] and ",1210000," in rows[1]


def test_the_csv_export_runs_no_formula_from_a_document(make_record, store):
    import csv
    import io

    make_record(buyer=visitor(surname='=HYPERLINK("http://x")', given_names="@SUM(1)"))
    rows = list(csv.DictReader(io.StringIO(export_csv(store))))
    assert rows[0]["surname"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["given_names"] == "'@SUM(1)"


def test_records_past_retention_are_purged(make_record, store):
    make_record()
    assert purge_past_retention(store, date(2034, 2, 28)) == 0  # the last day kept
    assert purge_past_retention(store, date(2034, 3, 1)) == 1
    assert store.rows() == []
