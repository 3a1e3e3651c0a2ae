"""Single use across kiosks: two kiosks offline take the same coupon; sync finds the race."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.store.models import JournalRow
from plugins.conftest import RICE, coupon_qr, scan
from plugins.coupons import coupons_for
from plugins.coupons.book import detect_races


def test_two_kiosks_racing_one_coupon_offline_is_detected_and_reported(kiosk):
    code = coupon_qr("C100", "RACE-1")
    k1, k2 = kiosk("k1", kiosk_id="K01"), kiosk("k2", kiosk_id="K02")
    sales = {}
    for runtime in (k1, k2):  # both offline: neither knows of the other
        scan(runtime, RICE)
        assert "accepted" in scan(runtime, code).claim.text("en")
        sales[runtime.config.kiosk_id] = runtime.pay("cash")
        runtime.finish()

    # the back office received both uploads; either side can see the race
    uploads = [("C100:RACE-1", sale.sale_id, kid) for kid, sale in sales.items()]
    assert detect_races(uploads) == {
        "C100:RACE-1": sorted((sale.sale_id, kid) for kid, sale in sales.items())
    }

    # each kiosk reconciles with the back office's list of consumed coupons
    report = coupons_for(k1).reconcile(uploads)
    [conflict] = report.conflicts
    assert conflict.local_sale_id == sales["K01"].sale_id
    assert (conflict.remote_sale_id, conflict.remote_kiosk_id) == (sales["K02"].sale_id, "K02")
    assert conflict.local_state == "consumed"
    with k1.store.transaction() as session:
        journaled = session.scalars(select(JournalRow).where(JournalRow.kind == "coupon_conflict"))
        assert len(journaled.all()) == 1

    # reconciling again records nothing new and reports the same race (idempotent)
    again = coupons_for(k1).reconcile(uploads)
    assert again.recorded == 0 and len(again.conflicts) == 1


def test_after_sync_a_coupon_used_elsewhere_is_refused_and_a_held_one_is_dropped(kiosk):
    k1 = kiosk("k1", kiosk_id="K01")
    scan(k1, RICE)
    scan(k1, coupon_qr("C100", "HELD"))
    assert k1.checkout.totals.total == 2380
    report = coupons_for(k1).reconcile([("C100:HELD", "other-sale", "K02"), "C100:GONE"])
    assert [c.local_state for c in report.conflicts] == ["reserved"]
    assert k1.checkout.totals.total == 2480  # the discount went with the coupon
    assert (
        scan(k1, coupon_qr("C100", "GONE")).claim.text("en") == "This coupon has already been used."
    )
    assert (
        scan(k1, coupon_qr("C100", "HELD")).claim.text("en") == "This coupon has already been used."
    )


def test_a_reservation_left_by_a_crash_is_settled_at_the_next_start(kiosk, make_runtime):
    k1 = kiosk("k1")
    scan(k1, RICE)
    scan(k1, coupon_qr("C100", "CRASH"))
    k1.store.close()  # the kiosk died before commit: the sale never existed
    restarted = kiosk("k1")
    scan(restarted, RICE)
    assert "accepted" in scan(restarted, coupon_qr("C100", "CRASH")).claim.text("en")
