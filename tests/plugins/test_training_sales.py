"""Training sales (練習: the money went to a simulator) change nothing outside the kiosk.

GIVEN a kiosk in training mode WHEN a member pays with a coupon, or a visitor buys tax-free,
THEN no points are earned or spent, no coupon is used up (it still works in a real sale),
no tax-free record is made for the tax authority, and the only outbox event is the sale
itself, flagged ``training`` (the back office keeps it out of its reports). What the shopper
sees still happens, marked as practice: the receipt shows the points the sale would earn
(not awarded) and the tax-free section (練習, not sent), so staff practise the full flow.
"""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.scan import Symbology
from kiosk.store.models import OutboxRow
from plugins.conftest import ONIGIRI, TOILET_PAPER, coupon_qr, scan
from plugins.coupons import coupons_for
from plugins.loyalty import loyalty_for
from plugins.tax_free import desk_for
from plugins.tax_free.summary import KIND as TAX_FREE_KIND
from plugins.tax_free.tests.factories import visitor
from plugins.tax_free.tests.test_function_kiosk_flow import KIMONO, TEA, _runtime, _scan
from plugins.tax_free.vjw import encode_vjw


def _member(runtime, points: int) -> str:
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment("ja").token, True)
    member_id = enrolment.member.member_id
    with runtime.unit_of_work() as uow:
        service.ledger.add(uow, member_id, "earn", points, runtime.clock(), expires=True)
    runtime.member_id = None
    scan(runtime, enrolment.qr_payload)
    assert runtime.member_id == member_id
    return member_id


def _outbox_kinds(runtime) -> list[str]:
    with runtime.store.transaction() as session:
        return [row.kind for row in session.scalars(select(OutboxRow))]


def test_a_training_sale_earns_no_points_and_uses_no_coupon(kiosk):
    runtime = kiosk(training=True)
    member_id = _member(runtime, 500)
    kinds_before = _outbox_kinds(runtime)
    assert scan(runtime, coupon_qr("C100", "SN-0100")).claim.plugin == "coupons"
    scan(runtime, ONIGIRI)
    scan(runtime, TOILET_PAPER)
    # a practice sale never spends a member's real points
    assert "points" not in [m.id for m in runtime.payment_methods()]

    sale = runtime.pay("cash")

    assert sale.training and sale.member_id == member_id
    assert any(a.key == "coupon-C100:SN-0100" for a in sale.adjustments)  # shown, as real
    service = loyalty_for(runtime)
    assert service.sale_record(sale.sale_id) is None
    assert service.balance(member_id).points == 500
    assert coupons_for(runtime).book.consumed_for(sale.sale_id) == []
    new = _outbox_kinds(runtime)[len(kinds_before) :]
    assert new == ["sale"]  # no "loyalty", no "coupons" event for the back office
    sale_event = [
        row for row in _rows(runtime) if row.kind == "sale" and row.aggregate_id == sale.sale_id
    ]
    assert sale_event[0].payload["training"] is True
    # the receipt shows the points a real sale would earn, marked as practice, not awarded
    points = [s for s in runtime.receipt(sale).sections if s.title == "ポイント"]
    would = service.training_points(sale.to_document())
    assert would > 0
    assert f"今回獲得ポイント {would}pt（練習・付与されません）" in points[0].lines
    assert "ポイント残高 500pt" in points[0].lines  # the balance is not changed
    assert service.balance(member_id).points == 500  # printing it booked nothing either
    runtime.finish()

    # the same printed coupon still works when the money is real
    runtime.training = False
    assert "accepted" in scan(runtime, coupon_qr("C100", "SN-0100")).claim.text("en")
    scan(runtime, ONIGIRI)
    real = runtime.pay("cash")
    assert not real.training
    assert coupons_for(runtime).book.consumed_for(real.sale_id) == ["C100:SN-0100"]


def _rows(runtime) -> list[OutboxRow]:
    with runtime.store.transaction() as session:
        rows = list(session.scalars(select(OutboxRow)))
        session.expunge_all()
    return rows


def test_a_training_tax_free_sale_makes_no_record_for_the_authority(make_runtime):
    runtime = _runtime(make_runtime, training=True)
    desk = desk_for(runtime)
    desk.start()
    _scan(runtime, encode_vjw(visitor()), Symbology.QR)
    _scan(runtime, KIMONO.gtin)
    _scan(runtime, TEA.gtin)
    assert desk.status().shortfall == 0  # eligible, exactly as a real sale would be

    sale = runtime.pay("cash")

    assert sale.training
    # the receipt still has the tax-free section a real sale would print, marked as practice
    sections = runtime.receipt(sale).sections
    assert [s.title for s in sections] == [
        "TAX-FREE (refund after customs)",
        "免税（リファンド方式）",
    ]
    en, ja = sections
    assert en.lines[0].startswith("TRAINING: practice only.")
    assert "練習：この記録は国税庁へ送信されません。" in ja.lines
    assert any(line.startswith("返金予定の消費税額") for line in ja.lines)
    assert not any(line.startswith("記録番号") for line in ja.lines)  # there is no record
    assert en.qr is None and ja.qr is None  # no code for customs to look up
    runtime.finish()
    assert desk.recorder.store.by_sale(sale.sale_id) is None  # nothing to send to the NTA
    assert list(desk.recorder.store.drafts()) == []  # the session's draft is dropped
    assert TAX_FREE_KIND not in [row.kind for row in _rows(runtime)]  # no outbox event either


def test_a_training_sale_left_by_a_crash_is_not_booked_at_the_next_start(kiosk):
    """GIVEN a training sale committed just before a crash (its points never booked)
    WHEN the loyalty plugin's start-up recovery runs THEN it books nothing for it."""
    runtime = kiosk(training=True)
    member_id = _member(runtime, 0)
    scan(runtime, TOILET_PAPER)
    service = loyalty_for(runtime)
    sale = runtime.pay("cash")
    assert service.recover() == 0
    assert service.sale_record(sale.sale_id) is None
    assert service.balance(member_id).points == 0
