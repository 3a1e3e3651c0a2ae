"""Takings = tenders = what shoppers handed in − the change given back, per store and day.

GIVEN one business day at two stores: cash paid with notes (change given), a split tender
      (card, then cash with change), a basket coupon, and a cash return
WHEN they reach the back office through the sync API
THEN each store's reconciliation balances with the figures worked by hand below, and the
     other store's sales never enter it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from kiosk.backoffice.sales.reconcile import reconcile
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.messages import store_text
from tests.backoffice.helpers import post
from tests.returns.sales import BENTO, DETERGENT, TEA

DAY = datetime(2026, 11, 3, 11, 0)


class Kiosk:
    def __init__(self, kiosk_id: str) -> None:
        self.kiosk_id, self.seq, self.events = kiosk_id, 0, []

    def send(self, kind: str, payload: dict) -> None:
        self.seq += 1
        self.events.append(
            {"seq": self.seq, "event_id": str(uuid.uuid4()), "kind": kind, "payload": payload}
        )

    def sale(self, basket: Basket, tenders: list[tuple[str, int, int]], change: int) -> dict:
        """``tenders``: (method, amount applied, handed in: 0 when the same)."""
        totals = compute_totals(basket.lines, basket.adjustments)
        assert sum(amount for _, amount, _ in tenders) == totals.total
        sale = Sale(
            sale_id=str(uuid.uuid4()),
            kiosk_id=self.kiosk_id,
            receipt_no=self.seq + 1,
            started_at=DAY,
            completed_at=DAY,
            lines=tuple(basket.lines),
            adjustments=tuple(basket.adjustments),
            totals=totals,
            tenders=tuple(
                Tender(str(uuid.uuid4()), m, m, m, amount, tendered=handed)
                for m, amount, handed in tenders
            ),
            change=change,
        )
        document = sale.to_document()
        self.send("sale", document)
        return document

    def give_back(self, sale: dict, chosen: dict) -> None:
        plan = plan_return(
            sale, chosen, return_id=str(uuid.uuid4()), reason="other", staff_id="S001"
        )
        refunds = [
            {
                "payment_id": str(uuid.uuid4()),
                "original_payment_id": t.payment_id,
                "method": t.method,
                "amount": t.amount,
            }
            for t in plan.tenders
        ]
        self.send(
            "return",
            plan.to_document(
                kiosk_id=self.kiosk_id, return_no=1, completed_at=DAY, refunds=refunds
            ),
        )


def test_function_takings_are_what_was_handed_in_less_change_per_store(
    client, bo_db, clock, kiosk_token
):
    with bo_db.transaction() as session:
        other_token = enrol_kiosk(session, "K02", clock(), store_id="S02")
    k01, k02 = Kiosk("K01"), Kiosk("K02")

    # S01 — お茶 ×2 + 弁当 = ¥840, ¥1,000 in cash → ¥160 change
    one = Basket()
    one.add(TEA, 2)
    one.add(BENTO)
    cash_sale = k01.sale(one, [("cash", 840, 1000)], change=160)
    # S01 — 洗剤 + 弁当 = ¥1,200 less a ¥70 coupon = ¥1,130: card ¥1,000, then ¥130 due
    # paid with ¥500 in cash → ¥370 change
    two = Basket()
    two.add(DETERGENT)
    two.add(BENTO)
    two.adjustments = [
        Adjustment("c70", AdjustmentKind.COUPON, -70, store_text(ja="70円引", en="70 off"))
    ]
    k01.sale(two, [("card", 1000, 0), ("cash", 130, 500)], change=370)
    # S01 — one お茶 of the first sale comes back: ¥150 refunded in cash
    k01.give_back(cash_sale, {1: 1})
    # S02 — 洗剤 ¥660 with ¥10,000 → ¥9,340 change
    three = Basket()
    three.add(DETERGENT)
    k02.sale(three, [("cash", 660, 10_000)], change=9_340)

    for token, kiosk in ((kiosk_token, k01), (other_token, k02)):
        assert post(client, token, kiosk.events).json()["expected_seq"] is None

    with bo_db.reading() as session:
        s01, s02 = reconcile(session, DAY.date())
        only_s02 = reconcile(session, DAY.date(), "S02")
    assert (s01.store_id, s02.store_id) == ("S01", "S02")
    # S01: takings 840 + 1,130 − 150 = 1,820
    #      departments: drinks 300 − 150, deli 540 + 540, household 660 = 1,890; coupon −70
    #      handed in 1,000 + 1,000 + 500 − 150 (the refund) = 2,350; change 160 + 370 = 530
    assert s01.takings == 1_820
    assert s01.department_total == 1_890 and s01.discount_total == -70
    assert s01.tax_added_and_rounding == 0
    assert s01.tenders == {"card": 1_000, "cash": 820}
    assert (s01.handed_in, s01.change) == (2_350, 530)
    assert s01.handed_in - s01.change == s01.tender_total == s01.takings
    assert s01.balanced
    assert [r["refund"] for r in s01.returns] == [150]
    # S02: ¥10,000 in, ¥9,340 back: ¥660 taken
    assert (s02.takings, s02.handed_in, s02.change, s02.tender_total) == (660, 10_000, 9_340, 660)
    assert s02.balanced
    assert [entry.takings for entry in only_s02] == [660]
