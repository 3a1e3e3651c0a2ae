"""A return of tax-free goods adjusts, then cancels, the sale's purchase record.

GIVEN a tax-free sale of a kimono (¥6,600, 10 %) and tea (¥1,080, 8 %) paid in cash, its
      record pending with a ¥680 tax refund and not yet transmitted
WHEN the tea comes back, then the kimono
THEN the record's refund loses the tea's ¥80 tax (one rounding per rate), and once every
     item is back the record is cancelled (voided, refund 0) and its transmission withdrawn;
     the same return seen twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.scan import Symbology
from kiosk.runtime.returns import ReturnDesk
from kiosk.staff import Role, StaffAccount
from plugins.tax_free import desk_for
from plugins.tax_free.models import RecordStatus, TransmissionRow
from plugins.tax_free.returns import adjust_for_return
from plugins.tax_free.tests.factories import visitor
from plugins.tax_free.tests.test_function_kiosk_flow import KIMONO, TEA, _runtime, _scan
from plugins.tax_free.vjw import encode_vjw

STAFF = StaffAccount("S001", "係員", Role.ATTENDANT, "x")


def _return(runtime, sale: dict, sku: str) -> dict:
    line = next(x for x in sale["lines"] if x["sku"] == sku)
    desk = ReturnDesk(runtime)
    plan = desk.plan(sale, {line["line_id"]: 1}, reason="changed_mind", staff=STAFF)
    return desk.make(plan).document


def _tax_free_sale(make_runtime) -> tuple:
    """A kiosk, its tax-free store and a tax-free sale of the kimono and the tea (cash)."""
    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    desk.start()
    _scan(runtime, encode_vjw(visitor()), Symbology.QR)
    _scan(runtime, KIMONO.gtin)
    _scan(runtime, TEA.gtin)
    sale = runtime.pay("cash").to_document()
    runtime.finish()
    return runtime, desk.recorder.store, sale


def test_returns_adjust_then_cancel_the_purchase_record(make_runtime):
    runtime, store, sale = _tax_free_sale(make_runtime)
    assert store.by_sale(sale["sale_id"]).row.refund_amount == 680

    tea_back = _return(runtime, sale, TEA.sku)
    stored = store.by_sale(sale["sale_id"])
    assert stored.status is RecordStatus.PENDING
    assert stored.row.refund_amount == 600  # the tea's 8 % (1,080 × 8/108 = 80) is off
    assert "adjusted by return" in stored.row.status_reason
    # recovery may run the hook again: the same return is seen once
    assert adjust_for_return(store, tea_back, sale, []) == "seen"
    assert store.by_sale(sale["sale_id"]).row.refund_amount == 600

    _return(runtime, sale, KIMONO.sku)
    stored = store.by_sale(sale["sale_id"])
    assert stored.status is RecordStatus.VOIDED
    assert stored.row.refund_amount == 0
    assert "every item was returned" in stored.row.status_reason
    with store.transaction() as session:
        queued = session.scalars(
            select(TransmissionRow).where(TransmissionRow.record_id == stored.row.record_id)
        ).all()
    assert queued == []  # customs are never told of a purchase that was undone


def test_a_return_after_transmission_sends_a_correction_then_a_cancellation(make_runtime):
    """GIVEN the record already transmitted WHEN the tea comes back THEN a correction (訂正)
    is queued with the record's change (one transaction) and sent through the same
    transmitter under its own key — once, even when the answer is lost; WHEN the kimono
    comes back too THEN a cancellation (取消) follows it; the same return seen again makes
    no second correction."""
    from datetime import timedelta

    from plugins.tax_free.models import CorrectionRow
    from plugins.tax_free.nta_simulator import InProcessTransmitter, NtaSimulator
    from plugins.tax_free.transmission import TransmissionQueue

    runtime, store, sale = _tax_free_sale(make_runtime)
    simulator = NtaSimulator()
    queue = TransmissionQueue(store, InProcessTransmitter(simulator), runtime.clock)
    record_id = store.by_sale(sale["sale_id"]).row.record_id
    assert queue.run_once().sent == [record_id]
    receipt = store.get(record_id).row.nta_receipt

    tea = next(x for x in sale["lines"] if x["sku"] == TEA.sku)
    tea_back = _return(runtime, sale, TEA.sku)
    stored = store.by_sale(sale["sale_id"])
    assert stored.row.refund_amount == 600
    assert f"correction {record_id}:c1 queued for customs" in stored.row.status_reason
    assert adjust_for_return(store, tea_back, sale, []) == "seen"

    simulator.lose_next_answers(1)  # filed, but the answer never comes back
    assert queue.run_once().retrying == [f"{record_id}:c1"]
    runtime.clock.now += timedelta(minutes=1)
    assert queue.run_once().corrections == [f"{record_id}:c1"]
    [correction] = simulator.corrections(record_id)
    assert simulator.filings == 2  # the record, then its correction: once each
    assert correction["kind"] == "correction" and correction["corrects_receipt"] == receipt
    assert correction["returned_lines"] == [
        {"line_no": tea["line_id"], "quantity": 1, "amount": tea["amount"]}
    ]
    assert (correction["tax_refund_less"], correction["refund_amount"]) == (80, 600)
    assert "sent to customs (NTA-00000002)" in store.get(record_id).row.status_reason

    _return(runtime, sale, KIMONO.sku)
    assert store.by_sale(sale["sale_id"]).status is RecordStatus.VOIDED
    assert queue.run_once().corrections == [f"{record_id}:c2"]
    kinds = [c["kind"] for c in simulator.corrections(record_id)]
    assert kinds == ["correction", "cancellation"]
    assert simulator.corrections(record_id)[1]["refund_amount"] == 0
    with store.transaction() as session:
        rows = session.scalars(select(CorrectionRow).order_by(CorrectionRow.seq)).all()
        assert [(r.state, r.attempts) for r in rows] == [("sent", 2), ("sent", 1)]
    assert queue.run_once().corrections == []  # nothing sent twice


def test_a_correction_of_a_record_customs_never_filed_is_refused_and_said(make_runtime):
    """GIVEN a correction the endpoint refuses WHEN it is sent THEN it is marked rejected and
    the record's reason tells staff, and it is not sent again by itself."""
    from plugins.tax_free.models import CorrectionRow
    from plugins.tax_free.nta_simulator import InProcessTransmitter, NtaSimulator
    from plugins.tax_free.transmission import TransmissionQueue

    runtime, store, sale = _tax_free_sale(make_runtime)
    record_id = store.by_sale(sale["sale_id"]).row.record_id
    TransmissionQueue(store, InProcessTransmitter(NtaSimulator()), runtime.clock).run_once()
    _return(runtime, sale, TEA.sku)
    # another endpoint, which never had the record: the correction names an unknown receipt
    queue = TransmissionQueue(store, InProcessTransmitter(NtaSimulator()), runtime.clock)
    assert queue.run_once().rejected == [f"{record_id}:c1"]
    assert "correction" in store.get(record_id).row.status_reason
    assert "rejected" in store.get(record_id).row.status_reason
    assert queue.run_once().rejected == []
    with store.transaction() as session:
        assert session.scalars(select(CorrectionRow.state)).all() == ["rejected"]
