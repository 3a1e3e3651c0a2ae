"""Coupons across kiosks: the back office's consumed coupons reach every kiosk's reconcile."""

from __future__ import annotations

import json
import time

import pytest

from plugins.conftest import RICE, TEA, coupon_qr, scan, settings
from tests.sync.loyalty_sync_shop import Kiosk, Shop


@pytest.fixture
def shop(make_runtime, bo_db, client, clock, tmp_path) -> Shop:
    return Shop(make_runtime, bo_db, client, clock, tmp_path)


def test_a_coupon_used_at_one_kiosk_is_refused_at_the_other_after_its_next_pull(shop):
    """GIVEN kiosks A and B WHEN A sells with a coupon and both sync THEN B refuses it, and a
    shopper at B who held it before the pull loses it (and its discount)."""
    a, b = shop.kiosk("K01"), shop.kiosk("K02")
    code = coupon_qr("C100", "SHARED-1")
    scan(a.runtime, RICE)
    assert "accepted" in scan(a.runtime, code).claim.text("en")
    a.runtime.pay("cash")
    a.runtime.finish()
    a.sync_now()

    scan(b.runtime, RICE)
    assert "accepted" in scan(b.runtime, code).claim.text("en")  # B does not know yet
    assert b.runtime.checkout.totals.total == 2380
    b.sync_now()  # no hand call to reconcile: the pull does it
    assert b.runtime.checkout.totals.total == 2480
    assert scan(b.runtime, code).claim.text("en") == "This coupon has already been used."
    [conflict] = [json.loads(p) for p in b.journal("coupon_conflict")]
    assert (conflict["local_state"], conflict["remote_kiosk_id"]) == ("reserved", "K01")

    # pulling again brings nothing new and reports nothing new (the cursor moved on)
    plugins = b.runtime.host.pm.get_plugins()  # the feeds; the journal-anchor step reports anew
    feeds = [pull for pull in b.sync.pullers if pull.__self__ in plugins]
    assert feeds and all(pull(b.sync.client, b.sync.relay.token) == 0 for pull in feeds)
    assert len(b.journal("coupon_conflict")) == 1


def test_two_kiosks_using_one_coupon_offline_is_reported_on_both(shop):
    """GIVEN the back office is unreachable WHEN A and B both sell with one coupon THEN after
    the sync each kiosk journals a coupon_conflict naming the other kiosk's sale."""
    a, b = shop.kiosk("K01"), shop.kiosk("K02")
    code = coupon_qr("C100", "RACE-9")
    sales = {}
    for kiosk in (a, b):
        scan(kiosk.runtime, RICE)
        assert "accepted" in scan(kiosk.runtime, code).claim.text("en")
        sales[kiosk.runtime.config.kiosk_id] = kiosk.runtime.pay("cash").sale_id
        kiosk.runtime.finish()

    a.sync_now()
    b.sync_now()
    a.sync_now()
    for kiosk, other in ((a, "K02"), (b, "K01")):
        [conflict] = [json.loads(p) for p in kiosk.journal("coupon_conflict")]
        assert conflict["local_state"] == "consumed"
        assert (conflict["remote_kiosk_id"], conflict["remote_sale_id"]) == (other, sales[other])


def test_the_sync_threads_carry_a_used_coupon_to_the_other_kiosk_unaided(shop):
    """GIVEN both kiosks running their sync threads WHEN A sells with a coupon THEN B's
    thread pulls it once its own outbox is drained, and B refuses the coupon."""
    a, b = shop.kiosk("K01"), shop.kiosk("K02")
    for kiosk in (a, b):
        kiosk.sync.relay.idle_s = 0.05
        kiosk.sync.start()
    try:
        code = coupon_qr("C100", "THREAD-1")
        scan(a.runtime, RICE)
        scan(a.runtime, code)
        a.runtime.pay("cash")
        a.runtime.finish()
        deadline = time.monotonic() + 30
        while b.runtime.store.get_config("sync.feed.coupons", 0) == 0:
            assert time.monotonic() < deadline, "B never pulled the coupon"
            time.sleep(0.05)
    finally:
        for kiosk in (a, b):
            kiosk.sync.stop()
    scan(b.runtime, RICE)
    assert scan(b.runtime, code).claim.text("en") == "This coupon has already been used."


def test_the_feed_answers_only_enrolled_kiosks_and_known_topics(shop, client):
    a = shop.kiosk("K01")
    url = "/api/v1/sync/feed/coupons"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer K01.wrong"}).status_code == 401
    good = {"Authorization": f"Bearer {a.sync.relay.token}"}
    assert client.get("/api/v1/sync/feed/members", headers=good).status_code == 404
    assert client.get(url, params={"limit": 0}, headers=good).status_code == 422
    assert client.get(url, headers=good).json() == {
        "topic": "coupons",
        "head": 0,
        "entries": [],
        "next": 0,
        "more": False,
    }


def _whole_sale_kiosks(shop: Shop) -> tuple[dict, Kiosk, Kiosk]:
    """Kiosks K01 and K02 whose coupon C100 is usable again once its whole sale is back."""
    config = settings()
    config["coupons"]["definitions"]["C100"]["reinstate_on_return"] = "whole_sale"
    return config, shop.kiosk("K01", plugin_config=config), shop.kiosk("K02", plugin_config=config)


def _sell_with(kiosk: Kiosk, code: str) -> dict:
    """Rice and tea sold with the coupon ``code``: the sale's document."""
    scan(kiosk.runtime, RICE)
    scan(kiosk.runtime, TEA)
    assert "accepted" in scan(kiosk.runtime, code).claim.text("en")
    sale = kiosk.runtime.pay("cash").to_document()
    kiosk.runtime.finish()
    return sale


def test_a_coupon_reinstated_by_a_return_at_one_kiosk_is_usable_at_the_others(shop, bo_db):
    """GIVEN a whole-sale coupon used at A and known as used at B WHEN all of A's sale comes
    back at A THEN the reinstatement goes out in A's outbox (with the journal entry), the
    back office marks its coupon use reinstated and its feed carries it: B accepts the
    coupon after its next pull, and C, which pulls the use and its reinstatement on one
    page, never refuses it."""
    from sqlalchemy import select

    from kiosk.runtime.returns import ReturnDesk
    from kiosk.staff import Role, StaffAccount
    from plugins.loyalty.backoffice.campaigns import campaign_report
    from plugins.loyalty.backoffice.customers_models import CouponUseRow
    from plugins.loyalty.backoffice.loyalty_sync_models import FeedRow

    config, a, b = _whole_sale_kiosks(shop)
    code = coupon_qr("C100", "BACK-7")
    sale = _sell_with(a, code)
    a.sync_now()
    b.sync_now()
    scan(b.runtime, RICE)
    assert scan(b.runtime, code).claim.text("en") == "This coupon has already been used."
    b.runtime.cancel()

    with bo_db.transaction() as session:
        day = session.scalars(select(CouponUseRow.business_date)).one()
        before = campaign_report(session, day, day)
    assert sum(line.redeemed for line in before.lines) == 1

    desk = ReturnDesk(a.runtime)
    staff = StaffAccount("S001", "係員", Role.ATTENDANT, "x")
    chosen = {line["line_id"]: line["quantity"] for line in sale["lines"]}
    desk.make(desk.plan(sale, chosen, reason="changed_mind", staff=staff))
    [outbox] = [row for row in a.runtime.store.unsent_outbox() if row.kind == "coupons_reinstated"]
    assert outbox.payload["coupons"] == ["C100:BACK-7"]
    assert outbox.payload["sale_id"] == sale["sale_id"]
    assert len(a.journal("coupons_reinstated")) == 1
    a.sync_now()

    with bo_db.transaction() as session:
        [use] = session.scalars(select(CouponUseRow)).all()
        assert use.reinstated_at is not None and use.reinstated_by == outbox.payload["return_id"]
        kinds = session.scalars(select(FeedRow.kind).order_by(FeedRow.seq)).all()
        report = campaign_report(session, use.business_date, use.business_date)
    assert all(line.redeemed == 0 for line in report.lines)  # given back: not redeemed
    assert kinds == ["coupon_used", "coupon_reinstated"]

    b.sync_now()
    scan(b.runtime, RICE)
    assert "accepted" in scan(b.runtime, code).claim.text("en")
    b.runtime.cancel()
    c = shop.kiosk("K03", plugin_config=config)
    c.sync_now()  # both entries on its first page, in order
    scan(c.runtime, RICE)
    assert "accepted" in scan(c.runtime, code).claim.text("en")
    assert c.journal("coupon_conflict") == []


def test_a_sale_returned_at_another_kiosk_reinstates_its_coupon_everywhere(shop, bo_db):
    """GIVEN a whole-sale coupon used at A, part of A's sale returned at A WHEN B, which finds
    the sale through the back office, takes back the rest THEN B's outbox carries the
    reinstatement (with the journal entry) — A's return and B's own counted together — the
    back office marks A's coupon use reinstated, and A and C accept the coupon after their
    pull (B at once)."""
    from types import SimpleNamespace

    from sqlalchemy import select

    from kiosk.runtime.return_lookup import fetch_sale
    from kiosk.runtime.returns import KioskReturns, ReturnDesk
    from kiosk.staff import Role, StaffAccount
    from plugins.loyalty.backoffice.customers_models import CouponUseRow

    config, a, b = _whole_sale_kiosks(shop)
    code = coupon_qr("C100", "AWAY-3")
    sale = _sell_with(a, code)
    staff = StaffAccount("S001", "係員", Role.ATTENDANT, "x")
    rice, tea = sale["lines"]
    desk = ReturnDesk(a.runtime)
    desk.make(desk.plan(sale, {rice["line_id"]: 1}, reason="changed_mind", staff=staff))
    assert a.journal("coupons_reinstated") == []  # the tea is still out
    a.sync_now()
    b.sync_now()

    def fetch(_config, kiosk_id, receipt_no, day=None):  # B's look-up, at the back office
        door = SimpleNamespace(
            backoffice_url="http://testserver", backoffice_token=b.sync.relay.token
        )
        return fetch_sale(door, kiosk_id, receipt_no, b.sync.client, day=day)

    flow = KioskReturns(b.runtime, fetch=fetch)
    found = flow.find_in_store(sale["receipt_no"], "K01")
    assert not found.local and len(found.elsewhere) == 1
    result = flow.make(found, flow.plan(found, {tea["line_id"]: 1}, "changed_mind", staff))
    [outbox] = [row for row in b.runtime.store.unsent_outbox() if row.kind == "coupons_reinstated"]
    assert outbox.payload == {
        "return_id": result.document["return_id"],
        "sale_id": sale["sale_id"],
        "kiosk_id": "K02",
        "coupons": ["C100:AWAY-3"],
    }
    assert len(b.journal("coupons_reinstated")) == 1
    # called again (a restart right after the commit): nothing twice
    b.runtime.host.call("kiosk_return_completed", document=result.document)
    with b.runtime.returning_foreign_sale(found.sale, found.elsewhere):
        b.runtime.host.call("kiosk_return_completed", document=result.document)
    assert len(b.journal("coupons_reinstated")) == 1
    scan(b.runtime, RICE)
    assert "accepted" in scan(b.runtime, code).claim.text("en")  # B knows at once
    b.runtime.cancel()
    b.sync_now()

    with bo_db.transaction() as session:
        [use] = session.scalars(select(CouponUseRow)).all()
        assert use.reinstated_at is not None and use.reinstated_by == result.document["return_id"]

    scan(a.runtime, RICE)
    assert scan(a.runtime, code).claim.text("en") == "This coupon has already been used."
    a.runtime.cancel()
    a.sync_now()  # the feed's reinstatement frees A's own use of its sale
    scan(a.runtime, RICE)
    assert "accepted" in scan(a.runtime, code).claim.text("en")
    a.runtime.cancel()
    c = shop.kiosk("K03", plugin_config=config)
    c.sync_now()
    scan(c.runtime, RICE)
    assert "accepted" in scan(c.runtime, code).claim.text("en")
    assert c.journal("coupon_conflict") == []
