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


def test_returns_adjust_then_cancel_the_purchase_record(make_runtime):
    from kiosk.domain.scan import Symbology

    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    desk.start()
    _scan(runtime, encode_vjw(visitor()), Symbology.QR)
    _scan(runtime, KIMONO.gtin)
    _scan(runtime, TEA.gtin)
    paid = runtime.pay("cash")
    runtime.finish()
    sale = paid.to_document()
    store = desk.recorder.store
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
