"""GIVEN a kiosk with loyalty, coupons and promotions WHEN a member shops THEN the sale,
its points, its coupons and its receipt sections are right — all through the runtime."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.store.models import OutboxRow
from plugins.conftest import ONIGIRI, RICE, TEA, TOILET_PAPER, TUNA, coupon_qr, scan
from plugins.coupons import coupons_for
from plugins.loyalty import loyalty_for


def _member_with_points(runtime, points: int, **fields):
    service = loyalty_for(runtime)
    offer = service.begin_enrolment("ja")
    enrolment = service.enrol(offer.token, True, **fields)
    member_id = enrolment.member.member_id
    with runtime.unit_of_work() as uow:
        service.ledger.add(uow, member_id, "earn", points, runtime.clock(), expires=True)
    runtime.member_id = None  # the enrolling shopper has left
    return enrolment


def test_member_qr_coupon_items_points_then_cash(kiosk):
    runtime = kiosk()
    enrolment = _member_with_points(runtime, 500, name="山田 花子")

    outcome = scan(runtime, enrolment.qr_payload)
    assert outcome.claim.plugin == "loyalty" and "500" in outcome.claim.text("en")
    assert runtime.member_id == enrolment.member.member_id
    assert outcome.claim.payload.display_name == "山田 花子"  # show_name = true in this store

    claim = scan(runtime, coupon_qr("C100", "SN-0001")).claim
    assert claim.plugin == "coupons" and "accepted" in claim.text("en")
    for code in (RICE, TEA, TOILET_PAPER, TUNA):
        assert scan(runtime, code).accepted
    # 2480 + 138 + 120 (member price of 140) (8 %) + 498 (10 %) − 100 coupon
    assert runtime.checkout.totals.total == 2480 + 138 + 120 + 498 - 100

    assert runtime.pay("points", 300) is None  # a tender: the taxable amount stays
    total = runtime.checkout.totals.total
    sale = runtime.pay("cash")
    assert [(t.method, t.amount) for t in sale.tenders] == [("points", 300), ("cash", total - 300)]
    assert sale.member_id == enrolment.member.member_id
    keys = {a.key for a in sale.adjustments}
    assert "coupon-C100:SN-0001" in keys and any(k.startswith("member-price") for k in keys)

    service = loyalty_for(runtime)
    record = service.sale_record(sale.sale_id)
    # points on the part not paid with points: (3136 − 300) // 100
    assert record["earned"] == (total - 300) // 100 == 28
    assert record["redeemed_tender"] == 300
    assert service.balance(sale.member_id).points == 500 - 300 + 28
    assert coupons_for(runtime).book.consumed_for(sale.sale_id) == ["C100:SN-0001"]

    receipt = runtime.receipt(sale)
    titles = [s.title for s in receipt.sections]
    assert {"ポイント", "ご利用クーポン", "お買い得"} <= set(titles)
    points_lines = receipt.sections[titles.index("ポイント")].lines
    assert "今回獲得ポイント 28pt" in points_lines and "ポイント残高 228pt" in points_lines
    assert "****" + sale.member_id[-4:] in points_lines[0]
    text = "\n".join(runtime.receipt_lines(sale))
    assert "100円引" in text and "山田" not in text  # no name on paper

    with runtime.store.transaction() as session:
        kinds = {row.kind for row in session.scalars(select(OutboxRow))}
    assert {"sale", "loyalty", "coupons"} <= kinds


def test_points_as_discount_lowers_the_tax_but_a_points_tender_does_not(kiosk):
    runtime = kiosk()
    _member_with_points(runtime, 1000, phone="090-1234-5678")
    view = loyalty_for(runtime).identify_by_phone("09012345678")
    assert view.points == 1000
    scan(runtime, ONIGIRI)
    scan(runtime, TOILET_PAPER)
    before = runtime.checkout.totals
    loyalty_for(runtime).use_points_as_discount(100)
    after = runtime.checkout.totals
    assert after.total == before.total - 100 and after.tax_total < before.tax_total
    sale = runtime.pay("cash")
    service = loyalty_for(runtime)
    assert service.sale_record(sale.sale_id)["redeemed_discount"] == 100
    assert service.balance(sale.member_id).points == 1000 - 100 + (before.total - 100) // 100


def test_cancelled_sale_gives_points_and_coupons_back(kiosk):
    runtime = kiosk()
    enrolment = _member_with_points(runtime, 200)
    scan(runtime, enrolment.qr_payload)
    scan(runtime, coupon_qr("C100", "SN-0002"))
    scan(runtime, RICE)
    runtime.pay("points", 150)
    runtime.cancel_payment()
    runtime.cancel()
    assert loyalty_for(runtime).balance(enrolment.member.member_id).points == 200
    # the coupon was released: the next shopper may use it
    assert (
        scan(runtime, coupon_qr("C100", "SN-0002")).claim.text("en").startswith("Coupon accepted")
    )


def test_refund_reverses_the_points_a_sale_earned(kiosk):
    from kiosk.staff import demo_accounts

    runtime = kiosk()
    enrolment = _member_with_points(runtime, 0)
    scan(runtime, enrolment.qr_payload)
    scan(runtime, RICE)
    sale = runtime.pay("cash")
    service = loyalty_for(runtime)
    assert service.balance(sale.member_id).points == 24
    attendant = demo_accounts()[0]
    assert service.reverse_sale(sale.sale_id, attendant) == -24
    assert service.balance(sale.member_id).points == 0
