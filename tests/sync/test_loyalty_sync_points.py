"""Members and points across kiosks: enrol at one, spend at another, overdraw reported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from plugins.conftest import ONIGIRI, RICE, scan
from plugins.loyalty.backoffice.loyalty_sync import member_balance
from plugins.loyalty.backoffice.loyalty_sync_models import OverdrawRow, PointsEntryRow
from tests.backoffice.databases import sign_in
from tests.sync.loyalty_sync_shop import NAME, PHONE, Shop, enrol


@pytest.fixture
def shop(make_runtime, bo_db, client, clock, tmp_path) -> Shop:
    return Shop(make_runtime, bo_db, client, clock, tmp_path)


def _bo_balance(shop: Shop, member_id: str) -> tuple[int, int]:
    with shop.bo_db.reading() as session:
        return member_balance(session, member_id, shop.clock())


def test_a_member_enrolled_at_one_kiosk_is_identified_and_spends_at_another(shop):
    """GIVEN a member enrolled and earning at A WHEN A and B sync THEN B finds the member by
    phone with A's points, spends some, and every balance agrees after the next sync."""
    a, b = shop.kiosk("K01"), shop.kiosk("K02")
    member_id = enrol(a, name=NAME, phone=PHONE)
    scan(a.runtime, RICE)
    a.runtime.pay("cash")  # ¥2,480: 24 points
    a.runtime.finish()
    a.sync_now()
    b.sync_now()

    view = b.loyalty.identify_by_phone(PHONE)
    assert (view.member_id, view.display_name, view.points) == (member_id, NAME, 24)
    assert b.loyalty.directory.consent_records(member_id)[0]["kiosk_id"] == "K01"
    shop.clock.advance(minutes=5)
    scan(b.runtime, RICE)
    b.loyalty.use_points_as_discount(10)
    b.runtime.pay("cash")  # ¥2,470 after 10 points off: 24 more
    b.runtime.finish()
    b.sync_now()
    a.sync_now()

    expected = 24 - 10 + 24
    assert a.loyalty.balance(member_id).points == expected
    assert b.loyalty.balance(member_id).points == expected
    assert _bo_balance(shop, member_id) == (expected, 0)
    with shop.bo_db.reading() as session:
        entries = session.scalars(
            select(PointsEntryRow.kind).where(PointsEntryRow.member_id == member_id)
        )
        assert sorted(entries) == ["earn", "earn", "redeem_discount"]

    # syncing again applies nothing twice
    a.sync_now()
    b.sync_now()
    assert a.loyalty.balance(member_id).points == b.loyalty.balance(member_id).points == expected


def test_spending_the_same_points_offline_at_two_kiosks_is_detected_and_reported(
    shop, client, staff
):
    """GIVEN a member with 24 points known to A and B WHEN both spend all 24 while the back
    office is down THEN after the sync the debt shows everywhere, both kiosks journal a
    loyalty_overdraw, the back office flags it for staff, and no entry is undone."""
    a, b = shop.kiosk("K01"), shop.kiosk("K02")
    member_id = enrol(a, phone=PHONE)
    scan(a.runtime, RICE)
    a.runtime.pay("cash")
    a.runtime.finish()
    a.sync_now()
    b.sync_now()

    for kiosk in (a, b):  # offline: each kiosk believes the 24 points are there
        shop.clock.advance(minutes=10)
        kiosk.loyalty.identify_by_phone(PHONE)
        scan(kiosk.runtime, ONIGIRI)
        assert kiosk.loyalty.use_points_as_discount(24) == 24
        kiosk.runtime.pay("cash")  # ¥126 after the points: 1 point earned
        kiosk.runtime.finish()

    a.sync_now()
    b.sync_now()
    a.sync_now()

    # 24 + (1 − 24) + (1 − 24): 22 points were spent that were not there
    for kiosk in (a, b):
        balance = kiosk.loyalty.balance(member_id)
        assert (balance.points, balance.debt) == (0, 22)
        [report] = [json.loads(p) for p in kiosk.journal("loyalty_overdraw")]
        assert report == {"member_id": member_id, "debt": 22}
    assert _bo_balance(shop, member_id) == (0, 22)
    with shop.bo_db.reading() as session:
        [flag] = session.scalars(select(OverdrawRow)).all()
        assert (flag.member_id, flag.debt, flag.kiosks) == (member_id, 22, ["K01", "K02"])
        assert len(session.scalars(select(PointsEntryRow)).all()) == 5  # nothing removed

    sign_in(client, staff["manager"])
    listed = client.get("/api/v1/loyalty/overdraws").json()["overdraws"]
    assert [(o["member_id"], o["debt"]) for o in listed] == [(member_id, 22)]
    points = client.get(f"/api/v1/loyalty/members/{member_id}/points").json()
    assert (points["points"], points["debt"], points["status"]) == (0, 22, "active")
