"""Customers and campaigns: coupon uses from kiosk events, RFM members, one member's
history (masked, audited), the campaign report — with hand-worked numbers, on both databases.

The store (clock 2026-11-20 09:00; campaign period November 2026). Every sale is at 10:00.

| member | before November (RFM as of 11-01)          | November                                    |
|--------|--------------------------------------------|---------------------------------------------|
| MA     | 10-05, 12, 19, 26: ¥2,000 each → loyal     | 11-10 ¥2,900 with C100 (−100); 11-15 ¥3,000  |
| MB     | the same → loyal                           | 11-12 ¥2,000 with BDAY@MB (−200); 11-18 −¥500 refund |
| MC     | the same → loyal                           | —                                           |
| MD     | 10-20 ¥1,000 → new                         | 11-11 ¥1,400 with C100 (−100)                |
| ME     | 10-25 ¥3,000 → new                         | 11-13 ¥1,100                                 |
| MF     | —                                          | 11-14 ¥900 with C100 (−100)                  |
| MG     | 01-10, 11, 12: ¥1,000 each → lapsed        | —                                           |
| MH     | 06-01 … 06-04: ¥1,000 each → at risk       | —                                           |
| none   |                                            | 11-16 ¥950 with the FLYER barcode (−50)      |
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import func, insert, select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.db import alembic_config
from kiosk.backoffice.masterdata.service import set_setting
from kiosk.backoffice.sales.models import KioskEventRow, SaleRow
from plugins.loyalty.backoffice import campaigns, customers
from plugins.loyalty.backoffice.customers_models import CouponUseRow
from plugins.loyalty.rfm import rfm
from tests.backoffice.databases import sign_in
from tests.backoffice.helpers import post

M = {
    name: f"M{name}00000000{n}"
    for n, name in enumerate(("MA", "MB", "MC", "MD", "ME", "MF", "MG", "MH"), 1)
}
NOW = datetime(2026, 11, 20, 9, 0)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def sale_doc(
    at: datetime,
    total: int,
    member: str | None = None,
    coupons: dict[str, int] | None = None,
    kiosk_id: str = "K01",
) -> dict:
    """A sale document as the kiosk outboxes it; ``coupons`` maps coupon id → yen off."""
    adjustments = [
        {
            "key": f"coupon-{cid}",
            "kind": "coupon",
            "amount": -off,
            "label_ja": f"{cid.split('@')[0].split(':')[0]}引",
            "label_en": cid,
            "line_ids": [],
            "source": "coupons",
        }
        for cid, off in (coupons or {}).items()
    ]
    return {
        "sale_id": str(uuid.uuid4()),
        "kiosk_id": kiosk_id,
        "receipt_no": 1,
        "completed_at": at.isoformat(),
        "member_id": member,
        "lines": [
            {
                "line_id": 1,
                "sku": "SKU-T",
                "amount": total + sum((coupons or {}).values()),
                "quantity": 1,
                "department": "food",
                "tax": "standard",
            }
        ],
        "adjustments": adjustments,
        "rates": [
            {
                "tax": "standard",
                "rate_percent": 10,
                "gross": total,
                "tax_amount": total * 10 // 110,
                # a kiosk's rate carries its share of the sale's discounts (the door checks
                # gross = lines + discount: kiosk/backoffice/sales/sale_checks.py)
                "discount": -sum((coupons or {}).values()),
            }
        ],
        "total": total,
        "tenders": [{"payment_id": "p", "method": "cash", "amount": total}],
        "extra": {},
    }


class Outbox:
    """One kiosk's outbox: events get the next seq, as the kiosk's relay sends them."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def add(self, kind: str, payload: dict) -> dict:
        self.events.append(
            {
                "seq": len(self.events) + 1,
                "event_id": str(uuid.uuid4()),
                "kind": kind,
                "payload": payload,
            }
        )
        return payload

    def sale(
        self,
        at: datetime,
        total: int,
        member: str | None = None,
        coupons: dict[str, int] | None = None,
    ) -> dict:
        doc = self.add("sale", sale_doc(at, total, member, coupons))
        if coupons:  # the coupons plugin outboxes its event right after the sale
            self.add(
                "coupons", {"sale_id": doc["sale_id"], "kiosk_id": "K01", "coupons": list(coupons)}
            )
        return doc

    def refund(self, at: datetime, sale: dict, amount: int) -> dict:
        """A return of ``amount`` yen of ``sale``'s line, as the kiosk outboxes it (kind
        ``return``; a kiosk never sends a "sale" with a negative total)."""
        return_id = str(uuid.uuid4())
        return self.add(
            "return",
            {
                "sale_id": return_id,
                "return_id": return_id,
                "original_sale_id": sale["sale_id"],
                "kiosk_id": "K01",
                "receipt_no": 1,
                "completed_at": at.isoformat(),
                "member_id": sale["member_id"],
                "lines": [
                    {
                        "line_id": 1,
                        "original_line_id": 1,
                        "sku": "SKU-T",
                        "amount": -amount,
                        "quantity": -1,
                        "department": "food",
                        "tax": "standard",
                    }
                ],
                "rates": [
                    {
                        "tax": "standard",
                        "rate_percent": 10,
                        "gross": -amount,
                        "tax_amount": -(amount * 10 // 110),
                        "discount": 0,
                    }
                ],
                "total": -amount,
                "tenders": [{"payment_id": "r", "method": "cash", "amount": -amount}],
            },
        )


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0)


def the_store() -> Outbox:
    box = Outbox()
    for name in ("MA", "MB", "MC"):
        for day in (5, 12, 19, 26):
            box.sale(at(10, day), 2000, M[name])
    box.sale(at(10, 20), 1000, M["MD"])
    box.sale(at(10, 25), 3000, M["ME"])
    for day in (10, 11, 12):
        box.sale(at(1, day), 1000, M["MG"])
    for day in (1, 2, 3, 4):
        box.sale(at(6, day), 1000, M["MH"])
    box.sale(at(11, 10), 2900, M["MA"], {"C100:SN-1": 100})
    box.sale(at(11, 15), 3000, M["MA"])
    birthday = box.sale(at(11, 12), 2000, M["MB"], {f"BDAY@{M['MB']}": 200})
    box.refund(at(11, 18), birthday, 500)
    box.sale(at(11, 11), 1400, M["MD"], {"C100:SN-2": 100})
    box.sale(at(11, 13), 1100, M["ME"])
    box.sale(at(11, 14), 900, M["MF"], {"C100:SN-3": 100})
    box.sale(at(11, 16), 950, None, {"FLYER": 50})
    return box


@pytest.fixture
def store(client, bo_db, clock, kiosk_token, staff):
    box = the_store()
    response = post(client, kiosk_token, box.events)
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == len(box.events)
    with bo_db.transaction() as s:
        coupons = [
            {
                "id": "BDAY",
                "label_ja": "誕生日クーポン",
                "members": [M["MB"], M["MC"], "MX0000000099"],
            },
            {"id": "C100", "issued": 10},
        ]
        set_setting(s, "coupons", coupons, NOW, "test")
    clock.now = NOW
    return box


# --- coupon uses ------------------------------------------------------------------------------


def test_function_coupons_events_become_coupon_uses(store, bo_db):
    """GIVEN the store's sales and coupons events WHEN ingested THEN one use per coupon, with
    its definition, origin, member, amount and business date from the sale."""
    with bo_db.reading() as s:
        uses = {u.coupon_id: u for u in s.scalars(select(CouponUseRow))}
    assert set(uses) == {"C100:SN-1", "C100:SN-2", "C100:SN-3", f"BDAY@{M['MB']}", "FLYER"}
    first = uses["C100:SN-1"]
    assert (first.definition_id, first.origin, first.member_id, first.amount_off, first.business_date, first.kiosk_id) == (
        "C100", "qr", M["MA"], 100, date(2026, 11, 10), "K01",
    )  # fmt: skip
    assert (
        uses[f"BDAY@{M['MB']}"].definition_id,
        uses[f"BDAY@{M['MB']}"].origin,
        uses[f"BDAY@{M['MB']}"].amount_off,
    ) == ("BDAY", "member", 200)
    assert (
        uses["FLYER"].definition_id,
        uses["FLYER"].origin,
        uses["FLYER"].member_id,
        uses["FLYER"].amount_off,
    ) == ("FLYER", "barcode", None, 50)


def test_function_a_malformed_coupons_event_is_audited_and_does_not_block_sync(
    store, client, bo_db, kiosk_token
):
    """GIVEN a coupons event without a sale id nor coupons (well-typed, so past the door),
    then a sale WHEN delivered THEN both are acknowledged, the raw event is kept, the problem
    is audited and the report counts it. (A wrongly typed one is refused at the door:
    tests/backoffice/test_function_kiosk_door.py.)"""
    events = [
        {
            "seq": len(store.events) + 1,
            "event_id": str(uuid.uuid4()),
            "kind": "coupons",
            "payload": {"coupons": []},
        },
        {
            "seq": len(store.events) + 2,
            "event_id": str(uuid.uuid4()),
            "kind": "sale",
            "payload": sale_doc(at(11, 19), 500),
        },
    ]
    response = post(client, kiosk_token, events)
    assert response.status_code == 200 and response.json()["acked_through"] == len(store.events) + 2
    with bo_db.reading() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(KioskEventRow)
                .where(KioskEventRow.kind == "coupons")
            )
            == 6
        )
        problem = s.scalars(
            select(AuditRow).where(AuditRow.action == "coupons.event_unreadable")
        ).one()
        assert (problem.result, problem.target, problem.actor) == (
            "failure",
            f"K01#{len(store.events) + 1}",
            "kiosk:K01",
        )
        assert s.scalar(select(func.count()).select_from(CouponUseRow)) == 5
        assert campaigns.campaign_report(s, *NOVEMBER).problems == 1


def test_function_a_coupon_whose_sale_never_came_is_kept_without_an_amount(
    store, client, bo_db, kiosk_token
):
    payload = {"sale_id": str(uuid.uuid4()), "kiosk_id": "K01", "coupons": ["C100:SN-9"]}
    post(
        client,
        kiosk_token,
        [
            {
                "seq": len(store.events) + 1,
                "event_id": str(uuid.uuid4()),
                "kind": "coupons",
                "payload": payload,
            }
        ],
    )
    with bo_db.reading() as s:
        use = s.scalars(select(CouponUseRow).where(CouponUseRow.coupon_id == "C100:SN-9")).one()
        assert (use.amount_off, use.member_id, use.business_date) == (None, None, NOW.date())
        line = next(
            x for x in campaigns.campaign_report(s, *NOVEMBER).lines if x.definition_id == "C100"
        )
    assert (line.redeemed, line.discount, line.amount_unknown) == (4, 300, 1)


def test_function_a_coupons_event_resent_under_a_new_seq_is_not_doubled(
    store, client, bo_db, kiosk_token
):
    again = dict(store.events[-1], seq=len(store.events) + 1, event_id=str(uuid.uuid4()))
    assert post(client, kiosk_token, [again]).status_code == 200
    with bo_db.reading() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(CouponUseRow)
                .where(CouponUseRow.coupon_id == "FLYER")
            )
            == 1
        )


def test_function_the_migration_backfills_coupon_uses_from_received_events(store, bo_db):
    """GIVEN coupons events received before the customers branch existed WHEN it is migrated
    THEN their uses are there, as the live handler makes them. (``customers@-2``: below the
    branch's two revisions, the table and its reinstated columns.)"""
    with bo_db.reading() as s:
        live = sorted(
            (u.coupon_id, u.definition_id, u.member_id, u.amount_off, u.business_date)
            for u in s.scalars(select(CouponUseRow))
        )
    config = alembic_config(bo_db.engine)
    with bo_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "customers@-2")
    with bo_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    with bo_db.reading() as s:
        backfilled = sorted(
            (u.coupon_id, u.definition_id, u.member_id, u.amount_off, u.business_date)
            for u in s.scalars(select(CouponUseRow))
        )
    assert backfilled == live and len(live) == 5


def test_function_the_backfill_skips_an_unreadable_event(bo_db):
    with bo_db.transaction() as s:
        s.execute(
            insert(KioskEventRow).values(
                kiosk_id="K01",
                kiosk_seq=1,
                event_id=str(uuid.uuid4()),
                kind="coupons",
                payload={"coupons": [1]},
                received_at=NOW,
            )
        )
    config = alembic_config(bo_db.engine)
    for target, step in (("customers@-2", command.downgrade), ("heads", command.upgrade)):
        with bo_db.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, target)
    with bo_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(CouponUseRow)) == 0


# --- members and segments ---------------------------------------------------------------------


def test_function_members_are_scored_as_the_loyalty_plugin_scores_them(store, bo_db):
    """GIVEN the store WHEN the back office scores members in SQL THEN it agrees with
    plugins.loyalty.rfm.rfm over the same sale documents, and the segments are as worked out."""
    with bo_db.reading() as s:
        ours = {m.member_id: m.rfm for m in customers.scored_members(s, NOW)}
        documents = [row.document for row in s.scalars(select(SaleRow))]
    assert ours == rfm(documents, NOW)
    segments = {name: ours[M[name]].segment for name in M}
    assert segments == {
        "MA": "loyal",
        "MB": "loyal",
        "MC": "loyal",
        "MD": "new",
        "ME": "new",
        "MF": "new",
        "MG": "lapsed",
        "MH": "at_risk",
    }
    ma, mb = ours[M["MA"]], ours[M["MB"]]
    assert (ma.recency_days, ma.frequency, ma.monetary, ma.r, ma.f, ma.m) == (4, 6, 13_900, 5, 3, 2)
    # the refund (1 day ago): no visit — recency from the last purchase (7 days) — less spend
    assert (mb.recency_days, mb.frequency, mb.monetary) == (7, 5, 9_500)


def test_function_member_list_pages_sorts_filters_and_counts_segments(store, bo_db):
    with bo_db.reading() as s:
        page = customers.member_page(s, NOW, sort="spend", limit=3, offset=3)
        new = customers.member_page(s, NOW, segment="new", sort="member", descending=False)
        with pytest.raises(customers.InvalidInput):
            customers.member_page(s, NOW, sort="name")
    assert page.total == 8 and [m.member_id for m in page.members] == [M["ME"], M["MH"], M["MG"]]
    assert page.segments == {
        "champion": 0,
        "loyal": 3,
        "new": 3,
        "regular": 0,
        "at_risk": 1,
        "lapsed": 1,
    }
    assert [m.member_id for m in new.members] == [M["MD"], M["ME"], M["MF"]]


def test_function_member_history_by_month_and_visit_interval(store, bo_db):
    with bo_db.reading() as s:
        h = customers.member_history(s, M["MA"], NOW)
        with pytest.raises(customers.UnknownMember):
            customers.member_history(s, "M-NOBODY", NOW)
    assert h.sales_count == 6 and h.visits == 6 and h.spend == 13_900
    assert h.by_month[0] == ("2025-12", 0, 0) and h.by_month[-2:] == [
        ("2026-10", 4, 8_000),
        ("2026-11", 2, 5_900),
    ]
    assert h.mean_days_between_visits == 8.2  # 10-05 → 11-15 is 41 days over 5 intervals
    assert [(s_.total, s_.coupons, s_.coupon_discount) for s_ in h.sales[:2]] == [
        (3000, (), 0),
        (2900, ("C100",), 100),
    ]


def test_function_pages_mask_members_for_managers_and_audit_each_history(
    store, client, bo_db, staff
):
    """GIVEN a manager WHEN the list and a member are opened THEN ids show as ****0001, and the
    history view is audited with the member id; an admin sees whole ids."""
    sign_in(client, staff["manager"])
    listing = client.get("/customers?sort=member&order=asc")
    assert (
        listing.status_code == 200
        and "****0001" in listing.text
        and f">{M['MA']}<" not in listing.text
    )
    one = client.get(f"/customers/{M['MA']}")
    assert (
        one.status_code == 200
        and "****0001" in one.text
        and f"Member 会員 {M['MA']}" not in one.text
    )
    assert "2026-11-10 10:00" in one.text and "C100" in one.text
    api = client.get(f"/api/v1/customers/{M['MA']}").json()
    assert (
        api["member"] == "****0001"
        and api["visits"] == 6
        and api["sales"][1]["coupon_discount"] == 100
    )
    assert client.get("/customers/M-NOBODY").status_code == 404
    lookup = client.get(
        "/customers/lookup", params={"member_id": f" {M['MA']} "}, follow_redirects=False
    )
    assert (lookup.status_code, lookup.headers["location"]) == (303, f"/customers/{M['MA']}")
    with bo_db.reading() as s:
        views = s.scalars(select(AuditRow).where(AuditRow.action == "customer.view")).all()
    assert [(v.actor, v.target) for v in views] == [("manager", M["MA"])] * 2
    client.post("/logout")
    sign_in(client, staff["admin"])
    assert f">{M['MA']}<" in client.get("/customers?sort=member&order=asc").text
    assert client.get(f"/api/v1/customers/{M['MA']}").json()["member"] == M["MA"]


def test_function_customer_pages_need_a_manager(store, client, staff):
    assert client.get("/api/v1/customers").status_code == 401
    sign_in(client, staff["attendant"])
    assert client.get("/api/v1/customers").status_code == 403
    assert client.get("/customers").status_code == 403


def test_function_customers_api_lists_and_counts(store, client, staff):
    sign_in(client, staff["manager"])
    body = client.get("/api/v1/customers", params={"sort": "spend", "limit": 2}).json()
    assert body["total"] == 8 and [m["member"] for m in body["members"]] == ["****0001", "****0002"]
    assert body["members"][0] | {"last_visit": None} == {
        "member": "****0001", "segment": "loyal", "last_visit": None, "recency_days": 4,
        "visits": 6, "spend": 13_900, "r": 5, "f": 3, "m": 2,
    }  # fmt: skip
    assert client.get("/api/v1/customers/segments").json()["segments"]["new"] == 3
    assert client.get("/api/v1/customers", params={"segment": "vip"}).status_code == 422


# --- campaign report --------------------------------------------------------------------------


def test_function_campaign_report_hand_worked(store, bo_db):
    """C100: MA (loyal) spent 2,900 + 3,000 = 5,900 in November, loyal non-users MB 2,000 − 500
    and MC 0 average 750; MD (new) 1,400 vs ME 1,100. Users (5,900 + 1,400) / 2 = 3,650,
    comparable (750 + 1,100) / 2 = 925, difference 2,725. MF had no history: not compared.
    BDAY (attached to 3 members): MB 1,500 vs loyal MA 5,900 and MC 0 → 2,950: −1,450.
    FLYER: an open barcode coupon, issued n/a, used once without a member."""
    with bo_db.reading() as s:
        r = campaigns.campaign_report(s, *NOVEMBER)
    lines = {line.definition_id: line for line in r.lines}
    assert list(lines) == ["BDAY", "C100", "FLYER"] and r.problems == 0
    c100 = lines["C100"]
    assert (c100.issued, c100.redeemed, c100.redemption_percent, c100.discount) == (
        10,
        3,
        30.0,
        300,
    )
    assert (c100.members_redeemed, c100.members_compared, c100.not_compared) == (3, 2, 1)
    assert (c100.avg_spend_redeemers, c100.avg_spend_comparable, c100.difference) == (
        3650,
        925,
        2725,
    )
    assert [(e.segment, e.redeemers, e.avg_spend_redeemers, e.comparable, e.avg_spend_comparable) for e in c100.by_segment] == [
        ("loyal", 1, 5900, 2, 750), ("new", 1, 1400, 1, 1100),
    ]  # fmt: skip
    bday = lines["BDAY"]
    assert (bday.label, bday.issued, bday.redeemed, bday.redemption_percent, bday.discount) == (
        "誕生日クーポン",
        3,
        1,
        33.3,
        200,
    )
    assert (bday.avg_spend_redeemers, bday.avg_spend_comparable, bday.difference) == (
        1500,
        2950,
        -1450,
    )
    flyer = lines["FLYER"]
    assert (
        flyer.issued,
        flyer.redeemed,
        flyer.discount,
        flyer.members_redeemed,
        flyer.difference,
    ) == (None, 1, 50, 0, None)
    assert flyer.label == "FLYER引"  # from the sale's adjustment, as the receipt showed it


def test_function_campaign_report_only_counts_the_period(store, bo_db):
    with bo_db.reading() as s:
        r = campaigns.campaign_report(s, date(2026, 11, 12), date(2026, 11, 14))
        with pytest.raises(campaigns.InvalidInput):
            campaigns.campaign_report(s, date(2026, 11, 14), date(2026, 11, 12))
    assert {x.definition_id: x.redeemed for x in r.lines} == {"BDAY": 1, "C100": 1}


def test_function_campaign_period_follows_the_business_day(store, client, bo_db, kiosk_token):
    """GIVEN the store's day starts at 04:00 WHEN MC uses C100 on 12-01 at 02:00 (¥700) THEN
    that is November's: loyal users MA 5,900 and MC 700 vs MB 1,500; new MD 1,400 vs ME 1,100.
    Users 8,000 / 3 → 2,667; comparable (1,500 × 2 + 1,100) / 3 → 1,367; difference 3,900 / 3 = 1,300."""
    with bo_db.transaction() as s:
        set_setting(s, "business_day_starts", "04:00", NOW, "test")
    box = Outbox()
    box.sale(datetime(2026, 12, 1, 2, 0), 700, M["MC"], {"C100:SN-4": 100})
    for e in box.events:
        e["seq"] += len(store.events)
    assert post(client, kiosk_token, box.events).status_code == 200
    with bo_db.reading() as s:
        c100 = next(
            x for x in campaigns.campaign_report(s, *NOVEMBER).lines if x.definition_id == "C100"
        )
        december = campaigns.campaign_report(s, date(2026, 12, 1), date(2026, 12, 31)).lines
    assert (c100.redeemed, c100.members_compared) == (4, 3)
    assert (c100.avg_spend_redeemers, c100.avg_spend_comparable, c100.difference) == (
        2667,
        1367,
        1300,
    )
    assert (c100.by_segment[0].redeemers, c100.by_segment[0].avg_spend_redeemers) == (2, 3300)
    assert [x.redeemed for x in december if x.definition_id == "C100"] == [0]


def test_function_rounding_is_half_up_to_the_yen():
    from fractions import Fraction

    assert [campaigns.yen(Fraction(n, 2)) for n in (5, 7, -5, -7)] == [3, 4, -2, -3]


def test_function_campaign_page_csv_and_api_agree(store, client, staff):
    sign_in(client, staff["manager"])
    params = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    html = client.get("/campaigns", params=params)
    assert (
        html.status_code == 200
        and "+2,725" in html.text
        and "−1,450" not in html.text
        and "-1,450" in html.text
    )
    # figures right-aligned, text left (the "t" class): the rate, an unknown issued count, the
    # difference — like every other table's figures
    flyer = html.text.split("FLYER<br>")[1].split("</tr>")[0]
    assert '<td><span class="bad">-1,450</span></td>' in html.text
    assert "<td>30.0</td>" in html.text and '<td class="t">' not in flyer
    response = client.get("/campaigns.csv", params=params)
    assert response.headers["content-type"].startswith("text/csv") and response.text.startswith(
        "\ufeff"
    )
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [(r["definition_id"], r["issued"], r["redeemed"], r["discount"], r["difference"]) for r in rows] == [
        ("BDAY", "3", "1", "200", "-1450"), ("C100", "10", "3", "300", "2725"), ("FLYER", "n/a", "1", "50", ""),
    ]  # fmt: skip
    api = client.get("/api/v1/campaigns", params=params).json()
    assert [c["difference"] for c in api["campaigns"]] == [-1450, 2725, None]
    assert api["campaigns"][1]["by_segment"][0] == {
        "segment": "loyal",
        "redeemers": 1,
        "avg_spend_redeemers": 5900,
        "comparable": 2,
        "avg_spend_comparable": 750,
    }
    assert client.get("/api/v1/campaigns", params={"date_from": "2026-13-01"}).status_code == 422


def test_function_a_bad_query_parameter_is_one_clear_error_not_fastapis_raw_422(
    store, client, staff
):
    """GIVEN a manager WHEN a page or an /api/ list is asked with a query parameter missing
    (member look-up without member_id) or not a number (limit=abc) THEN the API answers the
    back office's error shape naming the parameter, and a page a four-language message."""
    sign_in(client, staff["manager"])
    api = client.get("/api/v1/customers", params={"limit": "abc"})
    assert api.status_code == 422
    body = api.json()
    assert body["error"] == "InvalidQuery" and set(body) == {"error", "detail"}
    assert "limit" in body["detail"] and "'abc'" in body["detail"]
    assert "\n" not in body["detail"]
    assert client.get("/api/v1/customers", params={"limit": 0}).json()["error"] == "InvalidQuery"

    page = client.get("/customers/lookup")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "member_id" in text and '"detail"' not in text
    for words in ("missing or wrong", "正しくありません", "有误", "잘못되었습니다"):
        assert words in text
    listing = client.get("/customers", params={"offset": "abc"})
    assert listing.status_code == 422 and "offset" in listing.text and "abc" in listing.text
