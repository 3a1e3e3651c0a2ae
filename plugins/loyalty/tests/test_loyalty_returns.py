"""GIVEN a member's sale paid partly with points WHEN goods come back (kiosk_return_completed)
THEN the points earned on them are taken back in proportion, and a full return leaves the
member's balance as it was before the sale (the points tender is refunded to points)."""

from __future__ import annotations

from kiosk.runtime.returns import ReturnDesk
from plugins.conftest import RICE, TEA, TOILET_PAPER, scan
from plugins.loyalty import loyalty_for
from plugins.loyalty import returns as loyalty_returns
from tests.returns.desk import ATTENDANT


def test_points_follow_the_goods_back(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment("ja").token, True, name="山田 花子")
    member_id = enrolment.member.member_id
    with runtime.unit_of_work() as uow:
        service.ledger.add(uow, member_id, "earn", 500, runtime.clock(), expires=True)
    for code in (RICE, TEA, TOILET_PAPER):
        assert scan(runtime, code).accepted
    assert runtime.pay("points", 300) is None
    sale = runtime.pay("cash")
    runtime.finish()
    document = sale.to_document()
    earned = service.sale_record(sale.sale_id)["earned"]
    assert earned > 0
    assert service.balance(member_id).points == 500 - 300 + earned

    desk = ReturnDesk(runtime)
    # WHEN the rice (line 1) comes back: cash first (the last tender), earned points in part
    first = desk.make(desk.plan(document, {1: 1}, reason="changed_mind", staff=ATTENDANT))
    refunded = -first.document["total"]
    taken = earned * refunded // document["total"]
    assert service.balance(member_id).points == 500 - 300 + earned - taken
    # a replay of the hook (a crash right after the commit) books nothing more
    assert loyalty_returns.record_return(service, first.document) is None
    # WHEN the rest comes back THEN every earned point is gone and the 300 points are back
    rest = desk.make(desk.plan(document, {2: 1, 3: 1}, reason="changed_mind", staff=ATTENDANT))
    assert [t["method"] for t in rest.document["tenders"]] == ["cash", "points"]
    assert service.balance(member_id).points == 500
